"""Service items in reform plans: an item follows its duty. When a plan abolishes the
implementing organization, the item goes to the organization that takes the duty over
(the same successor the duties and open tasks follow), so applications filed after the
plan reach the right department. The impact report lists the items; an item whose duty
nobody takes over is a blocking line."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from onevisit.duties.impact import abolished_by, successor_finder
from onevisit.reforms.hooks import register_apply_hook
from onevisit.reforms.impact import ImpactSection, name_of, register_impact_provider
from onevisit.reforms.simulation import Simulation

from . import services
from .models import ServiceItem


@dataclass
class ItemMove:
    item_id: int
    label: str
    source: int
    target: int | str | None


def planned_item_moves(plan, sim: Simulation) -> list[ItemMove]:
    abolished = abolished_by(sim)
    if not abolished:
        return []
    rows = (
        ServiceItem.objects.filter(organization_id__in=abolished, retired_on__isnull=True)
        .values_list("pk", "organization_id", "implementation_code", "duty__name", "duty__function")
        .order_by("implementation_code")
    )
    find = successor_finder(plan, sim)
    return [
        ItemMove(pk, f"{code} {name}", org_id, find(org_id, function))
        for pk, org_id, code, name, function in rows
    ]


@register_impact_provider("catalog")
def items_impact(plan, sim: Simulation) -> list[ImpactSection]:
    moves = planned_item_moves(plan, sim)
    moved = [
        f"{m.label}: {name_of(sim, m.source)} → {name_of(sim, m.target)}"
        for m in moves
        if m.target is not None
    ]
    stranded = [
        _("%(item)s, implemented by %(org)s: no organization takes its duty over")
        % {"item": m.label, "org": name_of(sim, m.source)}
        for m in moves
        if m.target is None
    ]
    sections = []
    if moved:
        sections.append(ImpactSection("items_moved", _("Service items that move"), moved))
    if stranded:
        sections.append(
            ImpactSection(
                "items_stranded", _("Service items left without an organization"), stranded, True
            )
        )
    return sections


@register_apply_hook("catalog")
def move_items(*, actor, plan, simulation: Simulation, orgs_by_ref: dict) -> None:
    """Hand the items of abolished organizations to their successors."""
    for move in planned_item_moves(plan, simulation):
        if move.target is None:
            continue
        services.service_item_transfer(
            actor=actor,
            item=ServiceItem(pk=move.item_id),
            to_organization=orgs_by_ref[move.target],
            legal_basis=plan.document_number,
        )
