"""Writes of reform plans: draft, submit, approve, apply. Application is atomic and audited.

Validation and application share one simulation (simulation.py): the plan is played on
the registry as it will stand on the effective date (including plans approved for earlier
dates), and application reconciles the database to the simulated end state.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

import pydantic
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.core.audit import audit_record
from onevisit.core.errors import Conflict, Forbidden, ValidationFailed
from onevisit.core.scoping import registry_write_scope
from onevisit.orgs import lifecycle
from onevisit.orgs import services as org_services
from onevisit.orgs.models import Appointment, InternalBody, Organization
from onevisit.regions.models import Region

from . import operations as ops
from .hooks import run_apply_hooks
from .impact import ImpactSection, impact_report
from .models import OperationKind, OrganizationLink, PlanStatus, ReformOperation, ReformPlan
from .simulation import Finding, OrgState, Simulation, load_states

DESTRUCTIVE = {OperationKind.ABOLISH, OperationKind.MERGE, OperationKind.SPLIT}


def _ensure_officer(actor, region: Region) -> None:
    if actor is None:
        return
    if not registry_write_scope(actor).covers(region_code=region.code, organization_id=None):
        raise Forbidden(_("Only the establishment office of the region may do this."))


def _audit(actor, action: str, plan: ReformPlan, **kwargs) -> None:
    audit_record(actor=actor, action=action, obj=plan, legal_basis=plan.document_number, **kwargs)


# --- drafting -----------------------------------------------------------------
def reform_plan_create(
    *, actor, name: str, document_number: str, effective_date: datetime.date, region: Region
) -> ReformPlan:
    """Open a draft plan (机构改革方案) for a region."""
    if not (name or "").strip() or not (document_number or "").strip():
        raise ValidationFailed(_("A plan needs a name and a document number."))
    with transaction.atomic():
        _ensure_officer(actor, region)
        plan = ReformPlan.objects.create(
            name=name.strip(),
            document_number=document_number.strip(),
            effective_date=effective_date,
            region=region,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        _audit(
            actor,
            "reform_plan.create",
            plan,
            after={"name": plan.name, "effective_date": effective_date},
        )
    return plan


def _editable(plan: ReformPlan, actor) -> ReformPlan:
    plan = ReformPlan.objects.select_for_update().select_related("region").get(pk=plan.pk)
    _ensure_officer(actor, plan.region)
    if plan.status != PlanStatus.DRAFT:
        raise Conflict(_("Only a draft plan can be edited."), code="not_draft")
    return plan


def reform_operation_add(*, actor, plan: ReformPlan, kind: str, payload: dict) -> ReformOperation:
    """Append an operation; its parameters are checked for form here, for effect on approval."""
    try:
        parsed = ops.parse_operation(kind, payload)
    except pydantic.ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or kind}: {e['msg']}" for e in exc.errors()
        )
        raise ValidationFailed(
            _("Invalid %(kind)s operation: %(p)s") % {"kind": kind, "p": problems}
        )
    except ValueError as exc:
        problems = str(exc)
        raise ValidationFailed(
            _("Invalid %(kind)s operation: %(p)s") % {"kind": kind, "p": problems}
        )
    with transaction.atomic():
        plan = _editable(plan, actor)
        last = plan.operations.order_by("-position").values_list("position", flat=True).first()
        operation = ReformOperation.objects.create(
            plan=plan,
            position=(last or 0) + 1,
            kind=kind,
            payload=parsed.model_dump(mode="json", exclude={"kind"}),
        )
        _audit(
            actor,
            "reform_plan.add_operation",
            plan,
            after={"position": operation.position, "kind": kind, "payload": operation.payload},
        )
    return operation


def reform_operation_remove(*, actor, operation: ReformOperation) -> None:
    with transaction.atomic():
        plan = _editable(operation.plan, actor)
        before = {"position": operation.position, "kind": operation.kind}
        operation.delete()
        for i, op in enumerate(plan.operations.order_by("position"), 1):
            if op.position != i:
                ReformOperation.objects.filter(pk=op.pk).update(position=i)
        _audit(actor, "reform_plan.remove_operation", plan, before=before)


# --- validation -----------------------------------------------------------------
@dataclass
class PlanCheck:
    """The outcome of playing a plan: findings that block it, and its impact."""

    findings: list[Finding]
    simulation: Simulation
    impact: list[ImpactSection]

    @property
    def ok(self) -> bool:
        return not self.findings


def _parsed(plan: ReformPlan) -> list[tuple[int, object]]:
    return [(o.position, ops.parse_operation(o.kind, o.payload)) for o in plan.operations.all()]


def _refs(parsed) -> set[int]:
    refs: set[int] = set()

    def add(value):
        if isinstance(value, int):
            refs.add(value)

    for _pos, op in parsed:
        for name in (
            "organization",
            "source",
            "target",
            "into",
            "staff_to",
            "functions_to",
            "managing_organization",
        ):
            add(getattr(op, name, None))
        for ref in getattr(op, "sources", []) or []:
            add(ref)
        for part in getattr(op, "parts", []) or []:
            add(part.into)
    return refs


def _namespaced(op, prefix: str):
    """An earlier plan's operation with its new-organization keys made unique."""
    data = op.model_dump()

    def fix(value):
        if isinstance(value, str) and value.startswith("new:"):
            return f"{prefix}{value}"
        if isinstance(value, list):
            return [fix(v) for v in value]
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        return value

    return ops.OPERATION.validate_python(fix(data))


