"""Intake plans (受理方案): what a submission of a bundle or of items, in a region, on a
day, is checked against and routed by: the items, their live versions, the one form, the
materials asked once, and the organization each task goes to.

Building a plan reads the catalog and the registry (four queries and a few dozen objects),
and every submission of the same bundle in the same region on the same day needs the same
plan. So each process keeps the plans it built, under the *generation*: a counter that
database triggers move in the transaction of any change to a table a plan is read from,
by whatever path (services, imports, the admin, raw SQL). A submission reads the counter
(one small query) and uses a kept plan only if it was built under the same value, so a
plan is never older than the last committed change. A version coming into force on its
date needs no trigger: the day is part of the key.
"""

from __future__ import annotations

import datetime
import secrets
from collections import OrderedDict
from dataclasses import dataclass

from django.db import connection as default_connection
from django.utils.translation import gettext as _

from onevisit.catalog.models import Bundle, BundleItem, Material, ServiceItem, ServiceItemVersion
from onevisit.catalog.selectors import (
    BundleField,
    BundleMaterial,
    form_of,
    live_versions,
    materials_of,
)
from onevisit.core.errors import Conflict, NotFound, ValidationFailed
from onevisit.duties.models import DutyAssignment
from onevisit.orgs.models import Organization
from onevisit.regions.models import Region

from .models import PlanGeneration
from .routing import route

#: The tables a plan is read from: a change to any of them moves the generation.
WATCHED = (
    ServiceItem,
    ServiceItemVersion,
    Material,
    Bundle,
    BundleItem,
    DutyAssignment,
    Organization,
)
#: Plans kept per process (bundles × regions × days in use; the oldest goes first).
MAX_PLANS = 256

#: The triggers' name (on PostgreSQL, also the name for `SET CONSTRAINTS`).
TRIGGER = "cases_plan_generation"
_TABLE = PlanGeneration._meta.db_table
_READ = f"SELECT value FROM {_TABLE} WHERE id = 1"  # noqa: S608
_BUMP = f"UPDATE {_TABLE} SET value = value + 1 WHERE id = 1"  # noqa: S608
_plans: OrderedDict[tuple, IntakePlan] = OrderedDict()


@dataclass(frozen=True)
class IntakePlan:
    """A submission's items in order with their live versions, the bundle's one form and
    materials, and the organization of each item's task. Shared between requests: read it,
    never change it."""

    bundle: Bundle | None
    items: tuple[ServiceItem, ...]
    versions: dict[int, ServiceItemVersion]
    form: tuple[BundleField, ...]
    wanted: tuple[BundleMaterial, ...]
    routed: dict[int, Organization]

    @property
    def ordered(self) -> list[ServiceItemVersion]:
        return [self.versions[i.pk] for i in self.items]


def intake_plan(
    *, bundle: int | None, items: list[int], region: Region, day: datetime.date
) -> IntakePlan:
    """The plan for a bundle (or items) in a region on a day, kept or built afresh.
    Refuses what cannot be applied for, naming it, as intake does."""
    ids = () if bundle is not None else tuple(dict.fromkeys(items))
    current = generation()
    key = (current, bundle, ids, region.pk, day)
    plan = _plans.get(key) if current is not None else None
    if plan is not None:
        _plans.move_to_end(key)
        return plan
    plan = _build(bundle, list(ids), region, day)
    if current is not None:
        _plans[key] = plan
        while len(_plans) > MAX_PLANS:
            _plans.popitem(last=False)
    return plan


def _build(bundle_id: int | None, ids: list[int], region: Region, day) -> IntakePlan:
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
        routed=route(items, region, day),
    )


def _resolve_items(bundle_id: int | None, ids: list[int]) -> tuple[Bundle | None, list]:
    if bundle_id is not None:
        entries = list(
            BundleItem.objects.filter(bundle_id=bundle_id, bundle__published=True)
            .select_related("bundle", "item__organization", "item__region")
            .order_by("position")
        )
        if not entries:
            raise NotFound(_("No such one-thing bundle."))
        return entries[0].bundle, [e.item for e in entries]
    if not ids:
        raise ValidationFailed(_("Choose at least one service item."), code="no_items")
    found = ServiceItem.objects.select_related("organization", "region").in_bulk(ids)
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise NotFound(_("No such service item: %(ids)s.") % {"ids": ", ".join(missing)})
    return None, [found[i] for i in ids]


def generation(connection=default_connection) -> int | None:
    """The current generation; None when its row is missing (then nothing is kept)."""
    with connection.cursor() as cursor:
        cursor.execute(_READ)
        row = cursor.fetchone()
    return row[0] if row else None


def forget_plans() -> None:
    """Drop every plan this process keeps (tests; nothing else needs it)."""
    _plans.clear()


def install_triggers(connection) -> None:
    """Create the generation's row (from a random value, so a database emptied and refilled
    never meets a plan kept under an old value) and the triggers that move it. Idempotent;
    run after every migrate (a later migration may rebuild a watched table on SQLite, which
    drops its triggers)."""
    tables = connection.introspection.table_names()
    watched = [m._meta.db_table for m in WATCHED]
    if _TABLE not in tables or any(t not in tables for t in watched):
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (id, value) VALUES (1, %s) ON CONFLICT (id) DO NOTHING",  # noqa: S608
            [secrets.randbelow(2**40)],
        )
        if connection.vendor == "postgresql":
            # Deferred to the commit: the counter's row is then locked only while a
            # transaction commits, after all its other locks were taken, so it cannot
            # close a deadlock with the audit trail's head row or any other row a service
            # locks (SQLite has one writer at a time and no such risk).
            cursor.execute(
                "CREATE OR REPLACE FUNCTION cases_plan_generation_move() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN {_BUMP}; RETURN NULL; END $$"
            )
            for table in watched:
                cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {qn(table)}")
                cursor.execute(
                    f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE "
                    f"ON {qn(table)} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                    "EXECUTE FUNCTION cases_plan_generation_move()"
                )
        elif connection.vendor == "sqlite":
            for table in watched:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    name = qn(f"cases_plan_generation_{table}_{event.lower()}")
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {qn(table)} "
                        f"BEGIN {_BUMP}; END"
                    )


def triggers_installed(connection) -> set[str]:
    """The watched tables that have a generation trigger (for the checks and tests)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = %s",
                [TRIGGER],
            )
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE 'cases_plan_generation_%'"
            )
        return {row[0] for row in cursor.fetchall()}
