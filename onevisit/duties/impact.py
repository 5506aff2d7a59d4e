"""Duties in reform plans: what a plan does to the power and responsibility lists.

- The impact provider lists the duties a plan moves (the assignments of an organization it
  abolishes or merges go to its successor), the duties it leaves without any organization
  (a blocking section: approval then needs an explicit override), and the analyzer's
  findings the plan would create or clear.
- The apply hook moves those assignments to the successors when the plan is applied.

Both read the successor of each abolished organization from the plan itself: a merge's
target; an abolition's `functions_to`, else its `staff_to` (none if the functions are
abolished); a split's part whose functions include the duty's function.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from onevisit.reforms import operations as ops
from onevisit.reforms.hooks import register_apply_hook
from onevisit.reforms.impact import ImpactSection, name_of, register_impact_provider
from onevisit.reforms.simulation import Simulation

from . import services
from .analysis import analyze_snapshot
from .analysis.findings import normalize_text
from .analysis.snapshot import OrgRow, Snapshot, load_snapshot
from .choices import FindingKind
from .models import DutyAssignment

Ref = int | str


@dataclass
class _Successor:
    default: Ref | None = None
    by_function: dict[str, Ref] = field(default_factory=dict)

    def for_function(self, function_norm: str) -> Ref | None:
        return self.by_function.get(function_norm, self.default)


@dataclass
class DutyMove:
    assignment_id: int
    duty_label: str
    source: int
    target: Ref | None


def abolished_by(sim: Simulation) -> set[int]:
    return {
        ref
        for ref, state in sim.orgs.items()
        if isinstance(ref, int)
        and state.abolished
        and not (ref in sim.initial and sim.initial[ref].abolished)
    }


def successors_of(plan, sim: Simulation) -> dict[Ref, _Successor]:
    found: dict[Ref, _Successor] = {}
    for operation in plan.operations.all():
        op = ops.parse_operation(operation.kind, operation.payload)
        if isinstance(op, ops.Merge):
            for source in op.sources:
                found[source] = _Successor(op.into)
        elif isinstance(op, ops.Abolish):
            # Duties follow the functions; abolished functions take their duties with them
            # (nobody takes them over, whoever the staff go to); else they go with the staff.
            if op.functions_to is not None:
                target = op.functions_to
            elif op.functions_abolished:
                target = None
            else:
                target = op.staff_to
            found[op.organization] = _Successor(target)
        elif isinstance(op, ops.Split) and op.abolish_source:
            successor = _Successor(op.parts[0].into if len(op.parts) == 1 else None)
            for part in op.parts:
                for text in part.functions:
                    successor.by_function[normalize_text(text)] = part.into
            found[op.source] = successor
    for source, target, _kind, _pos in sim.links:
        found.setdefault(source, _Successor(target))
    return found


def resolve_successor(
    ref: Ref | None, sim: Simulation, successors, function_norm: str
) -> Ref | None:
    """Follow successors until an organization that survives the plan."""
    for _step in range(20):
        if ref is None:
            return None
        state = sim.orgs.get(ref)
        if state is None or not state.abolished:
            return ref
        nxt = successors.get(ref)
        ref = nxt.for_function(function_norm) if nxt else None
    return None


def successor_finder(plan, sim: Simulation) -> Callable[[int, str], Ref | None]:
    """A function (abolished organization id, duty function text) -> the organization that
    takes the duty over once the plan is applied, or None. Everything that hangs on a duty
    (service items, open tasks, enforcement items) follows it with this."""
    successors = successors_of(plan, sim)

    def find(org_id: int, function: str) -> Ref | None:
        norm = normalize_text(function)
        first = successors.get(org_id)
        start = first.for_function(norm) if first else None
        return resolve_successor(start, sim, successors, norm)

    return find


def planned_moves(plan, sim: Simulation) -> list[DutyMove]:
    """Where each current assignment of an organization the plan abolishes goes (None: nowhere)."""
    abolished = abolished_by(sim)
    if not abolished:
        return []
    find = successor_finder(plan, sim)
    rows = DutyAssignment.objects.filter(
        organization_id__in=abolished, valid_to__isnull=True
    ).values_list("pk", "organization_id", "duty__code", "duty__name", "duty__function")
    return [
        DutyMove(pk, f"{code} {name}", org_id, find(org_id, function))
        for pk, org_id, code, name, function in rows.order_by("duty__code", "pk")
    ]


# --- the impact report ------------------------------------------------------------
def _post_plan(snap: Snapshot, sim: Simulation, moves: list[DutyMove]) -> Snapshot:
    """The snapshot as it will stand once the plan is applied."""
    post = snap.copy()
    region_ids = {r.code: r.id for r in snap.regions.values()}
    ids: dict[Ref, int] = {}
    for n, (ref, state) in enumerate(sim.orgs.items(), 1):
        if isinstance(ref, int):
            ids[ref] = ref
            if ref not in post.orgs:
                continue
            org = post.orgs[ref]
            org.name, org.kind, org.institution_class = (
                state.name,
                state.kind,
                state.institution_class,
            )
            if state.abolished and not org.abolished_on(snap.as_of):
                org.valid_to = snap.as_of
        elif state.new and not state.abolished and state.region in region_ids:
            ids[ref] = -n
            post.orgs[-n] = OrgRow(
                -n,
                state.name,
                state.kind,
                state.institution_class,
                region_ids[state.region],
                state.level,
                snap.as_of,
                None,
            )
            post.chartered.add(-n)
        else:
            continue
        if ref in sim.touched or state.new:
            post.functions[ids[ref]] = {normalize_text(t): t for t in state.functions}
            post.staff[ids[ref]] = len(state.staff)
    target_of = {m.assignment_id: ids.get(m.target) for m in moves if m.target is not None}
    held = {(h[1], h[2], h[3]) for h in post.holdings}
    holdings = []
    for h in post.holdings:
        target = target_of.get(h[0])
        if target is not None:
            if (h[1], target, h[3]) in held:
                continue  # the successor holds it already
            h = (h[0], h[1], target, *h[3:])
            held.add((h[1], target, h[3]))
        holdings.append(h)
    post.holdings = holdings
    return post


def _line(finding) -> str:
    language = translation.get_language() or "en"
    kind = finding.kind
    if language.startswith("zh") and kind in FindingKind.values:
        kind = str(FindingKind(kind).label)  # 越位 / 缺位 / 错位
    return f"[{kind}] {finding.explanation(language)}"


@register_impact_provider("duties")
def duties_impact(plan, sim: Simulation) -> list[ImpactSection]:
    moves = planned_moves(plan, sim)
    sections = []
    moved = [
        f"{m.duty_label}: {name_of(sim, m.source)} → {name_of(sim, m.target)}"
        for m in moves
        if m.target is not None
    ]
    orphaned = [
        _("%(duty)s, held by %(org)s: no organization takes it over (absence)")
        % {"duty": m.duty_label, "org": name_of(sim, m.source)}
        for m in moves
        if m.target is None
    ]
    if moved:
        sections.append(ImpactSection("duties_moved", _("Duties that move"), moved))
    if orphaned:
        sections.append(
            ImpactSection(
                "duties_orphaned",
                _("Duties left without an organization"),
                orphaned,
                blocking=True,
            )
        )
    if sim.touched and DutyAssignment.objects.exists():
        snap = load_snapshot(region=plan.region, as_of=timezone.localdate())
        before = {f.key: f for f in analyze_snapshot(snap)}
        after = {f.key: f for f in analyze_snapshot(_post_plan(snap, sim, moves))}
        created = [_line(f) for k, f in after.items() if k not in before]
        cleared = [_line(f) for k, f in before.items() if k not in after]
        if created:
            sections.append(
                ImpactSection("duty_findings_created", _("List findings the plan creates"), created)
            )
        if cleared:
            sections.append(
                ImpactSection("duty_findings_cleared", _("List findings the plan clears"), cleared)
            )
    return sections


# --- application ------------------------------------------------------------------
@register_apply_hook("duties")
def move_duties(*, actor, plan, simulation: Simulation, orgs_by_ref: dict) -> None:
    """Move the assignments of abolished organizations to their successors (职责划转)."""
    moves = [m for m in planned_moves(plan, simulation) if m.target is not None]
    if not moves:
        return
    assignments = DutyAssignment.objects.select_related("duty", "organization__region").in_bulk(
        [m.assignment_id for m in moves]
    )
    targets = {orgs_by_ref[m.target].pk for m in moves}
    held = set(
        DutyAssignment.objects.filter(
            organization_id__in=targets, valid_to__isnull=True
        ).values_list("duty_id", "organization_id", "region_id")
    )
    for move in moves:
        assignment = assignments[move.assignment_id]
        target = orgs_by_ref[move.target]
        date: datetime.date = max(plan.effective_date, assignment.valid_from)
        if (assignment.duty_id, target.pk, assignment.region_id) in held:
            services.duty_assignment_end(
                actor=actor,
                assignment=assignment,
                date=date,
                reason=_("%(org)s already holds it (%(doc)s)")
                % {"org": target.name, "doc": plan.document_number},
            )
            continue
        services.duty_assignment_move(
            actor=actor,
            assignment=assignment,
            to_organization=target,
            date=date,
            legal_basis=plan.document_number,
        )
        held.add((assignment.duty_id, target.pk, assignment.region_id))


# --- what follows a duty (service items, open tasks, enforcement items) -------------------
@dataclass
class Follower:
    """Something held by an organization the plan abolishes, and where it goes with its duty."""

    pk: int
    label: str
    source: int
    target: Ref | None


def followers(plan, sim: Simulation, rows_of: Callable[[set[int]], Iterable]) -> list[Follower]:
    """Where each thing of an abolished organization goes. `rows_of(abolished ids)` yields
    (pk, organization id, label, duty function text) of the things held by them."""
    abolished = abolished_by(sim)
    if not abolished:
        return []
    find = successor_finder(plan, sim)
    return [
        Follower(pk, label, org_id, find(org_id, function))
        for pk, org_id, label, function in rows_of(abolished)
    ]


def follower_sections(
    sim: Simulation,
    moves: list[Follower],
    *,
    key: str,
    moved_title: str,
    stranded_title: str,
    stranded_line: str,
) -> list[ImpactSection]:
    """The impact report's two sections for followers: those that move (`{key}_moved`) and
    those no organization takes over (`{key}_stranded`, blocking). `stranded_line` is a
    message with %(label)s and %(org)s."""
    moved = [
        f"{m.label}: {name_of(sim, m.source)} → {name_of(sim, m.target)}"
        for m in moves
        if m.target is not None
    ]
    stranded = [
        stranded_line % {"label": m.label, "org": name_of(sim, m.source)}
        for m in moves
        if m.target is None
    ]
    sections = []
    if moved:
        sections.append(ImpactSection(f"{key}_moved", moved_title, moved))
    if stranded:
        sections.append(ImpactSection(f"{key}_stranded", stranded_title, stranded, True))
    return sections
