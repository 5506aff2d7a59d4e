"""Service items in reform plans: an item follows its duty. When a plan abolishes the
implementing organization, the item goes to the organization that takes the duty over
(the same successor the duties and open tasks follow), so applications filed after the
plan reach the right department. The impact report lists the items; an item whose duty
nobody takes over is a blocking line."""

from __future__ import annotations

from django.utils.translation import gettext as _

from onevisit.duties.impact import Follower, follower_sections, followers
from onevisit.reforms.hooks import register_apply_hook
from onevisit.reforms.impact import ImpactSection, register_impact_provider
from onevisit.reforms.simulation import Simulation

from . import services
from .models import ServiceItem


def _live_items(abolished: set[int]):
    rows = (
        ServiceItem.objects.filter(organization_id__in=abolished, retired_on__isnull=True)
        .values_list("pk", "organization_id", "implementation_code", "duty__name", "duty__function")
        .order_by("implementation_code")
    )
    return ((pk, org, f"{code} {name}", function) for pk, org, code, name, function in rows)


def planned_item_moves(plan, sim: Simulation) -> list[Follower]:
    return followers(plan, sim, _live_items)


@register_impact_provider("catalog")
def items_impact(plan, sim: Simulation) -> list[ImpactSection]:
    return follower_sections(
        sim,
        planned_item_moves(plan, sim),
        key="items",
        moved_title=_("Service items that move"),
        stranded_title=_("Service items left without an organization"),
        stranded_line=_("%(label)s, implemented by %(org)s: no organization takes its duty over"),
    )


@register_apply_hook("catalog")
def move_items(*, actor, plan, simulation: Simulation, orgs_by_ref: dict) -> None:
    """Hand the items of abolished organizations to their successors."""
    for move in planned_item_moves(plan, simulation):
        if move.target is None:
            continue
        services.service_item_transfer(
            actor=actor,
            item=ServiceItem(pk=move.pk),
            to_organization=orgs_by_ref[move.target],
            legal_basis=plan.document_number,
        )