def reform_plan_check(*, plan: ReformPlan) -> PlanCheck:
    """Play the plan on the registry as it will stand on its effective date."""
    parsed = _parsed(plan)
    refs = _refs(parsed)
    earlier = list(
        ReformPlan.objects.filter(
            status=PlanStatus.APPROVED, effective_date__lte=plan.effective_date
        )
        .exclude(pk=plan.pk)
        .order_by("effective_date", "pk")
        .prefetch_related("operations")
    )
    earlier_parsed = {p.pk: _parsed(p) for p in earlier}
    for p in earlier:
        refs |= _refs(earlier_parsed[p.pk])
    states = load_states(refs)
    before_plan = Simulation(states)
    for p in earlier:
        for position, op in earlier_parsed[p.pk]:
            before_plan.play(position, _namespaced(op, f"plan{p.pk}:"))
    simulation = Simulation(before_plan.orgs)
    if not parsed:
        simulation.fail(None, "empty", _("The plan has no operations."))
    for position, op in parsed:
        simulation.play(position, op)
    simulation.check_invariants()
    _check_conflicts(plan, parsed, simulation)
    return PlanCheck(simulation.findings, simulation, impact_report(plan, simulation))


def _check_conflicts(plan: ReformPlan, parsed, simulation: Simulation) -> None:
    """Another approved plan, not yet applied and dated on or after this one, touching an
    organization this plan abolishes, merges or splits (or the other way round)."""
    mine = {ref for ref in simulation.touched if isinstance(ref, int)}
    destructive_mine = {
        ref
        for ref in mine
        if simulation.orgs[ref].abolished and not simulation.initial[ref].abolished
    }
    others = ReformPlan.objects.filter(
        status=PlanStatus.APPROVED, effective_date__gte=plan.effective_date
    ).exclude(pk=plan.pk)
    for other in others:
        other_parsed = _parsed(other)
        theirs = _refs(other_parsed)
        destructive_theirs = set()
        for _pos, op in other_parsed:
            if op.kind in DESTRUCTIVE:
                destructive_theirs |= _refs([(0, op)])
        clash = (mine & destructive_theirs) | (destructive_mine & theirs)
        for ref in sorted(clash):
            simulation.fail(
                simulation.touched.get(ref),
                "conflicting_plan",
                _("%(org)s is also changed by the approved plan “%(plan)s” (%(doc)s).")
                % {
                    "org": simulation.orgs[ref].name,
                    "plan": other.name,
                    "doc": other.document_number,
                },
            )


