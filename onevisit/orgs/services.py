"""Writes to the institutional registry. Every change is audited in its own transaction.

Over-staffing (超编) is refused by locking the organization's quota row before counting,
and the database's check constraint backs the service up.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.core.audit import audit_record
from onevisit.core.errors import Conflict, Forbidden, ValidationFailed, full_clean_or_raise
from onevisit.core.identifiers import (
    birth_date_of,
    mask_identity_number,
    normalize_credit_code,
    normalize_identity_number,
)
from onevisit.core.scoping import registry_write_scope
from onevisit.regions.models import Region

from .choices import ORGAN_KINDS, FundingType, OrgKind, PostRank, QuotaCategory
from .models import (
    Appointment,
    Charter,
    CharterFunction,
    InternalBody,
    Organization,
    Person,
    PostBalance,
    PostLine,
    QuotaBalance,
    QuotaLine,
)


# --- permissions -------------------------------------------------------------
def ensure_may_manage(actor, organization: Organization) -> None:
    """Only the establishment office of the organization's region (or the system) may write.

    `actor=None` is the system itself (importers run by an operator, the demo seeder).
    """
    if actor is None:
        return
    scope = registry_write_scope(actor)
    if not scope.covers(region_code=organization.region.code, organization_id=organization.pk):
        raise Forbidden(
            _("You may not change the registry of %(org)s.") % {"org": organization.name},
            code="not_establishment_office",
        )


# --- organizations -----------------------------------------------------------
def organization_create(
    *,
    actor,
    name: str,
    kind: str,
    region: Region,
    level: str,
    valid_from: datetime.date,
    name_en: str = "",
    institution_class: str = "",
    managing_organization: Organization | None = None,
    credit_code: str | None = None,
    legal_basis: str = "",
) -> Organization:
    """Register an organization (机构设立) in a region and level."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("An organization needs a name."), code="name_required")
    if kind not in OrgKind.values:
        raise ValidationFailed(_("Unknown organization kind “%(k)s”.") % {"k": kind})
    if kind != OrgKind.PUBLIC_INSTITUTION and institution_class:
        raise ValidationFailed(_("Only public institutions have a public-institution class."))
    if credit_code:
        credit_code = normalize_credit_code(credit_code)
    org = Organization(
        name=name,
        name_en=name_en.strip(),
        kind=kind,
        institution_class=institution_class,
        region=region,
        level=level,
        managing_organization=managing_organization,
        credit_code=credit_code or None,
        valid_from=valid_from,
    )
    with transaction.atomic():
        ensure_may_manage(actor, org)
        if credit_code and Organization.objects.filter(credit_code=credit_code).exists():
            raise Conflict(
                _("Credit code %(code)s is already registered.") % {"code": credit_code},
                code="duplicate_credit_code",
            )
        full_clean_or_raise(org)
        org.save()
        audit_record(
            actor=actor,
            action="organization.create",
            obj=org,
            after=organization_snapshot(org),
            legal_basis=legal_basis,
        )
    return org


def organization_snapshot(org: Organization) -> dict:
    return {
        "name": org.name,
        "name_en": org.name_en,
        "kind": org.kind,
        "institution_class": org.institution_class,
        "region": org.region.code,
        "level": org.level,
        "managing_organization": org.managing_organization_id,
        "credit_code": org.credit_code,
        "valid_from": org.valid_from,
        "valid_to": org.valid_to,
    }


# --- charters ----------------------------------------------------------------
@dataclass
class CharterContent:
    """What a charter fixes: functions, internal bodies, quotas, leadership posts."""

    functions: list[str] = field(default_factory=list)
    internal_bodies: list[tuple[str, str]] = field(default_factory=list)
    quotas: list[tuple[str, str, int]] = field(default_factory=list)
    posts: dict[str, int] = field(default_factory=dict)


