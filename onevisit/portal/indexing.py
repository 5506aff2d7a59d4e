"""What the portal's search finds, built from the catalog: every item with a version in
force, every published bundle, and every department offering an item. Refreshed when the
catalog changes (its change hook, in the same transaction) and rebuilt nightly by
`reindex_search` (versions come into force by date, not by an event)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from onevisit.catalog.hooks import register_change_hook
from onevisit.catalog.models import Bundle, BundleItem, ServiceItem
from onevisit.catalog.selectors import live_versions

from . import search
from .models import EntryKind, SearchEntry


def item_path(pk: int) -> str:
    return f"/guide/items/{pk}/"


def bundle_path(pk: int) -> str:
    return f"/guide/bundles/{pk}/"


def department_path(pk: int) -> str:
    return f"/guide/departments/{pk}/"


def _popularity(item_ids: list[int], on: datetime.date) -> dict[int, int]:
    """Cases filed per item over the last year."""
    from onevisit.cases.models import Task

    since = on - datetime.timedelta(days=365)
    rows = (
        Task.objects.filter(item_id__in=item_ids, case__intake_date__gte=since)
        .values("item_id")
        .annotate(n=Count("id"))
    )
    return {r["item_id"]: r["n"] for r in rows}


def _bundle_names(item_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    rows = BundleItem.objects.filter(item_id__in=item_ids, bundle__published=True).values_list(
        "item_id", "bundle__name"
    )
    for item_id, name in rows:
        names.setdefault(item_id, []).append(name)
    return names


def index_items(items: list[ServiceItem], on: datetime.date | None = None) -> None:
    """Index the items in force on the day; take the others out."""
    on = on or timezone.localdate()
    items = list(
        ServiceItem.objects.filter(pk__in=[i.pk for i in items]).select_related(
            "organization__region"
        )
    )
    versions = live_versions(items, on)
    ids = [i.pk for i in items]
    popularity, bundles = _popularity(ids, on), _bundle_names(ids)
    for item in items:
        version = versions.get(item.pk)
        if version is None or item.retired_on is not None and item.retired_on <= on:
            search.remove(kind=EntryKind.ITEM, object_id=item.pk)
            continue
        materials = " ".join(m.name for m in version.materials.all())
        search.index(
            kind=EntryKind.ITEM,
            object_id=item.pk,
            title=version.name,
            summary=(version.conditions or version.result_name)[:300],
            body=" ".join(
                [
                    version.result_name,
                    version.conditions,
                    item.organization.name,
                    materials,
                    " ".join(bundles.get(item.pk, [])),
                ]
            ),
            url=item_path(item.pk),
            region_code=item.organization.region.code,
            popularity=popularity.get(item.pk, 0),
        )


def index_bundles(bundles: list[Bundle]) -> None:
    for bundle in Bundle.objects.filter(pk__in=[b.pk for b in bundles]).select_related("region"):
        if not bundle.published:
            search.remove(kind=EntryKind.BUNDLE, object_id=bundle.pk)
            continue
        names = BundleItem.objects.filter(bundle=bundle).values_list("item__versions__name")
        search.index(
            kind=EntryKind.BUNDLE,
            object_id=bundle.pk,
            title=bundle.name,
            title_en=bundle.name_en,
            summary=bundle.description[:300],
            body=" ".join([bundle.description, *sorted({n for (n,) in names if n})]),
            url=bundle_path(bundle.pk),
            region_code=bundle.region.code,
        )


def index_departments(on: datetime.date | None = None) -> None:
    """Every department that offers an item in force; the others are taken out."""
    from .selectors import public_departments  # the rule the department pages apply

    on = on or timezone.localdate()
    departments = list(public_departments(on))
    offering = {org.pk for org in departments}
    indexed = set(
        SearchEntry.objects.filter(kind=EntryKind.ORGANIZATION).values_list("object_id", flat=True)
    )
    for org in departments:
        search.index(
            kind=EntryKind.ORGANIZATION,
            object_id=org.pk,
            title=org.name,
            title_en=org.name_en,
            url=department_path(org.pk),
            region_code=org.region.code,
        )
    for pk in indexed - offering:
        search.remove(kind=EntryKind.ORGANIZATION, object_id=pk)


def rebuild(on: datetime.date | None = None) -> int:
    """Refresh the whole catalog part of the index; the number of entries after."""
    on = on or timezone.localdate()
    with transaction.atomic(), search.one_generation():
        index_items(list(ServiceItem.objects.all()), on)
        index_bundles(list(Bundle.objects.all()))
        index_departments(on)
    return SearchEntry.objects.count()


@register_change_hook("portal")
def _catalog_changed(*, items, bundles) -> None:
    if items:
        index_items(items)
    if bundles:
        index_bundles(bundles)