# --- lifecycle -------------------------------------------------------------------
def reform_plan_submit(*, actor, plan: ReformPlan) -> ReformPlan:
    with transaction.atomic():
        plan = _editable(plan, actor)
        if not plan.operations.exists():
            raise ValidationFailed(_("The plan has no operations."))
        plan.status, plan.submitted_at = PlanStatus.SUBMITTED, timezone.now()
        plan.save(update_fields=["status", "submitted_at"])
        _audit(actor, "reform_plan.submit", plan, after={"status": plan.status})
    return plan


def reform_plan_return(*, actor, plan: ReformPlan, reason: str) -> ReformPlan:
    """Send a submitted plan back to draft, with the reviewer's reason."""
    with transaction.atomic():
        plan = ReformPlan.objects.select_for_update().select_related("region").get(pk=plan.pk)
        _ensure_officer(actor, plan.region)
        if plan.status != PlanStatus.SUBMITTED:
            raise Conflict(_("Only a submitted plan can be returned."))
        plan.status = PlanStatus.DRAFT
        plan.save(update_fields=["status"])
        _audit(actor, "reform_plan.return", plan, after={"reason": reason})
    return plan


def reform_plan_approve(
    *,
    actor,
    plan: ReformPlan,
    today: datetime.date | None = None,
    override_reason: str = "",
) -> ReformPlan:
    """Approve a submitted plan after validating it; apply it at once if its date has come.

    A plan whose impact report has a blocking section (a duty left without any organization,
    say) is approved only with an explicit override and its reason, kept on the plan and in
    the audit trail."""
    today = today or timezone.localdate()
    override_reason = (override_reason or "").strip()
    with transaction.atomic():
        plan = ReformPlan.objects.select_for_update().select_related("region").get(pk=plan.pk)
        _ensure_officer(actor, plan.region)
        if plan.status != PlanStatus.SUBMITTED:
            raise Conflict(_("Only a submitted plan can be approved."), code="not_submitted")
        check = reform_plan_check(plan=plan)
        if not check.ok:
            raise Conflict(
                _("The plan cannot be approved: %(why)s")
                % {"why": "; ".join(str(f) for f in check.findings)},
                code="plan_invalid",
            )
        blocking = [s for s in check.impact if s.blocking]
        if blocking and not override_reason:
            raise Conflict(
                _("The plan needs an explicit override with a reason to be approved: %(why)s")
                % {
                    "why": "; ".join(
                        f"{s.title}: {', '.join(str(line) for line in s.lines)}" for s in blocking
                    )
                },
                code="needs_override",
            )
        plan.status = PlanStatus.APPROVED
        plan.approved_by = actor if getattr(actor, "pk", None) else None
        plan.approved_at = timezone.now()
        plan.override_reason = override_reason if blocking else ""
        plan.save(update_fields=["status", "approved_by", "approved_at", "override_reason"])
        after = {"status": plan.status}
        if blocking:
            after["override_reason"] = plan.override_reason
            after["overridden"] = [s.key for s in blocking]
        _audit(actor, "reform_plan.approve", plan, after=after)
        if plan.effective_date <= today:
            _apply(actor, plan, check)
        else:
            from .tasks import schedule_plan

            transaction.on_commit(lambda: schedule_plan(plan))
    return plan


def reform_plan_apply(*, actor, plan: ReformPlan) -> bool:
    """Apply an approved plan whole or not at all. Returns False if it was already applied
    (so two workers racing for the same plan apply it exactly once)."""
    with transaction.atomic():
        plan = ReformPlan.objects.select_for_update().select_related("region").get(pk=plan.pk)
        if plan.status == PlanStatus.APPLIED:
            return False
        if plan.status != PlanStatus.APPROVED:
            raise Conflict(_("Only an approved plan can be applied."), code="not_approved")
        check = reform_plan_check(plan=plan)
        if not check.ok:
            raise Conflict(
                _("The registry has changed and the plan no longer applies: %(why)s")
                % {"why": "; ".join(str(f) for f in check.findings)},
                code="plan_invalid",
            )
        _apply(actor, plan, check)
    return True


