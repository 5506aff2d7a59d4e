"""Writes of the power and responsibility lists. Each is audited in its own transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.core.audit import audit_record
from onevisit.core.errors import Conflict, Forbidden, ValidationFailed, full_clean_or_raise
from onevisit.core.scoping import registry_write_scope
from onevisit.orgs.models import Organization
from onevisit.orgs.services import ensure_may_manage
from onevisit.regions.models import Level, Region

from .choices import AssignmentRole, DutyCategory, Stage
from .models import (
    AccountabilityClause,
    Duty,
    DutyAssignment,
    FindingAcknowledgement,
    LegalBasis,
    ResponsibilityItem,
)


@dataclass
class DutySpec:
    """What a duty says: the fields of a list row, with its legal bases and stages."""

    code: str
    name: str
    category: int
    levels: list[str]
    legal_bases: list[tuple[str, str, str]] = field(default_factory=list)
    function: str = ""
    responsibilities: dict[str, str] = field(default_factory=dict)
    accountability: list[str] = field(default_factory=list)


def _check_spec(spec: DutySpec) -> None:
    if not spec.code.strip() or not spec.name.strip():
        raise ValidationFailed(_("A duty needs a code and a name."), code="code_required")
    if spec.category not in DutyCategory.values:
        raise ValidationFailed(
            _("Unknown duty category “%(c)s”: use 1–10 or 20.") % {"c": spec.category},
            code="invalid_category",
        )
    bad = [lvl for lvl in spec.levels if lvl not in Level.values]
    if bad or not spec.levels:
        raise ValidationFailed(
            _("Levels must be among province, city, county, township."), code="invalid_level"
        )
    if any(stage not in Stage.values for stage in spec.responsibilities):
        raise ValidationFailed(_("Unknown responsibility stage."), code="invalid_stage")


def ensure_may_manage_list(actor, region: Region) -> None:
    """Only the establishment office of the region (or above, or the system) changes its list.

    `actor=None` is the system itself (importers run by an operator, the demo seeder).
    """
    if actor is None:
        return
    if not registry_write_scope(actor).covers(region_code=region.code, organization_id=None):
        raise Forbidden(
            _("You may not change the list of %(region)s.") % {"region": region.name},
            code="not_establishment_office",
        )


def _check_local_reason(*, base, is_base_catalog: bool, local_reason: str) -> None:
    if not is_base_catalog and base is None and not (local_reason or "").strip():
        raise ValidationFailed(
            _("A local addition to the list needs its reason."), code="reason_required"
        )


def _check_base(*, region: Region, base: Duty | None, is_base_catalog: bool) -> None:
    if base is None:
        return
    if is_base_catalog:
        raise ValidationFailed(
            _("A base-catalog item does not derive from another item."), code="invalid_base"
        )
    if not base.is_base_catalog or not region.code.startswith(base.region.code):
        raise ValidationFailed(
            _("“%(item)s” is not an item of the base catalog of %(region)s's province.")
            % {"item": base.code, "region": region.name},
            code="invalid_base",
        )


def _snapshot(duty: Duty) -> dict:
    return {
        "code": duty.code,
        "name": duty.name,
        "category": duty.category,
        "region": duty.region.code,
        "base": duty.base_id,
        "levels": duty.levels,
        "function": duty.function,
        "legal_bases": [str(b) for b in duty.legal_bases.all()],
        "valid_from": duty.valid_from,
        "valid_to": duty.valid_to,
    }


def duty_create(
    *,
    actor,
    region: Region,
    spec: DutySpec,
    base: Duty | None = None,
    is_base_catalog: bool = False,
    local_reason: str = "",
    valid_from: datetime.date | None = None,
) -> Duty:
    """Put a duty on a region's list: a base-catalog item, one derived from it, or a local
    addition (which needs its reason)."""
    _check_spec(spec)
    _check_local_reason(base=base, is_base_catalog=is_base_catalog, local_reason=local_reason)
    _check_base(region=region, base=base, is_base_catalog=is_base_catalog)
    with transaction.atomic():
        ensure_may_manage_list(actor, region)
        duty = Duty(
            code=spec.code.strip(),
            name=spec.name.strip(),
            category=spec.category,
            region=region,
            base=base,
            is_base_catalog=is_base_catalog,
            local_reason=(local_reason or "").strip(),
            levels=list(spec.levels),
            function=spec.function.strip(),
            valid_from=valid_from or timezone.localdate(),
        )
        full_clean_or_raise(duty, validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                duty.save()
        except IntegrityError:
            raise Conflict(
                _("Item code %(code)s is already on the list of %(region)s.")
                % {"code": duty.code, "region": region.name},
                code="duplicate_code",
            )
        LegalBasis.objects.bulk_create(
            LegalBasis(duty=duty, law=law.strip(), article=article.strip(), clause=clause.strip())
            for law, article, clause in spec.legal_bases
            if law.strip()
        )
        ResponsibilityItem.objects.bulk_create(
            ResponsibilityItem(duty=duty, stage=stage, text=text)
            for stage, text in spec.responsibilities.items()
            if text.strip()
        )
        AccountabilityClause.objects.bulk_create(
            AccountabilityClause(duty=duty, text=t) for t in spec.accountability if t.strip()
        )
        audit_record(actor=actor, action="duty.create", obj=duty, after=_snapshot(duty))
    return duty


def duty_assign(
    *,
    actor,
    duty: Duty,
    organization: Organization,
    region: Region | None = None,
    level: str | None = None,
    role: str = AssignmentRole.LEAD,
    division_of_labour: str = "",
    delegated: bool = False,
    valid_from: datetime.date | None = None,
) -> DutyAssignment:
    """Make an organization exercise a duty in a region (by default its own) and level."""
    region = region or organization.region
    level = level or organization.level
    if role not in AssignmentRole.values or level not in Level.values:
        raise ValidationFailed(_("Unknown role or level."), code="invalid")
    with transaction.atomic():
        ensure_may_manage(actor, organization)
        if organization.valid_to is not None:
            raise Conflict(
                _("%(org)s has been abolished.") % {"org": organization.name}, code="abolished"
            )
        assignment = DutyAssignment(
            duty=duty,
            organization=organization,
            region=region,
            level=level,
            role=role,
            division_of_labour=(division_of_labour or "").strip(),
            delegated=delegated,
            valid_from=valid_from or timezone.localdate(),
        )
        try:
            with transaction.atomic():
                assignment.save()
        except IntegrityError:
            raise Conflict(
                _("%(org)s already holds “%(duty)s” here.")
                % {"org": organization.name, "duty": duty.name},
                code="duplicate_assignment",
            )
        audit_record(
            actor=actor,
            action="duty.assign",
            obj=assignment,
            after={
                "duty": duty.code,
                "organization": organization.pk,
                "region": region.code,
                "level": level,
                "role": role,
                "delegated": delegated,
            },
        )
    return assignment


def duty_assignment_end(
    *, actor, assignment: DutyAssignment, date: datetime.date | None = None, reason: str = ""
) -> DutyAssignment:
    """Stop an organization exercising a duty from a date."""
    with transaction.atomic():
        locked = (
            DutyAssignment.objects.select_for_update()
            .select_related("organization__region", "duty")
            .get(pk=assignment.pk)
        )
        ensure_may_manage(actor, locked.organization)
        if locked.valid_to is not None:
            raise Conflict(_("This assignment has already ended."), code="already_ended")
        locked.valid_to = max(date or timezone.localdate(), locked.valid_from)
        locked.save(update_fields=["valid_to"])
        audit_record(
            actor=actor,
            action="duty.unassign",
            obj=locked,
            after={"valid_to": locked.valid_to, "reason": reason},
        )
    return locked


def duty_assignment_move(
    *,
    actor,
    assignment: DutyAssignment,
    to_organization: Organization,
    date: datetime.date | None = None,
    legal_basis: str = "",
) -> DutyAssignment:
    """Move a duty to another organization (职责划转): the old holder stops, the new starts,
    in one transaction."""
    date = date or timezone.localdate()
    with transaction.atomic():
        old = duty_assignment_end(actor=actor, assignment=assignment, date=date)
        new = duty_assign(
            actor=actor,
            duty=old.duty,
            organization=to_organization,
            region=old.region,
            level=old.level,
            role=old.role,
            division_of_labour=old.division_of_labour,
            delegated=old.delegated,
            valid_from=date,
        )
        audit_record(
            actor=actor,
            action="duty.move",
            obj=new,
            before={"organization": old.organization_id},
            after={"organization": to_organization.pk},
            legal_basis=legal_basis,
        )
    return new


def finding_acknowledge(*, actor, key: str, kind: str, facts: str, reason: str):
    """Acknowledge a finding with a reason; it stays acknowledged while its facts hold."""
    if not (reason or "").strip():
        raise ValidationFailed(_("Say why the finding is acknowledged."), code="reason_required")
    with transaction.atomic():
        ack = FindingAcknowledgement.objects.create(
            key=key[:200],
            kind=kind,
            facts=facts,
            reason=reason.strip(),
            acknowledged_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(
            actor=actor,
            action="finding.acknowledge",
            obj=ack,
            after={"key": key, "facts": facts, "reason": reason.strip()},
        )
    return ack


# --- lists in bulk: deriving from the base catalog, importing a file -------------------
@dataclass
class AssignmentEntry:
    """An organization exercising a duty, as a list row names it."""

    organization_id: int
    region_id: int | None = None
    level: str | None = None
    role: str = AssignmentRole.LEAD
    division_of_labour: str = ""
    delegated: bool = False


@dataclass
class DutyEntry:
    """One duty of a batch: what it says, where it comes from, and who exercises it."""

    spec: DutySpec
    base_id: int | None = None
    local_reason: str = ""
    valid_from: datetime.date | None = None
    assignments: list[AssignmentEntry] = field(default_factory=list)


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def duty_bulk_create(
    *, actor, region: Region, entries: list[DutyEntry], legal_basis: str = ""
) -> list[Duty]:
    """Put many duties on a region's list in one transaction, all or none (清单批量导入).

    The invariants of `duty_create` and `duty_assign` hold for the whole batch, checked
    with a constant number of queries: a valid spec, a reason for each local addition, a
    base item of the province's base catalog, codes unique on the list, organizations in
    force that the actor manages, one current assignment per organization and region.
    Items of a province's list are its base catalog. Each duty gets its own audit entry,
    naming the organizations that exercise it.
    """
    if not entries:
        return []
    is_base_catalog = region.level == Level.PROVINCE
    codes: set[str] = set()
    for entry in entries:
        _check_spec(entry.spec)
        if is_base_catalog:
            entry.base_id = None
        _check_local_reason(
            base=entry.base_id, is_base_catalog=is_base_catalog, local_reason=entry.local_reason
        )
        code = entry.spec.code.strip()
        if code in codes:
            raise Conflict(
                _("Item code %(code)s appears twice in the batch.") % {"code": code},
                code="duplicate_code",
            )
        codes.add(code)
        pairs = [(a.organization_id, a.region_id) for a in entry.assignments]
        if len(set(pairs)) != len(pairs):
            raise Conflict(
                _("An organization is named twice for item %(code)s.") % {"code": code},
                code="duplicate_assignment",
            )
        for a in entry.assignments:
            if a.role not in AssignmentRole.values or (a.level and a.level not in Level.values):
                raise ValidationFailed(_("Unknown role or level."), code="invalid")
    today = timezone.localdate()

    with transaction.atomic():
        ensure_may_manage_list(actor, region)
        code_list = sorted(codes)
        for chunk in _chunks(code_list):
            taken = Duty.objects.filter(region=region, code__in=chunk).values_list(
                "code", flat=True
            )
            first = next(iter(taken), None)
            if first is not None:
                raise Conflict(
                    _("Item code %(code)s is already on the list of %(region)s.")
                    % {"code": first, "region": region.name},
                    code="duplicate_code",
                )
        base_ids = {e.base_id for e in entries if e.base_id}
        bases = {
            b.pk: b
            for chunk in _chunks(sorted(base_ids))
            for b in Duty.objects.filter(pk__in=chunk).select_related("region")
        }
        for base_id in base_ids:
            base = bases.get(base_id)
            if base is None:
                raise ValidationFailed(_("A base item of the batch does not exist."))
            _check_base(region=region, base=base, is_base_catalog=False)
        org_ids = {a.organization_id for e in entries for a in e.assignments}
        orgs = {
            o.pk: o
            for chunk in _chunks(sorted(org_ids))
            for o in Organization.objects.select_related("region").filter(pk__in=chunk)
        }
        if len(orgs) != len(org_ids):
            raise ValidationFailed(_("An organization of the batch does not exist."))
        for org in orgs.values():
            ensure_may_manage(actor, org)
            if org.valid_to is not None:
                raise Conflict(
                    _("%(org)s has been abolished.") % {"org": org.name}, code="abolished"
                )
        region_ids = {a.region_id for e in entries for a in e.assignments if a.region_id}
        regions = {r.pk: r for r in Region.objects.filter(pk__in=region_ids)}
        if len(regions) != len(region_ids):
            raise ValidationFailed(_("A region of the batch does not exist."))
        if any(not r.code.startswith(region.code) for r in regions.values()):
            raise ValidationFailed(
                _("Every organization must exercise the duty within %(region)s.")
                % {"region": region.name},
                code="region_outside_list",
            )

        duties = [
            Duty(
                code=e.spec.code.strip(),
                name=e.spec.name.strip(),
                category=e.spec.category,
                region=region,
                base_id=e.base_id,
                is_base_catalog=is_base_catalog,
                local_reason="" if e.base_id else (e.local_reason or "").strip(),
                levels=list(e.spec.levels),
                function=e.spec.function.strip(),
                valid_from=e.valid_from or today,
            )
            for e in entries
        ]
        for duty in duties:
            full_clean_or_raise(duty, validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                Duty.objects.bulk_create(duties, batch_size=500)
        except IntegrityError:
            raise Conflict(
                _("An item code of the batch was put on the list meanwhile: try again."),
                code="duplicate_code",
            )
        if any(d.pk is None for d in duties):  # a backend without RETURNING
            by_code = {
                d.code: d
                for chunk in _chunks(code_list)
                for d in Duty.objects.filter(region=region, code__in=chunk)
            }
            duties = [by_code[d.code] for d in duties]

        bases_out, stages, clauses, assignments = [], [], [], []
        for duty, entry in zip(duties, entries, strict=True):
            bases_out.extend(
                LegalBasis(duty=duty, law=law.strip(), article=article.strip(), clause=cl.strip())
                for law, article, cl in entry.spec.legal_bases
                if law.strip()
            )
            stages.extend(
                ResponsibilityItem(duty=duty, stage=stage, text=text)
                for stage, text in entry.spec.responsibilities.items()
                if text.strip()
            )
            clauses.extend(
                AccountabilityClause(duty=duty, text=t)
                for t in entry.spec.accountability
                if t.strip()
            )
            for a in entry.assignments:
                org = orgs[a.organization_id]
                assignments.append(
                    DutyAssignment(
                        duty=duty,
                        organization=org,
                        region=regions[a.region_id] if a.region_id else org.region,
                        level=a.level or org.level,
                        role=a.role,
                        division_of_labour=(a.division_of_labour or "").strip(),
                        delegated=a.delegated,
                        valid_from=duty.valid_from,
                    )
                )
        LegalBasis.objects.bulk_create(bases_out, batch_size=500)
        ResponsibilityItem.objects.bulk_create(stages, batch_size=500)
        AccountabilityClause.objects.bulk_create(clauses, batch_size=500)
        try:
            with transaction.atomic():
                DutyAssignment.objects.bulk_create(assignments, batch_size=500)
        except IntegrityError:
            raise Conflict(
                _("An organization is named twice for one item of the batch."),
                code="duplicate_assignment",
            )

        held: dict[int, list[dict]] = {}
        for a in assignments:
            held.setdefault(a.duty.pk, []).append(
                {"organization": a.organization_id, "region": a.region.code, "role": a.role}
            )
        bases_of: dict[int, list[str]] = {}
        for b in bases_out:
            bases_of.setdefault(b.duty.pk, []).append(str(b))
        for duty in duties:
            audit_record(
                actor=actor,
                action="duty.create",
                obj=duty,
                after={
                    "code": duty.code,
                    "name": duty.name,
                    "category": duty.category,
                    "region": region.code,
                    "base": duty.base_id,
                    "levels": duty.levels,
                    "local_reason": duty.local_reason,
                    "legal_bases": bases_of.get(duty.pk, []),
                    "valid_from": duty.valid_from,
                    "assignments": held.get(duty.pk, []),
                },
                legal_basis=legal_basis,
            )
    return duties


def duty_list_derive(
    *,
    actor,
    region: Region,
    base_items: list[Duty] | None = None,
    valid_from: datetime.date | None = None,
) -> list[Duty]:
    """Derive a region's implementation list from its province's base catalog (实施清单):
    one local item per base item (all of them by default), with the same code, name,
    category, levels, function and legal bases, and `base` set. Items already on the
    region's list (by base or by code) are left as they are; returns the new items."""
    if region.level == Level.PROVINCE:
        raise ValidationFailed(
            _(
                "A province holds the base catalog itself: derive lists for its cities, "
                "counties and townships."
            ),
            code="invalid_region",
        )
    province_code = region.code[:2]
    if base_items is None:
        items = list(
            Duty.objects.filter(
                region__code=province_code, is_base_catalog=True, valid_to__isnull=True
            ).prefetch_related("legal_bases")
        )
    else:
        items = list(
            Duty.objects.filter(pk__in=[b.pk for b in base_items])
            .select_related("region")
            .prefetch_related("legal_bases")
        )
        for item in items:
            _check_base(region=region, base=item, is_base_catalog=False)
    existing = Duty.objects.filter(region=region)
    have_bases = set(existing.filter(base__isnull=False).values_list("base_id", flat=True))
    have_codes = set(existing.values_list("code", flat=True))
    entries = [
        DutyEntry(
            spec=DutySpec(
                code=item.code,
                name=item.name,
                category=item.category,
                levels=list(item.levels),
                legal_bases=[(b.law, b.article, b.clause) for b in item.legal_bases.all()],
                function=item.function,
            ),
            base_id=item.pk,
            valid_from=valid_from,
        )
        for item in sorted(items, key=lambda d: d.code)
        if item.pk not in have_bases and item.code not in have_codes
    ]
    return duty_bulk_create(actor=actor, region=region, entries=entries)


def duty_assignment_set_division(*, actor, assignment: DutyAssignment, text: str) -> DutyAssignment:
    """Declare (or clear) an organization's division of labour for a duty it holds (分工)."""
    text = (text or "").strip()
    if len(text) > 2000:
        raise ValidationFailed(
            _("A division of labour is at most 2,000 characters."), code="too_long"
        )
    with transaction.atomic():
        locked = (
            DutyAssignment.objects.select_for_update()
            .select_related("organization__region", "duty")
            .get(pk=assignment.pk)
        )
        ensure_may_manage(actor, locked.organization)
        if locked.valid_to is not None:
            raise Conflict(_("This assignment has already ended."), code="already_ended")
        before = locked.division_of_labour
        locked.division_of_labour = text
        locked.save(update_fields=["division_of_labour"])
        audit_record(
            actor=actor,
            action="duty.division",
            obj=locked,
            before={"division_of_labour": before},
            after={"division_of_labour": text},
        )
    return locked
