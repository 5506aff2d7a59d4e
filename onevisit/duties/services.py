"""Writes of the power and responsibility lists. Each is audited in its own transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.core.audit import audit_record
from onevisit.core.errors import Conflict, ValidationFailed, full_clean_or_raise
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
    if not is_base_catalog and base is None and not (local_reason or "").strip():
        raise ValidationFailed(
            _("A local addition to the list needs its reason."), code="reason_required"
        )
    with transaction.atomic():
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