def _check_quota_lines(org: Organization, quotas: list[tuple[str, str, int]]) -> None:
    seen = set()
    for category, funding, approved in quotas:
        if category not in QuotaCategory.values:
            raise ValidationFailed(_("Unknown quota category “%(c)s”.") % {"c": category})
        if funding not in FundingType.values:
            raise ValidationFailed(_("Unknown funding type “%(f)s”.") % {"f": funding})
        if category == QuotaCategory.PUBLIC_INSTITUTION:
            if org.kind in ORGAN_KINDS:
                raise Conflict(
                    _(
                        "A public-institution quota can never be used inside a Party or "
                        "government organ (%(org)s)."
                    )
                    % {"org": org.name},
                    code="institution_quota_in_organ",
                )
            if not funding:
                raise ValidationFailed(_("A public-institution quota needs its funding type."))
        elif funding:
            raise ValidationFailed(_("Only public-institution quotas have a funding type."))
        if int(approved) < 0:
            raise ValidationFailed(_("An approved quota cannot be negative."))
        if (category, funding) in seen:
            raise ValidationFailed(_("Each quota category appears once in a charter."))
        seen.add((category, funding))


def charter_issue(
    *,
    actor,
    organization: Organization,
    document_number: str,
    effective_date: datetime.date,
    content: CharterContent,
) -> Charter:
    """Issue a new version of an organization's charter (三定规定), replacing the current one.

    Refuses a quota or leadership-post cut below the actual count, and the removal of an
    internal body that still has staff. Staff in a body that keeps its name stay in it.
    """
    document_number = (document_number or "").strip()
    if not document_number:
        raise ValidationFailed(_("A charter is issued by a document number."))
    _check_quota_lines(organization, content.quotas)
    for rank in content.posts:
        if rank not in PostRank.values:
            raise ValidationFailed(_("Unknown leadership rank “%(r)s”.") % {"r": rank})
    names = [n.strip() for n, _d in content.internal_bodies]
    if len(set(names)) != len(names) or not all(names):
        raise ValidationFailed(_("Internal bodies need distinct, non-empty names."))

    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        ensure_may_manage(actor, org)
        if org.valid_to is not None:
            raise Conflict(_("%(org)s has been abolished.") % {"org": org.name})
        current = Charter.objects.filter(organization=org, valid_to__isnull=True).first()
        if current and effective_date < current.effective_date:
            raise Conflict(
                _("The new charter cannot take effect before the current one (%(date)s).")
                % {"date": current.effective_date}
            )
        before = charter_snapshot(current) if current else None
        _sync_quota_balances(org, content.quotas)
        _sync_post_balances(org, content.posts)

        if current:
            current.valid_to = effective_date
            current.save(update_fields=["valid_to"])
        charter = Charter.objects.create(
            organization=org, document_number=document_number, effective_date=effective_date
        )
        CharterFunction.objects.bulk_create(
            CharterFunction(charter=charter, position=i, text=t.strip())
            for i, t in enumerate(content.functions, 1)
            if t.strip()
        )
        bodies = InternalBody.objects.bulk_create(
            InternalBody(charter=charter, position=i, name=n.strip(), duties=d.strip())
            for i, (n, d) in enumerate(content.internal_bodies, 1)
        )
        QuotaLine.objects.bulk_create(
            QuotaLine(charter=charter, category=c, funding_type=f, approved=int(a))
            for c, f, a in content.quotas
        )
        PostLine.objects.bulk_create(
            PostLine(charter=charter, rank=r, approved=int(a)) for r, a in content.posts.items()
        )
        if current:
            _move_staff_to_new_bodies(org, current, bodies)
        audit_record(
            actor=actor,
            action="charter.issue",
            obj=charter,
            before=before,
            after=charter_snapshot(charter),
            legal_basis=document_number,
        )
    return charter