def reform_plans_apply_due(*, today: datetime.date | None = None) -> list[int]:
    """Apply every approved plan whose date has come, oldest first (the worker's job)."""
    today = today or timezone.localdate()
    applied = []
    due = ReformPlan.objects.filter(status=PlanStatus.APPROVED, effective_date__lte=today)
    for plan in due.order_by("effective_date", "pk"):
        if reform_plan_apply(actor=None, plan=plan):
            applied.append(plan.pk)
    return applied


# --- application -----------------------------------------------------------------
def _content(state: OrgState, quotas=None, posts=None) -> org_services.CharterContent:
    return org_services.CharterContent(
        functions=list(state.functions),
        internal_bodies=list(state.internal_bodies),
        quotas=[
            (c, f, a) for (c, f), a in sorted((state.quotas if quotas is None else quotas).items())
        ],
        posts=dict(posts if posts is not None else state.posts),
    )


def _signature_of(content: org_services.CharterContent) -> tuple:
    return (
        tuple(content.functions),
        tuple(tuple(b) for b in content.internal_bodies),
        tuple(sorted((c, f, a) for c, f, a in content.quotas if a)),
        tuple(sorted((r, a) for r, a in content.posts.items() if a)),
    )


def _signature(state: OrgState) -> tuple:
    return _signature_of(_content(state))


def _room_for_arrivals(
    state: OrgState, initial: OrgState | None, arriving: Counter, arriving_posts: Counter
) -> tuple[dict, dict]:
    """Quotas and posts large enough for everyone present before and everyone arriving,
    so that moves can happen in any order; the final charter then sets the plan's figures."""
    base_q = dict(initial.quotas) if initial else {}
    base_p = dict(initial.posts) if initial else {}
    quotas, posts = dict(state.quotas), dict(state.posts)
    for key in set(base_q) | set(arriving):
        quotas[key] = max(quotas.get(key, 0), base_q.get(key, 0) + arriving[key])
    for rank in set(base_p) | set(arriving_posts):
        posts[rank] = max(posts.get(rank, 0), base_p.get(rank, 0) + arriving_posts[rank])
    return quotas, posts


def _bodies_by_name(org_ids: set[int]) -> dict[tuple[int, str], InternalBody]:
    """Internal bodies of the organizations' current charters, by (organization, name):
    people who move keep their body where the new organization has one of that name."""
    return {
        (b.charter.organization_id, b.name): b
        for b in InternalBody.objects.filter(
            charter__organization_id__in=org_ids, charter__valid_to__isnull=True
        ).select_related("charter")
    }


