"""A 5,000-item service catalog for the portal benchmark (issue 7, acceptance 5).

    python bench/portal_generate.py [--items 5000] [--force]
    DATABASE_URL=postgres://.../onevisit python bench/portal_generate.py   # in <db>_portal

The demo's catalog is built first, through the services, as the portal's search-quality
test builds it (`onevisit/portal/tests/test_search_quality.py`): Tonglu's 38 items, the
two provincial and the one of Hangzhou, with their organizations, duties, materials and
the four published "one thing" bundles. Then every county of Zhejiang, in code order,
gets its own copy of Tonglu's departments and items, as the counties of a province
implement the same catalog: the items' names, versions and materials are Tonglu's, the
department's name is the county's (桐庐县市场监督管理局 → 临安区市场监督管理局), and the
licensing and registration items come with their change and cancellation sub-items
(食品经营许可（变更）, 企业设立登记（注销）), until the catalog holds the number of items
asked; each county publishes the four bundles too. The copies are bulk inserts (a
generator, like the other benchmarks' data, not intake): they keep the catalog's rules —
one live version per item, unique implementation codes, a material issued by another item
names the county's own copy of it. Then `indexing.rebuild()` indexes everything, timed.

Writes var/bench/portal.json (counts, seconds, the ids the benchmark uses); the database
is var/bench/portal.sqlite3 (or `<db>_portal` on PostgreSQL).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(os.environ.get("ONEVISIT_BENCH_DIR", ROOT / "var" / "bench")).resolve()
INFO = BENCH_DIR / "portal.json"
ITEMS = 5000
TONGLU = "330122"
#: Sub-items of a licence or a registration (新办 is the item itself).
VARIANTS = ("变更", "注销")
_LICENSING = re.compile(r"许可|登记|认定|注册|备案")


def database_url() -> str:
    """`<db>_portal` beside the PostgreSQL database DATABASE_URL names, else a SQLite file."""
    base = os.environ.get("PORTAL_BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(base)
        if parts.path.endswith("_portal"):
            return base
        return urlunsplit(parts._replace(path=f"{parts.path}_portal"))
    return f"sqlite:///{BENCH_DIR / 'portal.sqlite3'}"


def setup_django() -> str:
    """Point this process at the portal dataset (bench.settings: DEBUG off)."""
    url = database_url()
    if url.startswith("postgres"):
        _ensure_pg_database(url)
    os.environ["PORTAL_BENCH_DATABASE_URL"] = url
    os.environ["DATABASE_URL"] = url
    os.environ["ONEVISIT_BENCH_DIR"] = str(BENCH_DIR)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return url


def _pg_admin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.path.lstrip("/"), urlunsplit(parts._replace(path="/postgres"))


def _ensure_pg_database(url: str) -> None:
    import psycopg

    name, admin = _pg_admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _drop(url: str) -> None:
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        return
    import psycopg

    name, admin = _pg_admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def log(msg: str, t0: float) -> None:
    print(f"[{time.monotonic() - t0:7.1f}s] {msg}", flush=True)


def load_info() -> dict:
    if not INFO.exists():
        raise SystemExit("no portal dataset: run bench/portal_generate.py first")
    return json.loads(INFO.read_text())


# --- the copies -----------------------------------------------------------------------------
def _variant_name(name: str, word: str) -> str:
    return f"{re.sub(r'（[^）]*）$', '', name)}（{word}）"


def _copy(instance, **changes):
    """An unsaved copy of a model instance with its concrete fields, `changes` applied."""
    model = type(instance)
    values = {
        f.attname: getattr(instance, f.attname)
        for f in model._meta.concrete_fields
        if not f.primary_key
    }
    values.update(changes)
    return model(**values)


def clone_counties(catalog, *, items: int, t0: float) -> dict:
    """Tonglu's departments, items (with sub-items) and bundles copied to the other
    counties of Zhejiang until the catalog holds `items` items."""
    from django.db import transaction
    from django.utils import timezone

    from onevisit.catalog.choices import VersionState
    from onevisit.catalog.models import Bundle, BundleItem, Material, ServiceItem
    from onevisit.catalog.selectors import live_versions
    from onevisit.orgs.models import Organization
    from onevisit.regions.models import Region

    today = timezone.localdate()
    templates = [(key, item) for key, item in catalog.items.items() if item.region.code == TONGLU]
    versions = live_versions([item for _k, item in templates], today)
    # (key, suffix word or "", name) per copy, in a fixed order
    plan = []
    for key, item in templates:
        name = versions[item.pk].name
        plan.append((key, "", name))
        if _LICENSING.search(name) and "变更" not in name:
            plan += [(key, word, _variant_name(name, word)) for word in VARIANTS]
    counties = list(
        Region.objects.filter(code__startswith="33", level="county")
        .exclude(code=TONGLU)
        .order_by("code")
    )
    total = ServiceItem.objects.count()
    made = {"counties": 0, "organizations": 0, "items": 0, "versions": 0, "materials": 0}
    made["bundles"] = 0
    with transaction.atomic():
        for county in counties:
            if total >= items:
                break
            # the county's departments, named after Tonglu's
            orgs = {}
            for _key, item in templates:
                tpl = item.organization
                if tpl.pk not in orgs:
                    orgs[tpl.pk] = _copy(
                        tpl,
                        name=tpl.name.replace("桐庐县", county.name),
                        name_en="",
                        region_id=county.pk,
                        credit_code=None,
                        managing_organization_id=None,
                    )
            Organization.objects.bulk_create(list(orgs.values()))
            made["organizations"] += len(orgs)
            rows = plan[: items - total]
            copies: dict[tuple[str, str], ServiceItem] = {}
            for n, (key, word, _name) in enumerate(rows):
                tpl = catalog.items[key]
                code = tpl.catalog_code
                if word:
                    code = f"{code[:-3]}{int(code[-3:]) + 100 * (VARIANTS.index(word) + 1):03d}"
                copies[(key, word)] = _copy(
                    tpl,
                    catalog_code=code,
                    local_code=f"{county.code}-{code[-7:]}",
                    implementation_code=f"{county.code}X{code}-{n}",
                    organization_id=orgs[tpl.organization_id].pk,
                    region_id=county.pk,
                    created_at=timezone.now(),
                )
            ServiceItem.objects.bulk_create(list(copies.values()))
            new_versions = {}
            for key, word, name in rows:
                live = versions[catalog.items[key].pk]
                new_versions[(key, word)] = _copy(
                    live,
                    item_id=copies[(key, word)].pk,
                    number=1,
                    state=VersionState.PUBLISHED,
                    valid_to=None,
                    name=name,
                    created_at=timezone.now(),
                    published_at=timezone.now(),
                    published_by_id=None,
                )
            live_versions_made = list(new_versions.values())
            type(live_versions_made[0]).objects.bulk_create(live_versions_made)
            materials = []
            for key, word, _name in rows:
                live = versions[catalog.items[key].pk]
                for m in live.materials.all():
                    source_item = None
                    if m.source_item_id:
                        source_key = next(
                            k for k, i in catalog.items.items() if i.pk == m.source_item_id
                        )
                        source = copies.get((source_key, "")) or catalog.items[source_key]
                        source_item = source.pk
                    materials.append(
                        _copy(
                            m,
                            version_id=new_versions[(key, word)].pk,
                            source_item_id=source_item,
                        )
                    )
            Material.objects.bulk_create(materials)
            for code, bundle in catalog.bundles.items():
                members = [
                    copies.get((k, "")) for k in _bundle_keys(catalog, bundle) if (k, "") in copies
                ]
                if not members:
                    continue
                copy = _copy(
                    bundle,
                    code=code.replace(TONGLU, county.code),
                    region_id=county.pk,
                    created_at=timezone.now(),
                )
                copy.save()
                BundleItem.objects.bulk_create(
                    [BundleItem(bundle=copy, item=m, position=p) for p, m in enumerate(members)]
                )
                made["bundles"] += 1
            total += len(rows)
            made["counties"] += 1
            made["items"] += len(rows)
            made["versions"] += len(rows)
            made["materials"] += len(materials)
    log(
        f"copied to {made['counties']} counties: {made['organizations']} departments, "
        f"{made['items']} items, {made['materials']} materials, {made['bundles']} bundles",
        t0,
    )
    assert Bundle.objects.filter(published=True).count() >= len(catalog.bundles)
    return made


def _bundle_keys(catalog, bundle) -> list[str]:
    from onevisit.catalog.models import BundleItem

    by_pk = {item.pk: key for key, item in catalog.items.items()}
    entries = BundleItem.objects.filter(bundle=bundle).order_by("position")
    return [by_pk[e.item_id] for e in entries]


def generate(items: int, force: bool) -> dict:
    url = database_url()
    if INFO.exists() and not force:
        info = json.loads(INFO.read_text())
        present = not url.startswith("sqlite") or Path(url.removeprefix("sqlite:///")).exists()
        if info.get("database_url") == url and info.get("items") == items and present:
            print(f"portal dataset present ({url}); --force rebuilds it")
            return info
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    INFO.unlink(missing_ok=True)
    if url.startswith("postgres"):
        _ensure_pg_database(url)
    _drop(url)
    t0 = time.monotonic()
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from onevisit.catalog.models import Bundle, Material, ServiceItem
    from onevisit.orgs.models import Organization
    from onevisit.portal import indexing
    from onevisit.portal.models import EntryKind, SearchEntry, SearchTerm
    from onevisit.portal.tests.test_search_quality import build_demo_catalog
    from onevisit.regions.services import regions_import

    call_command("migrate", verbosity=0, interactive=False)
    log("migrated", t0)
    regions_import(actor=None, directory=settings.SHARED_DIR / "data" / "divisions")
    log("regions imported", t0)
    with transaction.atomic():
        catalog = build_demo_catalog()
    log(f"demo catalog: {len(catalog.items)} items, {len(catalog.bundles)} bundles", t0)
    made = clone_counties(catalog, items=items, t0=t0)
    started = time.monotonic()
    entries = indexing.rebuild()
    index_s = round(time.monotonic() - started, 1)
    log(f"indexed: {entries} entries in {index_s} s", t0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    food = catalog.items["food_permit"]
    counts = {
        "items": ServiceItem.objects.count(),
        "materials": Material.objects.count(),
        "bundles": Bundle.objects.filter(published=True).count(),
        "organizations": Organization.objects.count(),
        "entries": entries,
        "entries_by_kind": {
            k: SearchEntry.objects.filter(kind=k).count() for k in EntryKind.values
        },
        "terms": SearchTerm.objects.filter(entries__gt=0).count(),
    }
    if counts["items"] != items:
        raise SystemExit(f"{counts['items']} items made, {items} asked")
    info = {
        "database_url": url,
        "items": items,
        "counts": counts,
        "made": made,
        "guide_item": food.pk,
        "guide_name": catalog.specs["food_permit"].name,
        "item_ids": sorted(ServiceItem.objects.values_list("pk", flat=True)),
        "item_names": sorted({s.name for s in catalog.specs.values()}),
        "seconds": {"index": index_s, "total": round(time.monotonic() - t0, 1)},
    }
    INFO.write_text(json.dumps(info, ensure_ascii=False, indent=1))
    log(f"done: {INFO}", t0)
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=ITEMS)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    info = generate(args.items, args.force)
    print(json.dumps(info["counts"], ensure_ascii=False))


if __name__ == "__main__":
    main()