def charter_snapshot(charter: Charter) -> dict:
    return {
        "organization": charter.organization_id,
        "document_number": charter.document_number,
        "effective_date": charter.effective_date,
        "functions": [f.text for f in charter.functions.all()],
        "internal_bodies": [b.name for b in charter.internal_bodies.all()],
        "quotas": [[q.category, q.funding_type, q.approved] for q in charter.quota_lines.all()],
        "posts": {p.rank: p.approved for p in charter.post_lines.all()},
    }


def _sync_quota_balances(org: Organization, quotas: list[tuple[str, str, int]]) -> None:
    balances = {
        (b.category, b.funding_type): b
        for b in QuotaBalance.objects.select_for_update().filter(organization=org)
    }
    wanted = {(c, f): int(a) for c, f, a in quotas}
    for key, balance in balances.items():
        approved = wanted.get(key, 0)
        if approved < balance.actual:
            raise Conflict(
                _(
                    "Quota cut refused: %(org)s would have %(approved)s approved %(category)s "
                    "posts but has %(actual)s staff in them."
                )
                % {
                    "org": org.name,
                    "approved": approved,
                    "category": category_label(*key),
                    "actual": balance.actual,
                },
                code="quota_below_actual",
            )
        if balance.approved != approved:
            balance.approved = approved
            balance.save(update_fields=["approved"])
    QuotaBalance.objects.bulk_create(
        QuotaBalance(organization=org, category=c, funding_type=f, approved=a)
        for (c, f), a in wanted.items()
        if (c, f) not in balances
    )


def _sync_post_balances(org: Organization, posts: dict[str, int]) -> None:
    balances = {b.rank: b for b in PostBalance.objects.select_for_update().filter(organization=org)}
    for rank, balance in balances.items():
        approved = int(posts.get(rank, 0))
        if approved < balance.actual:
            raise Conflict(
                _(
                    "Leadership-post cut refused: %(org)s would have %(approved)s approved "
                    "%(rank)s posts but %(actual)s are filled."
                )
                % {
                    "org": org.name,
                    "approved": approved,
                    "rank": PostRank(rank).label,
                    "actual": balance.actual,
                },
                code="posts_below_actual",
            )
        if balance.approved != approved:
            balance.approved = approved
            balance.save(update_fields=["approved"])
    PostBalance.objects.bulk_create(
        PostBalance(organization=org, rank=r, approved=int(a))
        for r, a in posts.items()
        if r not in balances
    )


def _move_staff_to_new_bodies(org: Organization, old: Charter, new_bodies) -> None:
    by_name = {b.name: b for b in new_bodies}
    for body in old.internal_bodies.all():
        staffed = Appointment.objects.filter(internal_body=body, end_date__isnull=True)
        target = by_name.get(body.name)
        if target is None:
            if staffed.exists():
                raise Conflict(
                    _(
                        "The internal body “%(body)s” of %(org)s still has staff: move them "
                        "before the new charter removes it."
                    )
                    % {"body": body.name, "org": org.name},
                    code="body_has_staff",
                )
            continue
        staffed.update(internal_body=target)


def quota_change(
    *,
    actor,
    organization: Organization,
    category: str,
    funding_type: str,
    approved: int,
    document_number: str,
    effective_date: datetime.date | None = None,
) -> Charter:
    """Change one approved quota (编制调整) by issuing a charter version that differs only there."""
    current = charter_current(organization)
    content = charter_content(current) if current else CharterContent()
    quotas = [(c, f, a) for c, f, a in content.quotas if (c, f) != (category, funding_type)]
    quotas.append((category, funding_type, int(approved)))
    content.quotas = quotas
    return charter_issue(
        actor=actor,
        organization=organization,
        document_number=document_number,
        effective_date=effective_date or timezone.localdate(),
        content=content,
    )


def charter_current(org: Organization) -> Charter | None:
    return Charter.objects.filter(organization=org, valid_to__isnull=True).first()


