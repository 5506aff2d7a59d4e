"""Open tasks in reform plans: when a plan abolishes an organization, its open tasks go to
the organization that takes over the item's duty, with their deadlines unchanged.

The successor is the one the duties follow (a merge's target, an abolition's
`functions_to`, a split's part holding the duty's function), so a task always lands where
its duty lands. The impact report lists the tasks; a task whose duty nobody takes over is a
blocking line, like the duty itself.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from onevisit.duties.impact import Follower, follower_sections, followers
from onevisit.reforms.hooks import register_apply_hook
from onevisit.reforms.impact import ImpactSection, register_impact_provider
from onevisit.reforms.simulation import Simulation

from .choices import OPEN_STATES
from .models import Task


def _open_tasks(abolished: set[int]):
    rows = (
        Task.objects.filter(organization_id__in=abolished, state__in=OPEN_STATES)
        .values_list(
            "pk", "organization_id", "case__number", "version__name", "item__duty__function"
        )
        .order_by("pk")
    )
    return ((pk, org, f"{number} {name}", function) for pk, org, number, name, function in rows)


def planned_task_moves(plan, sim: Simulation) -> list[Follower]:
    """Where each open task of an organization the plan abolishes goes (None: nowhere)."""
    return followers(plan, sim, _open_tasks)


@register_impact_provider("cases")
def open_tasks_impact(plan, sim: Simulation) -> list[ImpactSection]:
    return follower_sections(
        sim,
        planned_task_moves(plan, sim),
        key="tasks",
        moved_title=_("Open tasks that move"),
        stranded_title=_("Open tasks left without an organization"),
        stranded_line=_("%(label)s, open in %(org)s: no organization takes its duty over"),
    )


@register_apply_hook("cases")
def move_open_tasks(*, actor, plan, simulation: Simulation, orgs_by_ref: dict) -> None:
    """Hand the open tasks of abolished organizations to their successors (办件移交)."""
    from .services.review import task_transfer

    moves = [m for m in planned_task_moves(plan, simulation) if m.target is not None]
    if not moves:
        return
    tasks = Task.objects.select_for_update().in_bulk([m.pk for m in moves])
    for move in moves:
        task_transfer(
            actor=actor,
            task=tasks[move.pk],
            to_organization=orgs_by_ref[move.target],
            legal_basis=plan.document_number,
        )
