"""Intake plans (受理方案): what a submission of a bundle or of items on a day is checked
against: the items in order, their live versions, the one form and the materials asked
once.

Building a plan reads the catalog (three queries and a few dozen objects), and every
submission of the same bundle on the same day needs the same plan. A process keeps a plan
for at most `PLAN_TTL` seconds, as the portal keeps its pages: a catalog change through the
catalog's services (a version published, an item withdrawn, a bundle published) is seen at
once in the process that made it and within that time in the others, and published
versions take effect on their date, which is part of the key. Routing is not part of a
plan: who handles a task is read afresh for every submission (`cases.routing`), so a
reform that moves a duty is followed at once.
"""

from __future__ import annotations

import datetime
import threading
import time
from dataclasses import dataclass

from django.utils.translation import gettext as _

from onevisit.catalog.hooks import register_change_hook
from onevisit.catalog.models import Bundle, BundleItem, ServiceItem, ServiceItemVersion
from onevisit.catalog.selectors import (
    BundleField,
    BundleMaterial,
    form_of,
    live_versions,
    materials_of,
)
from onevisit.core.errors import Conflict, NotFound, ValidationFailed

#: Seconds a process keeps a plan built from the catalog.
PLAN_TTL = 1.0
#: Plans kept per process (bundles and item sets × days in use; the oldest go first).
MAX_PLANS = 256

_plans: dict[tuple, tuple[float, IntakePlan]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class IntakePlan:
    """A submission's items in order with their live versions, the bundle's one form and
    materials. Shared between requests of a process: read it, never change it."""

    bundle: Bundle | None
    items: tuple[ServiceItem, ...]
    versions: dict[int, ServiceItemVersion]
    form: tuple[BundleField, ...]
    wanted: tuple[BundleMaterial, ...]

    @property
    def ordered(self) -> list[ServiceItemVersion]:
        return [self.versions[i.pk] for i in self.items]


def intake_plan(*, bundle: int | None, items: list[int], day: datetime.date) -> IntakePlan:
    """The plan for a bundle (or items) on a day, kept or built afresh. Refuses what cannot
    be applied for, naming it, as intake does (a refusal is not kept)."""
    ids = () if bundle is not None else tuple(dict.fromkeys(items))
    key = (bundle, ids, day)
    now = time.monotonic()
    with _lock:
        kept = _plans.get(key)
    if kept is not None and now - kept[0] < PLAN_TTL:
        return kept[1]
    plan = _build(bundle, list(ids), day)
    with _lock:
        _plans[key] = (now, plan)
        if len(_plans) > MAX_PLANS:
            for old in sorted(_plans, key=lambda k: _plans[k][0])[: len(_plans) - MAX_PLANS]:
                del _plans[old]
    return plan


@register_change_hook("intake-plans")
def forget_plans(**_changed) -> None:
    """Drop the plans this process keeps: after a catalog change it made (the catalog's
    change hook), and between tests."""
    with _lock:
        _plans.clear()


def _build(bundle_id: int | None, ids: list[int], day) -> IntakePlan:
    bundle, items = _resolve_items(bundle_id, ids)
    versions = live_versions(items, day)
    offline = [i.implementation_code for i in items if i.pk not in versions]
    if offline:
        raise Conflict(
            _("Not offered today: %(items)s.") % {"items": ", ".join(offline)}, code="not_offered"
        )
    ordered = [versions[i.pk] for i in items]
    return IntakePlan(
        bundle=bundle,
        items=tuple(items),
        versions=versions,
        form=tuple(form_of(ordered)),
        wanted=tuple(materials_of(ordered)),
    )


def _resolve_items(bundle_id: int | None, ids: list[int]) -> tuple[Bundle | None, list]:
    if bundle_id is not None:
        entries = list(
            BundleItem.objects.filter(bundle_id=bundle_id, bundle__published=True)
            .select_related("bundle", "item")
            .order_by("position")
        )
        if not entries:
            raise NotFound(_("No such one-thing bundle."))
        return entries[0].bundle, [e.item for e in entries]
    if not ids:
        raise ValidationFailed(_("Choose at least one service item."), code="no_items")
    found = ServiceItem.objects.in_bulk(ids)
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise NotFound(_("No such service item: %(ids)s.") % {"ids": ", ".join(missing)})
    return None, [found[i] for i in ids]