def charter_content(charter: Charter) -> CharterContent:
    return CharterContent(
        functions=[f.text for f in charter.functions.all()],
        internal_bodies=[(b.name, b.duties) for b in charter.internal_bodies.all()],
        quotas=[(q.category, q.funding_type, q.approved) for q in charter.quota_lines.all()],
        posts={p.rank: p.approved for p in charter.post_lines.all()},
    )


def category_label(category: str, funding_type: str = "") -> str:
    label = str(QuotaCategory(category).label)
    if funding_type:
        label = f"{label} ({FundingType(funding_type).label})"
    return label


# --- people and appointments -------------------------------------------------
def person_register(*, actor, identity_number: str, name: str) -> Person:
    """Find or register a person by identity number (stored once, validated by check digit)."""
    number = normalize_identity_number(identity_number)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("A person needs a name."), code="name_required")
    with transaction.atomic():
        person = Person.objects.filter(identity_number=number).first()
        if person is not None:
            if person.name != name:
                raise Conflict(
                    _("Identity number %(id)s is registered under another name.")
                    % {"id": mask_identity_number(number)},
                    code="identity_name_mismatch",
                )
            return person
        try:
            with transaction.atomic():
                person = Person.objects.create(
                    identity_number=number, name=name, birth_date=birth_date_of(number)
                )
        except IntegrityError:
            # Registered meanwhile by a concurrent request (PostgreSQL, READ COMMITTED):
            # the unique index waited for it; take that row as if it had been found.
            person = Person.objects.get(identity_number=number)
            if person.name != name:
                raise Conflict(
                    _("Identity number %(id)s is registered under another name.")
                    % {"id": mask_identity_number(number)},
                    code="identity_name_mismatch",
                )
            return person
        audit_record(
            actor=actor,
            action="person.register",
            obj=person,
            after={"name": name, "identity_number": mask_identity_number(number)},
        )
    return person


def _overstaffing(org: Organization, balance_label: str, approved: int, actual: int) -> Conflict:
    return Conflict(
        _(
            "Over-staffing refused: %(org)s has %(approved)s approved %(category)s posts and "
            "%(actual)s already filled (%(vacant)s vacant)."
        )
        % {
            "org": org.name,
            "category": balance_label,
            "approved": approved,
            "actual": actual,
            "vacant": max(approved - actual, 0),
        },
        code="over_staffing",
    )


def _take_quota(org: Organization, category: str, funding_type: str) -> None:
    if category == QuotaCategory.PUBLIC_INSTITUTION and org.kind in ORGAN_KINDS:
        raise Conflict(
            _(
                "A public-institution quota can never be used inside a Party or government "
                "organ (%(org)s)."
            )
            % {"org": org.name},
            code="institution_quota_in_organ",
        )
    balance = (
        QuotaBalance.objects.select_for_update()
        .filter(organization=org, category=category, funding_type=funding_type)
        .first()
    )
    label = category_label(category, funding_type)
    if balance is None:
        raise _overstaffing(org, label, 0, 0)
    if balance.actual >= balance.approved:
        raise _overstaffing(org, label, balance.approved, balance.actual)
    QuotaBalance.objects.filter(pk=balance.pk).update(actual=F("actual") + 1)


def _take_post(org: Organization, rank: str) -> None:
    balance = PostBalance.objects.select_for_update().filter(organization=org, rank=rank).first()
    label = str(PostRank(rank).label).lower()
    if balance is None or balance.actual >= balance.approved:
        approved, actual = (balance.approved, balance.actual) if balance else (0, 0)
        raise Conflict(
            _(
                "Leadership post refused: %(org)s has %(approved)s approved %(rank)s posts and "
                "%(actual)s already filled."
            )
            % {"org": org.name, "rank": label, "approved": approved, "actual": actual},
            code="over_posts",
        )
    PostBalance.objects.filter(pk=balance.pk).update(actual=F("actual") + 1)