def _apply(actor, plan: ReformPlan, check: PlanCheck) -> None:
    sim = check.simulation
    date, doc = plan.effective_date, plan.document_number
    orgs: dict[object, Organization] = {
        o.pk: o
        for o in Organization.objects.filter(
            pk__in=[r for r in sim.orgs if isinstance(r, int)]
        ).select_related("region")
    }
    regions = {
        r.code: r
        for r in Region.objects.filter(code__in={s.region for s in sim.orgs.values() if s.new})
    }

    # Staff who end up somewhere else, and what each organization receives meanwhile.
    moves = []
    incoming: dict[object, Counter] = {}
    incoming_posts: dict[object, Counter] = {}
    origin_of = {pid: r for r, s in sim.initial.items() for pid in s.staff}
    for ref, state in sim.orgs.items():
        for person_id, person in state.staff.items():
            origin = origin_of.get(person_id)
            initial = sim.initial[origin].staff[person_id] if origin is not None else None
            if origin != ref or (
                initial
                and (initial.category, initial.funding_type)
                != (person.category, person.funding_type)
            ):
                moves.append((person, origin, ref))
                incoming.setdefault(ref, Counter())[(person.category, person.funding_type)] += 1
                if person.post_rank:
                    incoming_posts.setdefault(ref, Counter())[person.post_rank] += 1

    # 1. New organizations, then room for incoming staff everywhere.
    for ref, state in sim.orgs.items():
        if not state.new:
            continue
        managing = orgs.get(state.managing) if state.managing is not None else None
        orgs[ref] = org_services.organization_create(
            actor=actor,
            name=state.name,
            name_en=state.name_en,
            kind=state.kind,
            institution_class=state.institution_class,
            region=regions[state.region],
            level=state.level,
            managing_organization=managing,
            credit_code=state.credit_code or None,
            valid_from=date,
            legal_basis=doc,
        )
    written: dict[object, tuple] = {}
    for ref, state in sim.orgs.items():
        if ref not in sim.touched and not state.new:
            continue
        initial = sim.initial.get(ref)
        if initial is not None and initial.abolished:
            continue
        written[ref] = _signature(initial) if initial is not None else None
        if state.abolished and not incoming.get(ref):
            continue  # it only loses people, then goes
        quotas, posts = _room_for_arrivals(
            state, initial, incoming.get(ref, Counter()), incoming_posts.get(ref, Counter())
        )
        content = _content(state, quotas, posts)
        if _signature_of(content) != written[ref]:
            org_services.charter_issue(
                actor=actor,
                organization=orgs[ref],
                document_number=doc,
                effective_date=date,
                content=content,
            )
            written[ref] = _signature_of(content)

    # 2. People move.
    active = {
        a.person_id: a
        for a in Appointment.objects.filter(
            person_id__in=[p.person_id for p, _o, _t in moves], end_date__isnull=True
        ).select_related("internal_body")
    }
    bodies = _bodies_by_name({orgs[target].pk for _p, _o, target in moves})
    for person, _origin, target in moves:
        old = active[person.person_id]
        org_services.appointment_transfer(
            actor=actor,
            appointment=old,
            to_organization=orgs[target],
            category=person.category,
            funding_type=person.funding_type,
            internal_body=bodies.get((orgs[target].pk, getattr(old.internal_body, "name", None))),
            post_rank=person.post_rank,
            transfer_date=date,
            document_number=doc,
        )

    # 3. Final charters, names, classes; then abolitions and lineage.
    for ref, state in sim.orgs.items():
        if ref not in written or state.abolished:
            continue
        if _signature_of(_content(state)) != written[ref]:
            org_services.charter_issue(
                actor=actor,
                organization=orgs[ref],
                document_number=doc,
                effective_date=date,
                content=_content(state),
            )
        initial = sim.initial.get(ref)
        if initial is None:
            continue
        if (state.name, state.name_en) != (initial.name, initial.name_en):
            lifecycle.organization_rename(
                actor=actor,
                organization=orgs[ref],
                name=state.name,
                name_en=state.name_en,
                date=date,
                legal_basis=doc,
            )
        if state.institution_class != initial.institution_class:
            lifecycle.organization_reclassify(
                actor=actor,
                organization=orgs[ref],
                institution_class=state.institution_class,
                legal_basis=doc,
            )
    for ref, state in sim.orgs.items():
        initial = sim.initial.get(ref)
        if state.abolished and (initial is None or not initial.abolished):
            lifecycle.organization_abolish(
                actor=actor, organization=orgs[ref], date=date, legal_basis=doc
            )
    for source, target, kind, _position in sim.links:
        OrganizationLink.objects.get_or_create(
            predecessor=orgs[source],
            successor=orgs[target],
            plan=plan,
            defaults={"kind": kind, "date": date},
        )
    # Other domains move what hangs on the organizations (duties, service items…).
    run_apply_hooks(actor=actor, plan=plan, simulation=sim, orgs_by_ref=orgs)
    plan.status, plan.applied_at = PlanStatus.APPLIED, timezone.now()
    plan.save(update_fields=["status", "applied_at"])
    _audit(
        actor,
        "reform_plan.apply",
        plan,
        after={
            "status": plan.status,
            "created": [orgs[r].pk for r, s in sim.orgs.items() if s.new],
            "moved_staff": len(moves),
        },
    )
