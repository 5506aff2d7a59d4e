"""Application materials (申请材料) of a draft version."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from onevisit.core.audit import audit_record
from onevisit.core.errors import Conflict, ValidationFailed, full_clean_or_raise

from .. import selectors
from ..choices import (
    MaterialForm,
    MaterialSource,
    OriginalOrCopy,
)
from ..models import Material, ServiceItem, ServiceItemVersion
from .items import ensure_may_manage_item
from .versions import MATERIAL_FIELDS, _lock_draft, _refuse_unless_draft


# --- materials -----------------------------------------------------------------------------
@dataclass
class MaterialSpec:
    """What a material says (the fields of a materials row)."""

    name: str
    required: bool | None = None
    form: str = ""
    original_or_copy: str = ""
    copies: int = 1
    paper_size: str = ""
    source: str = ""
    source_item: ServiceItem | None = None
    licence_type: str = ""
    source_explanation: str = ""
    blank_form: str = ""
    example: str = ""
    filling_notes: str = ""
    acceptance_standard: str = ""
    basis: str = ""
    shortfall_allowed: bool = False
    position: int | None = None
    #: The law that lets the department fetch the licence or data without consent.
    sharing_basis: str = ""


def check_material_spec(spec: MaterialSpec) -> None:
    """The rules of one material that do not need the database."""
    if not spec.name.strip() or len(spec.name.strip()) > 300:
        raise ValidationFailed(_("A material needs a name (at most 300 characters)."))
    if spec.form and spec.form not in MaterialForm.values:
        raise ValidationFailed(_("Unknown material form."), code="invalid")
    if spec.original_or_copy and spec.original_or_copy not in OriginalOrCopy.values:
        raise ValidationFailed(_("Unknown original-or-copy value."), code="invalid")
    if spec.source and spec.source not in MaterialSource.values:
        raise ValidationFailed(_("Unknown material source."), code="invalid")
    if not 1 <= spec.copies <= 99:
        raise ValidationFailed(_("Copies are a number from 1 to 99."), code="invalid")
    if (spec.source == MaterialSource.ISSUED_BY_ITEM) != (spec.source_item is not None):
        raise ValidationFailed(
            _("A material issued by another item names that item, and only then."),
            code="source_item_required",
        )
    if (spec.source == MaterialSource.ELECTRONIC_LICENCE) != bool(spec.licence_type.strip()):
        raise ValidationFailed(
            _("A material from an electronic licence names the licence type, and only then."),
            code="licence_type_required",
        )


def material_add(*, actor, version: ServiceItemVersion, spec: MaterialSpec) -> Material:
    """Add a material to a draft; a name the draft already lists is a Conflict."""
    check_material_spec(spec)
    with transaction.atomic():
        locked = _lock_draft(version)
        ensure_may_manage_item(actor, locked.item.organization)
        _refuse_unless_draft(locked)
        if spec.source_item is not None and spec.source_item.pk == locked.item_id:
            raise ValidationFailed(
                _("A material cannot be issued by the item that asks for it."),
                code="invalid_source_item",
            )
        existing = list(locked.materials.all())
        key = selectors.material_key(spec.name, "")
        if any(selectors.material_key(m.name, "") == key for m in existing):
            raise Conflict(
                _("The version already lists “%(name)s”.") % {"name": spec.name.strip()},
                code="duplicate_material",
            )
        fields = asdict(spec)
        fields.pop("source_item")
        position = fields.pop("position")
        if position is None:
            position = max((m.position for m in existing), default=0) + 1
        material = Material(
            version=locked,
            source_item=spec.source_item,
            position=position,
            **{k: v.strip() if isinstance(v, str) else v for k, v in fields.items()},
        )
        full_clean_or_raise(material, validate_unique=False, validate_constraints=False)
        material.save()
        audit_record(
            actor=actor,
            action="service_item.material_add",
            obj=material,
            after={
                "version": locked.pk,
                **{f: getattr(material, f) for f in MATERIAL_FIELDS},
            },
        )
    return material


def material_remove(*, actor, material: Material) -> None:
    """Remove a material from a draft."""
    with transaction.atomic():
        locked = _lock_draft(material.version)
        ensure_may_manage_item(actor, locked.item.organization)
        _refuse_unless_draft(locked)
        found = Material.objects.filter(pk=material.pk, version=locked).first()
        if found is None:
            raise Conflict(_("This material has already been removed."), code="gone")
        audit_record(
            actor=actor,
            action="service_item.material_remove",
            obj=found,
            before={"version": locked.pk, "name": found.name},
        )
        found.delete()