def _release(appointment: Appointment) -> None:
    QuotaBalance.objects.filter(
        organization_id=appointment.organization_id,
        category=appointment.category,
        funding_type=appointment.funding_type,
    ).update(actual=F("actual") - 1)
    if appointment.post_rank:
        PostBalance.objects.filter(
            organization_id=appointment.organization_id, rank=appointment.post_rank
        ).update(actual=F("actual") - 1)


def appointment_snapshot(a: Appointment) -> dict:
    return {
        "person": a.person_id,
        "identity_number": mask_identity_number(a.person.identity_number),
        "organization": a.organization_id,
        "internal_body": a.internal_body_id,
        "category": a.category,
        "funding_type": a.funding_type,
        "post_rank": a.post_rank,
        "start_date": a.start_date,
        "end_date": a.end_date,
        "document_number": a.document_number,
    }


def _validated_body(org: Organization, internal_body: InternalBody | None) -> InternalBody | None:
    if internal_body is None:
        return None
    if internal_body.charter.organization_id != org.pk or internal_body.charter.valid_to:
        raise ValidationFailed(
            _("“%(body)s” is not an internal body of %(org)s.")
            % {"body": internal_body.name, "org": org.name},
            code="body_not_in_organization",
        )
    return internal_body


def _appoint(
    *,
    person: Person,
    org: Organization,
    category: str,
    funding_type: str,
    internal_body: InternalBody | None,
    post_rank: str,
    start_date: datetime.date,
    document_number: str,
) -> Appointment:
    if category not in QuotaCategory.values or funding_type not in FundingType.values:
        raise ValidationFailed(_("Unknown quota category or funding type."))
    if post_rank and post_rank not in PostRank.values:
        raise ValidationFailed(_("Unknown leadership rank “%(r)s”.") % {"r": post_rank})
    if org.valid_to is not None:
        raise Conflict(_("%(org)s has been abolished.") % {"org": org.name})
    if Appointment.objects.filter(person=person, end_date__isnull=True).exists():
        raise Conflict(
            _("%(name)s already holds an appointment: end or transfer it first.")
            % {"name": person.name},
            code="already_appointed",
        )
    _take_quota(org, category, funding_type)
    if post_rank:
        _take_post(org, post_rank)
    try:
        with transaction.atomic():
            return Appointment.objects.create(
                person=person,
                organization=org,
                internal_body=_validated_body(org, internal_body),
                category=category,
                funding_type=funding_type,
                post_rank=post_rank,
                start_date=start_date,
                document_number=document_number.strip(),
            )
    except IntegrityError:
        raise Conflict(
            _("%(name)s already holds an appointment.") % {"name": person.name},
            code="already_appointed",
        )


def appointment_create(
    *,
    actor,
    person: Person,
    organization: Organization,
    category: str,
    funding_type: str = "",
    internal_body: InternalBody | None = None,
    post_rank: str = "",
    start_date: datetime.date | None = None,
    document_number: str = "",
) -> Appointment:
    """Appoint a person into one quota slot of an organization (人员进编).

    Refused with a 409 naming the organization, the category, approved and actual when
    it would over-staff the organization or its leadership posts.
    """
    with transaction.atomic():
        org = Organization.objects.select_related("region").get(pk=organization.pk)
        ensure_may_manage(actor, org)
        appointment = _appoint(
            person=person,
            org=org,
            category=category,
            funding_type=funding_type,
            internal_body=internal_body,
            post_rank=post_rank,
            start_date=start_date or timezone.localdate(),
            document_number=document_number,
        )
        audit_record(
            actor=actor,
            action="appointment.create",
            obj=appointment,
            after=appointment_snapshot(appointment),
            legal_basis=document_number,
        )
    return appointment


