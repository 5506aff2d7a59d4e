"""Item versions (事项版本): drafting, editing, the completeness check and publishing."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.core.audit import audit_record
from onevisit.core.errors import Conflict, ValidationFailed, full_clean_or_raise
from onevisit.duties.choices import DutyCategory

from .. import selectors
from ..choices import (
    CaseType,
    FormFieldType,
    OnlineDepth,
    ResultType,
    VersionState,
)
from ..hooks import catalog_changed
from ..models import Material, ServiceItem, ServiceItemVersion
from .items import ensure_may_manage_item

FORM_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class Incomplete(ValidationFailed):
    """A draft that cannot be published yet; `problems` lists every missing piece."""

    code = "incomplete"

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(
            _("The version is not complete: %(problems)s") % {"problems": "; ".join(self.problems)}
        )


# --- versions ----------------------------------------------------------------------------
#: The fields of a version a draft may change (`service_item_version_update`).
EDITABLE_FIELDS = (
    "valid_from",
    "name",
    "type_code",
    "legal_limit",
    "promised_limit",
    "limit_note",
    "case_type",
    "onsite_visits",
    "onsite_reason",
    "online",
    "online_depth",
    "express_delivery",
    "appointment",
    "self_service",
    "in_service_hall",
    "fee",
    "fee_items",
    "conditions",
    "procedure",
    "place",
    "hours",
    "consultation",
    "complaint",
    "result_name",
    "result_type",
    "form_fields",
    "faqs",
    "no_materials",
)
_TEXT_FIELDS = {
    "name",
    "limit_note",
    "onsite_reason",
    "conditions",
    "procedure",
    "place",
    "hours",
    "consultation",
    "complaint",
    "result_name",
}
_BOOL_FIELDS = {
    "online",
    "express_delivery",
    "appointment",
    "self_service",
    "in_service_hall",
    "fee",
    "no_materials",
}
MATERIAL_FIELDS = (
    "position",
    "name",
    "required",
    "form",
    "original_or_copy",
    "copies",
    "paper_size",
    "source",
    "source_item_id",
    "licence_type",
    "source_explanation",
    "blank_form",
    "example",
    "filling_notes",
    "acceptance_standard",
    "basis",
    "shortfall_allowed",
    "sharing_basis",
)


def _version_snapshot(version: ServiceItemVersion) -> dict:
    return {
        "item": version.item.implementation_code,
        "number": version.number,
        "state": version.state,
        "valid_from": version.valid_from,
        "valid_to": version.valid_to,
        **{f: getattr(version, f) for f in EDITABLE_FIELDS if f != "valid_from"},
    }


def _clean_form_fields(value: Any) -> list[dict]:
    if not isinstance(value, list):
        raise ValidationFailed(_("Form fields are a list."), code="invalid_form_fields")
    cleaned, keys = [], set()
    for spec in value:
        if not isinstance(spec, dict):
            raise ValidationFailed(_("Each form field is an object."), code="invalid_form_fields")
        key = str(spec.get("key", "")).strip()
        if not FORM_KEY.match(key):
            raise ValidationFailed(
                _("Form field key “%(key)s”: use lower-case letters, digits and _.")
                % {"key": key[:64]},
                code="invalid_form_fields",
            )
        if key in keys:
            raise ValidationFailed(
                _("Form field “%(key)s” appears twice.") % {"key": key},
                code="invalid_form_fields",
            )
        keys.add(key)
        kind = str(spec.get("type", FormFieldType.TEXT))
        if kind not in FormFieldType.values:
            raise ValidationFailed(
                _("Form field “%(key)s” has unknown type “%(type)s”.")
                % {"key": key, "type": kind[:40]},
                code="invalid_form_fields",
            )
        label_en = str(spec.get("label_en", "")).strip()[:200]
        label_zh = str(spec.get("label_zh", "")).strip()[:200]
        if not (label_en or label_zh):
            raise ValidationFailed(
                _("Form field “%(key)s” needs a label.") % {"key": key},
                code="invalid_form_fields",
            )
        cleaned.append(
            {
                "key": key,
                "label_en": label_en,
                "label_zh": label_zh,
                "type": kind,
                "required": bool(spec.get("required", False)),
            }
        )
    return cleaned


def _clean_records(value: Any, keys: tuple[str, ...], what: str) -> list[dict]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ValidationFailed(
            _("%(what)s are a list of objects.") % {"what": what}, code="invalid"
        )
    cleaned = [{k: str(v.get(k, "") or "").strip()[:2000] for k in keys} for v in value]
    if any(not r[keys[0]] for r in cleaned):
        raise ValidationFailed(
            _("Each of the %(what)s needs its %(key)s.") % {"what": what, "key": keys[0]},
            code="invalid",
        )
    return cleaned


FEE_KEYS = ("name", "standard", "legal_basis", "reduction")
FAQ_KEYS = ("question", "answer")


def clean_version_changes(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed: %(f)s.") % {"f": ", ".join(unknown)},
            code="invalid",
        )
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key in _TEXT_FIELDS:
            value = ("" if value is None else str(value)).strip()
        elif key in _BOOL_FIELDS:
            value = bool(value)
        elif key in ("legal_limit", "promised_limit"):
            if value is not None and (not isinstance(value, int) or value < 0 or value > 3650):
                raise ValidationFailed(
                    _("A time limit is a number of working days (0–3650)."), code="invalid_limit"
                )
        elif key == "onsite_visits":
            if not isinstance(value, int) or not 0 <= value <= 20:
                raise ValidationFailed(
                    _("On-site visits are a number from 0 to 20."), code="invalid"
                )
        elif key == "type_code":
            if value not in DutyCategory.values:
                raise ValidationFailed(
                    _("Unknown item type “%(c)s”: use 1–10 or 20.") % {"c": value},
                    code="invalid_category",
                )
        elif key == "case_type":
            value = value or ""
            if value and value not in CaseType.values:
                raise ValidationFailed(_("Unknown case type."), code="invalid")
        elif key == "online_depth":
            value = value or ""
            if value not in OnlineDepth.values:
                raise ValidationFailed(_("Unknown online depth."), code="invalid")
        elif key == "result_type":
            value = value or ""
            if value and value not in ResultType.values:
                raise ValidationFailed(_("Unknown result type."), code="invalid")
        elif key == "valid_from":
            if value is not None and not isinstance(value, datetime.date):
                raise ValidationFailed(_("The start date is not a date."), code="invalid")
        elif key == "form_fields":
            value = _clean_form_fields(value)
        elif key == "fee_items":
            value = _clean_records(value, FEE_KEYS, _("fee items"))
        elif key == "faqs":
            value = _clean_records(value, FAQ_KEYS, _("questions"))
        out[key] = value
    return out


def _check_draft_fields(version: ServiceItemVersion) -> None:
    if version.onsite_visits and not version.onsite_reason:
        raise ValidationFailed(
            _("Say why an on-site visit is required (到现场原因)."), code="onsite_reason_required"
        )
    if (
        version.legal_limit is not None
        and version.promised_limit is not None
        and version.promised_limit > version.legal_limit
    ):
        raise ValidationFailed(
            _("The promised limit cannot exceed the legal limit."), code="invalid_limit"
        )
    if not version.name:
        raise ValidationFailed(_("A version needs the item's name."), code="name_required")


def completeness_problems(version: ServiceItemVersion, materials: list[Material]) -> list[str]:
    """Everything a version lacks before it may be published, each in one sentence.

    Also used by the importer on unsaved versions, so that a file reports every gap."""
    problems: list[str] = []
    if not version.name:
        problems.append(_("the item name is missing"))
    if version.type_code not in DutyCategory.values:
        problems.append(_("the item type is missing"))
    if not version.case_type:
        problems.append(_("the case type (即办件 or 承诺件) is missing"))
    if not version.legal_limit:
        problems.append(_("the legal time limit (法定办结时限) must be more than 0 working days"))
    if version.promised_limit is None:
        problems.append(_("the promised time limit (承诺办结时限) is missing"))
    elif version.promised_limit == 0 and version.case_type != CaseType.IMMEDIATE:
        problems.append(
            _("the promised time limit must be more than 0 working days for a promised item")
        )
    elif version.legal_limit and version.promised_limit > version.legal_limit:
        problems.append(_("the promised time limit exceeds the legal time limit"))
    if version.onsite_visits and not version.onsite_reason:
        problems.append(_("the reason for the on-site visits is missing"))
    if not version.result_name:
        problems.append(_("the result name (审批结果名称) is missing"))
    if version.fee and not version.fee_items:
        problems.append(_("fees apply but no fee item is listed"))
    if not materials and not version.no_materials:
        problems.append(
            _("no material is listed: add the materials or declare that none is needed")
        )
    if materials and version.no_materials:
        problems.append(_("materials are listed although the version declares none is needed"))
    for m in materials:
        missing = []
        if m.required is None:
            missing.append(_("whether it is required"))
        if not m.form:
            missing.append(_("its form"))
        if not m.source:
            missing.append(_("its source"))
        if missing:
            problems.append(
                _("material “%(name)s” lacks %(what)s")
                % {"name": m.name, "what": ", ".join(str(w) for w in missing)}
            )
    return problems


def _lock_draft(version: ServiceItemVersion) -> ServiceItemVersion:
    locked = (
        ServiceItemVersion.objects.select_for_update()
        .select_related("item__organization__region", "item__duty", "item__region")
        .get(pk=version.pk)
    )
    return locked


def _refuse_unless_draft(version: ServiceItemVersion) -> None:
    if version.state != VersionState.DRAFT:
        raise Conflict(
            _("Version %(n)s is %(state)s: a published version never changes; draft a new one.")
            % {"n": version.number, "state": version.get_state_display()},
            code="version_published",
        )


def service_item_version_draft(
    *,
    actor,
    item: ServiceItem,
    blank: bool = False,
    changes: dict[str, Any] | None = None,
) -> ServiceItemVersion:
    """Start the next version of an item: a copy of its latest published version (with its
    materials), or, with `blank` or when none exists, an empty one named after the duty.
    An item has at most one draft."""
    changes = clean_version_changes(changes or {})
    with transaction.atomic():
        locked = (
            ServiceItem.objects.select_for_update()
            .select_related("organization__region", "duty", "region")
            .get(pk=item.pk)
        )
        ensure_may_manage_item(actor, locked.organization)
        if locked.retired_on is not None:
            raise Conflict(_("This item has been withdrawn."), code="retired")
        if ServiceItemVersion.objects.filter(item=locked, state=VersionState.DRAFT).exists():
            raise Conflict(_("This item already has a draft: edit that one."), code="draft_exists")
        number = (
            ServiceItemVersion.objects.filter(item=locked).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        source = None if blank else selectors.latest_published(locked)
        if source is not None:
            draft = ServiceItemVersion(
                item=locked,
                number=number,
                **{f: getattr(source, f) for f in EDITABLE_FIELDS if f != "valid_from"},
            )
        else:
            draft = ServiceItemVersion(
                item=locked, number=number, name=locked.duty.name, type_code=locked.duty.category
            )
        for key, value in changes.items():
            setattr(draft, key, value)
        draft.state = VersionState.DRAFT
        _check_draft_fields(draft)
        full_clean_or_raise(draft, validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                draft.save()
        except IntegrityError:
            raise Conflict(_("This item already has a draft: edit that one."), code="draft_exists")
        if source is not None:
            Material.objects.bulk_create(
                Material(version=draft, **{f: getattr(m, f) for f in MATERIAL_FIELDS})
                for m in source.materials.all()
            )
        audit_record(
            actor=actor,
            action="service_item.version_draft",
            obj=draft,
            after={**_version_snapshot(draft), "copied_from": source.number if source else None},
        )
    return draft


def service_item_version_update(
    *, actor, version: ServiceItemVersion, changes: dict[str, Any]
) -> ServiceItemVersion:
    """Change fields of a draft (`EDITABLE_FIELDS`); a published version is a Conflict."""
    changes = clean_version_changes(changes)
    with transaction.atomic():
        locked = _lock_draft(version)
        ensure_may_manage_item(actor, locked.item.organization)
        _refuse_unless_draft(locked)
        before = {k: getattr(locked, k) for k in changes}
        for key, value in changes.items():
            setattr(locked, key, value)
        _check_draft_fields(locked)
        full_clean_or_raise(locked, validate_unique=False, validate_constraints=False)
        locked.save(update_fields=list(changes) or None)
        audit_record(
            actor=actor,
            action="service_item.version_update",
            obj=locked,
            before=before,
            after={k: getattr(locked, k) for k in changes},
        )
    return locked


def service_item_version_publish(
    *, actor, version: ServiceItemVersion, valid_from: datetime.date | None = None
) -> ServiceItemVersion:
    """Publish a draft from `valid_from` (its own date, else today).

    Every missing piece is listed in one `Incomplete` error. The item's latest published
    version ends on the new `valid_from` (half-open windows: no day is covered twice, none
    is left out); a start on or before the latest version's start would overlap and is a
    Conflict. All in one transaction, with the item row locked.
    """
    with transaction.atomic():
        item = ServiceItem.objects.select_for_update().get(pk=version.item_id)
        locked = _lock_draft(version)
        ensure_may_manage_item(actor, locked.item.organization)
        _refuse_unless_draft(locked)
        if item.retired_on is not None:
            raise Conflict(_("This item has been withdrawn."), code="retired")
        start = valid_from or locked.valid_from or timezone.localdate()
        problems = completeness_problems(locked, list(locked.materials.all()))
        if problems:
            raise Incomplete(problems)
        previous = selectors.latest_published(item)
        if previous is not None:
            if start <= previous.valid_from:
                raise Conflict(
                    _(
                        "Version %(n)s is in force from %(d)s: a new version must start "
                        "after that day."
                    )
                    % {"n": previous.number, "d": previous.valid_from},
                    code="overlap",
                )
            if previous.valid_to is None or previous.valid_to > start:
                previous.valid_to = start
                previous.save(update_fields=["valid_to"])
        locked.state = VersionState.PUBLISHED
        locked.valid_from = start
        locked.valid_to = None
        locked.published_at = timezone.now()
        locked.published_by = actor if getattr(actor, "pk", None) else None
        try:
            with transaction.atomic():
                locked.save(
                    update_fields=[
                        "state",
                        "valid_from",
                        "valid_to",
                        "published_at",
                        "published_by",
                    ]
                )
        except IntegrityError:
            raise Conflict(
                _("Another version of this item was published meanwhile: try again."),
                code="overlap",
            )
        catalog_changed(items=[item])
        audit_record(
            actor=actor,
            action="service_item.version_publish",
            obj=locked,
            before={"previous": previous.number, "previous_valid_to": previous.valid_to}
            if previous
            else None,
            after={
                **_version_snapshot(locked),
                "materials": [m.name for m in locked.materials.all()],
            },
        )
    return locked
