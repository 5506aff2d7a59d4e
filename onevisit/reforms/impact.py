"""The impact report of a plan, built by a registry of providers.

The registry provider below lists organizations, functions, quotas, posts and staff.
Later domains (duties, service items, open cases, enforcement items) register their own
provider from their AppConfig.ready(), without this app knowing about them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .simulation import Simulation


@dataclass
class ImpactSection:
    """One heading of the impact report with its lines."""

    key: str
    title: str
    lines: list[str] = field(default_factory=list)
    blocking: bool = False


ImpactProvider = Callable[["object", Simulation], list[ImpactSection]]
_providers: dict[str, ImpactProvider] = {}


def register_impact_provider(name: str) -> Callable[[ImpactProvider], ImpactProvider]:
    """Decorator: add a provider to every plan's impact report."""

    def decorator(func: ImpactProvider) -> ImpactProvider:
        _providers[name] = func
        return func

    return decorator


def impact_report(plan, simulation: Simulation) -> list[ImpactSection]:
    sections: list[ImpactSection] = []
    for provider in _providers.values():
        sections.extend(provider(plan, simulation))
    return sections


def name_of(simulation: Simulation, ref) -> str:
    if ref is None:
        return str(gettext_lazy("(abolished)"))
    state = simulation.orgs.get(ref) or simulation.initial.get(ref)
    return state.name if state else str(ref)


@register_impact_provider("registry")
def registry_impact(plan, sim: Simulation) -> list[ImpactSection]:
    created = [s.name for s in sim.orgs.values() if s.new and not s.abolished]
    abolished = [
        s.name
        for ref, s in sim.orgs.items()
        if s.abolished and not (ref in sim.initial and sim.initial[ref].abolished)
    ]
    renamed = [f"{old} → {new}" for _p, _r, old, new in sim.renamed]
    by_kind: dict[str, list[str]] = {"function": [], "quota": [], "posts": [], "staff": []}
    staff_counts: dict[tuple, int] = {}
    for m in sim.movements:
        if m.what == "staff":
            key = (m.source, m.target)
            staff_counts[key] = staff_counts.get(key, 0) + 1
            continue
        if m.what == "posts":
            by_kind["posts"].append(f"{name_of(sim, m.source)}: {m.detail}")
            continue
        line = f"{name_of(sim, m.source)} → {name_of(sim, m.target)}: {m.detail}"
        if m.what == "quota":
            line += f" × {m.count}"
        by_kind[m.what].append(line)
    for (source, target), n in staff_counts.items():
        by_kind["staff"].append(
            _("%(n)s people: %(a)s → %(b)s")
            % {"n": n, "a": name_of(sim, source), "b": name_of(sim, target)}
        )
    return [
        ImpactSection("created", _("Organizations established"), created),
        ImpactSection("abolished", _("Organizations abolished"), abolished),
        ImpactSection("renamed", _("Organizations renamed"), renamed),
        ImpactSection("functions", _("Functions that move"), by_kind["function"]),
        ImpactSection("quotas", _("Quotas that move"), by_kind["quota"]),
        ImpactSection("posts", _("Leadership posts that change"), by_kind["posts"]),
        ImpactSection("staff", _("Staff who move"), by_kind["staff"]),
    ]