def appointment_end(
    *,
    actor,
    appointment: Appointment,
    end_date: datetime.date | None = None,
    reason: str = "",
    document_number: str = "",
) -> Appointment:
    """End an appointment (人员出编): the slot becomes vacant again."""
    with transaction.atomic():
        appt = (
            Appointment.objects.select_for_update()
            .select_related("person", "organization__region")
            .get(pk=appointment.pk)
        )
        ensure_may_manage(actor, appt.organization)
        if appt.end_date is not None:
            raise Conflict(_("This appointment has already ended."), code="already_ended")
        end_date = end_date or timezone.localdate()
        if end_date < appt.start_date:
            raise ValidationFailed(_("An appointment cannot end before it starts."))
        before = appointment_snapshot(appt)
        appt.end_date = end_date
        appt.end_reason = (reason or "").strip()[:200]
        appt.save(update_fields=["end_date", "end_reason"])
        _release(appt)
        audit_record(
            actor=actor,
            action="appointment.end",
            obj=appt,
            before=before,
            after=appointment_snapshot(appt),
            legal_basis=document_number,
        )
    return appt


def appointment_transfer(
    *,
    actor,
    appointment: Appointment,
    to_organization: Organization,
    category: str,
    funding_type: str = "",
    internal_body: InternalBody | None = None,
    post_rank: str = "",
    transfer_date: datetime.date | None = None,
    document_number: str = "",
) -> Appointment:
    """Transfer a person to another organization (调动) as one operation.

    The old slot is released and the new one taken in the same transaction: either the
    person moves whole, or nothing changes.
    """
    transfer_date = transfer_date or timezone.localdate()
    with transaction.atomic():
        old = (
            Appointment.objects.select_for_update()
            .select_related("person", "organization__region")
            .get(pk=appointment.pk)
        )
        target = Organization.objects.select_related("region").get(pk=to_organization.pk)
        ensure_may_manage(actor, old.organization)
        ensure_may_manage(actor, target)
        # Lock both organizations' quota rows in one order, so that transfers crossing in
        # opposite directions queue instead of deadlocking.
        list(
            QuotaBalance.objects.select_for_update()
            .filter(organization_id__in=[old.organization_id, target.pk])
            .order_by("pk")
        )
        if old.end_date is not None:
            raise Conflict(_("This appointment has already ended."), code="already_ended")
        if transfer_date < old.start_date:
            raise ValidationFailed(_("A transfer cannot precede the appointment's start."))
        before = appointment_snapshot(old)
        old.end_date = transfer_date
        old.end_reason = f"transfer to {target.name}"[:200]
        old.save(update_fields=["end_date", "end_reason"])
        _release(old)
        new = _appoint(
            person=old.person,
            org=target,
            category=category,
            funding_type=funding_type,
            internal_body=internal_body,
            post_rank=post_rank,
            start_date=transfer_date,
            document_number=document_number,
        )
        audit_record(
            actor=actor,
            action="appointment.transfer",
            obj=new,
            before=before,
            after=appointment_snapshot(new),
            legal_basis=document_number,
        )
    return new


# --- bulk appointments (staff import) ----------------------------------------
@dataclass(frozen=True)
class StaffEntry:
    """One person to register (when new) and appoint, as a staff import gives them."""

    identity_number: str
    name: str
    organization_id: int
    category: str
    funding_type: str = ""
    internal_body_id: int | None = None
    post_rank: str = ""
    start_date: datetime.date | None = None
    document_number: str = ""


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def appointment_bulk_create(
    *, actor, entries: list[StaffEntry], legal_basis: str = ""
) -> list[Appointment]:
    """Register and appoint many people in one transaction (实名制批量进编), all or nothing.

    The invariants of `person_register` and `appointment_create` hold for the whole batch,
    checked with a constant number of queries instead of a dozen per person: identity
    numbers by check digit and once each, a known person keeps their name, nobody holds two
    appointments, the actor manages every organization, no public-institution quota inside
    an organ, internal bodies of the current charter, and the locked quota and post rows
    take the batch's counts without over-staffing. Each appointment gets its own audit
    entry, as `appointment_create` writes it; the people registered by the batch get one
    summary entry listing them (identity numbers masked).
    """
    if not entries:
        return []
    numbers = [normalize_identity_number(e.identity_number) for e in entries]
    if len(set(numbers)) != len(numbers):
        raise ValidationFailed(
            _("The same identity number appears twice in one batch."), code="duplicate_person"
        )
    for entry in entries:
        if not (entry.name or "").strip():
            raise ValidationFailed(_("A person needs a name."), code="name_required")
        if (
            entry.category not in QuotaCategory.values
            or entry.funding_type not in FundingType.values
        ):
            raise ValidationFailed(_("Unknown quota category or funding type."))
        if entry.post_rank and entry.post_rank not in PostRank.values:
            raise ValidationFailed(_("Unknown leadership rank “%(r)s”.") % {"r": entry.post_rank})
    today = timezone.localdate()

    with transaction.atomic():
        org_ids = {e.organization_id for e in entries}
        orgs = {
            o.pk: o
            for o in Organization.objects.select_for_update()
            .select_related("region")
            .filter(pk__in=org_ids)
        }
        if len(orgs) != len(org_ids):
            raise ValidationFailed(_("An organization of the batch does not exist."))
        for org in orgs.values():
            ensure_may_manage(actor, org)
            if org.valid_to is not None:
                raise Conflict(_("%(org)s has been abolished.") % {"org": org.name})
        for entry in entries:
            org = orgs[entry.organization_id]
            if entry.category == QuotaCategory.PUBLIC_INSTITUTION and org.kind in ORGAN_KINDS:
                raise Conflict(
                    _(
                        "A public-institution quota can never be used inside a Party or "
                        "government organ (%(org)s)."
                    )
                    % {"org": org.name},
                    code="institution_quota_in_organ",
                )
        body_ids = {e.internal_body_id for e in entries if e.internal_body_id}
        bodies = {
            b.pk: b for b in InternalBody.objects.select_related("charter").filter(pk__in=body_ids)
        }
        for entry in entries:
            if entry.internal_body_id:
                body = bodies.get(entry.internal_body_id)
                org = orgs[entry.organization_id]
                if body is None or body.charter.organization_id != org.pk or body.charter.valid_to:
                    raise ValidationFailed(
                        _("An internal body of the batch does not belong to %(org)s.")
                        % {"org": org.name},
                        code="body_not_in_organization",
                    )

        # People: known ones keep their name and may not hold an appointment already.
        known: dict[str, Person] = {}
        for chunk in _chunks(numbers):
            known.update(
                {p.identity_number: p for p in Person.objects.filter(identity_number__in=chunk)}
            )
        for number, entry in zip(numbers, entries, strict=True):
            person = known.get(number)
            if person is not None and person.name != entry.name.strip():
                raise Conflict(
                    _("Identity number %(id)s is registered under another name.")
                    % {"id": mask_identity_number(number)},
                    code="identity_name_mismatch",
                )
        known_ids = [p.pk for p in known.values()]
        for chunk in _chunks(known_ids):
            busy = (
                Appointment.objects.filter(person_id__in=chunk, end_date__isnull=True)
                .select_related("person")
                .first()
            )
            if busy is not None:
                raise Conflict(
                    _("%(name)s already holds an appointment: end or transfer it first.")
                    % {"name": busy.person.name},
                    code="already_appointed",
                )

        # Quotas and leadership posts: lock the rows, then count the whole batch at once.
        wanted: dict[tuple[int, str, str], int] = {}
        posts_wanted: dict[tuple[int, str], int] = {}
        for entry in entries:
            key = (entry.organization_id, entry.category, entry.funding_type)
            wanted[key] = wanted.get(key, 0) + 1
            if entry.post_rank:
                pkey = (entry.organization_id, entry.post_rank)
                posts_wanted[pkey] = posts_wanted.get(pkey, 0) + 1
        balances = {
            (b.organization_id, b.category, b.funding_type): b
            for b in QuotaBalance.objects.select_for_update().filter(organization_id__in=org_ids)
        }
        for (org_id, category, funding), count in wanted.items():
            balance = balances.get((org_id, category, funding))
            approved, actual = (balance.approved, balance.actual) if balance else (0, 0)
            if actual + count > approved:
                raise _overstaffing(
                    orgs[org_id], category_label(category, funding), approved, actual
                )
        post_balances = {
            (b.organization_id, b.rank): b
            for b in PostBalance.objects.select_for_update().filter(organization_id__in=org_ids)
        }
        for (org_id, rank), count in posts_wanted.items():
            balance = post_balances.get((org_id, rank))
            approved, actual = (balance.approved, balance.actual) if balance else (0, 0)
            if actual + count > approved:
                raise Conflict(
                    _(
                        "Leadership post refused: %(org)s has %(approved)s approved %(rank)s "
                        "posts and %(actual)s already filled."
                    )
                    % {
                        "org": orgs[org_id].name,
                        "rank": str(PostRank(rank).label).lower(),
                        "approved": approved,
                        "actual": actual,
                    },
                    code="over_posts",
                )

        new_people = [
            Person(
                identity_number=number, name=entry.name.strip(), birth_date=birth_date_of(number)
            )
            for number, entry in zip(numbers, entries, strict=True)
            if number not in known
        ]
        try:
            Person.objects.bulk_create(new_people, batch_size=500)
        except IntegrityError:
            raise Conflict(_("A person of the batch was registered meanwhile: try again."))
        if any(p.pk is None for p in new_people):  # a backend without RETURNING
            created = [p.identity_number for p in new_people]
            new_people = []
            for chunk in _chunks(created):
                new_people.extend(Person.objects.filter(identity_number__in=chunk))
        people = {**known, **{p.identity_number: p for p in new_people}}

        appointments = [
            Appointment(
                person=people[number],
                organization=orgs[entry.organization_id],
                internal_body=bodies.get(entry.internal_body_id)
                if entry.internal_body_id
                else None,
                category=entry.category,
                funding_type=entry.funding_type,
                post_rank=entry.post_rank,
                start_date=entry.start_date or today,
                document_number=(entry.document_number or legal_basis).strip()[:100],
            )
            for number, entry in zip(numbers, entries, strict=True)
        ]
        try:
            with transaction.atomic():
                Appointment.objects.bulk_create(appointments, batch_size=500)
        except IntegrityError:
            raise Conflict(
                _("A person of the batch already holds an appointment."), code="already_appointed"
            )
        for key, count in wanted.items():
            QuotaBalance.objects.filter(pk=balances[key].pk).update(actual=F("actual") + count)
        for key, count in posts_wanted.items():
            PostBalance.objects.filter(pk=post_balances[key].pk).update(actual=F("actual") + count)

        if new_people:
            # One entry for the people registered by the batch (each appointment's own entry
            # names its person too): the chain head is locked per entry, so this halves
            # the cost of auditing an import without losing who was registered.
            audit_record(
                actor=actor,
                action="person.register_bulk",
                object_type=Person._meta.label_lower,
                object_repr=_("%(n)s people registered") % {"n": len(new_people)},
                after={
                    "count": len(new_people),
                    "people": [
                        [p.pk, p.name, mask_identity_number(p.identity_number)] for p in new_people
                    ],
                },
                legal_basis=legal_basis,
            )
        if any(a.pk is None for a in appointments):
            by_person = {
                a.person_id: a
                for a in Appointment.objects.filter(
                    person_id__in=[p.pk for p in people.values()], end_date__isnull=True
                )
            }
            appointments = [by_person[people[n].pk] for n in numbers]
        for appointment in appointments:
            audit_record(
                actor=actor,
                action="appointment.create",
                obj=appointment,
                after=appointment_snapshot(appointment),
                legal_basis=appointment.document_number or legal_basis,
            )
    return appointments
