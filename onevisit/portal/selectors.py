"""Reads of the public portal (门户): only what anyone may see, without logging in.

An item is public while a version of it is in force today and it is not withdrawn; a
bundle once published; a department while it exists and offers a public item; an article
once published. Everything else is a 404 (`Http404`), as for what a user may not see
elsewhere.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from onevisit.catalog import selectors as catalog_selectors
from onevisit.catalog.choices import EventKind, MaterialForm, MaterialSource
from onevisit.catalog.models import Bundle, BundleItem, ServiceItem, ServiceItemVersion
from onevisit.duties.choices import DutyCategory
from onevisit.orgs.models import Organization
from onevisit.regions.models import Region

from . import search
from .models import Article, ArticleState, EntryKind, SearchEntry

#: Sources of materials the government fetches itself (the applicant brings nothing).
FETCHED = frozenset(
    {
        MaterialSource.OTHER_DEPARTMENT,
        MaterialSource.ELECTRONIC_LICENCE,
        MaterialSource.ISSUED_BY_ITEM,
    }
)
SEARCH_LIMIT = 100


def _today(on: datetime.date | None) -> datetime.date:
    return on or timezone.localdate()


def _lookup(model, pk):
    """The primary key as an int, or a 404 (the URL converters already give ints)."""
    try:
        return int(pk)
    except (TypeError, ValueError, OverflowError):
        raise Http404(f"No such {model._meta.model_name}")


# --- what is public ------------------------------------------------------------------------
def items_in_force(on: datetime.date | None = None) -> QuerySet[ServiceItem]:
    """Items with a version in force on the day and not withdrawn."""
    on = _today(on)
    live = ServiceItemVersion.objects.filter(catalog_selectors.live_q(on), item=OuterRef("pk"))
    return ServiceItem.objects.filter(Exists(live)).filter(
        Q(retired_on__isnull=True) | Q(retired_on__gt=on)
    )


def _existing(on: datetime.date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gt=on))


def public_departments(on: datetime.date | None = None) -> QuerySet[Organization]:
    """Organizations that exist on the day and offer an item in force."""
    on = _today(on)
    offering = items_in_force(on).values("organization_id")
    return Organization.objects.filter(_existing(on), pk__in=offering).select_related("region")


def published_bundles(region: Region | None = None) -> QuerySet[Bundle]:
    qs = Bundle.objects.filter(published=True).select_related("region")
    if region is not None:
        qs = qs.filter(region=region)
    return qs.order_by("event_kind", "code")


def published_articles() -> QuerySet[Article]:
    return Article.objects.filter(state=ArticleState.PUBLISHED).select_related("organization")


# --- the home page -------------------------------------------------------------------------
def popular_items(limit: int = 8, on: datetime.date | None = None) -> list[SearchEntry]:
    """The items in force applied for most (cases of the last year, as indexed), each with
    `department` and `department_en` (its organization's names) annotated."""
    item = ServiceItem.objects.filter(pk=OuterRef("object_id"))
    qs = SearchEntry.objects.filter(
        kind=EntryKind.ITEM, object_id__in=items_in_force(on).values("pk")
    ).annotate(
        department=Subquery(item.values("organization__name")[:1]),
        department_en=Subquery(item.values("organization__name_en")[:1]),
    )
    return list(qs.order_by("-popularity", "title", "pk")[:limit])


@dataclass
class EventGroup:
    """Published bundles of one kind of event (life or business)."""

    kind: str
    label: str
    bundles: list[Bundle]


def life_events(region: Region | None = None) -> list[EventGroup]:
    """Published bundles grouped by event: citizens' life events first."""
    groups: dict[str, list[Bundle]] = defaultdict(list)
    for bundle in published_bundles(region):
        groups[bundle.event_kind].append(bundle)
    return [
        EventGroup(kind=kind, label=EventKind(kind).label, bundles=groups[kind])
        for kind in EventKind.values
        if groups.get(kind)
    ]


def latest_articles(limit: int = 5) -> list[Article]:
    return list(published_articles().order_by("-published_at", "-pk")[:limit])


def _item_counts(on: datetime.date) -> dict[int, int]:
    rows = items_in_force(on).values("organization_id").annotate(n=Count("id"))
    return {r["organization_id"]: r["n"] for r in rows}


@dataclass
class RegionDepartments:
    """A region and the departments in it offering items (each with `items`, a count)."""

    region: Region
    departments: list[Organization]
    total: int


def departments_by_region(
    *, regions: int = 8, per_region: int = 12, on: datetime.date | None = None
) -> list[RegionDepartments]:
    """Departments offering items, grouped by their region (province first), at most
    `per_region` of the busiest in each of the first `regions` regions."""
    on = _today(on)
    counts = _item_counts(on)
    grouped: dict[int, list[Organization]] = defaultdict(list)
    region_of: dict[int, Region] = {}
    for org in public_departments(on).order_by("region__code", "name"):
        org.items = counts.get(org.pk, 0)
        grouped[org.region_id].append(org)
        region_of[org.region_id] = org.region
    found = []
    for region_id in sorted(grouped, key=lambda r: region_of[r].code)[:regions]:
        orgs = sorted(grouped[region_id], key=lambda o: (-o.items, o.name))
        found.append(RegionDepartments(region_of[region_id], orgs[:per_region], len(orgs)))
    return found


def regions_with_services(on: datetime.date | None = None) -> list[Region]:
    """Regions whose own departments offer items or which have published bundles, by code."""
    on = _today(on)
    ids = set(public_departments(on).values_list("region_id", flat=True))
    ids |= set(published_bundles().values_list("region_id", flat=True))
    return list(Region.objects.filter(pk__in=ids).select_related("parent").order_by("code"))


# --- the service guide ---------------------------------------------------------------------
def _describe(shown, material) -> None:
    """Labels of a material as a guide shows it (`shown` is a Material or a bundle's
    de-duplicated material, `material` the catalog's first one behind it)."""
    shown.fetched = shown.source in FETCHED
    shown.source_label = (
        MaterialSource(shown.source).label if shown.source in MaterialSource.values else ""
    )
    shown.form_label = MaterialForm(shown.form).label if shown.form in MaterialForm.values else ""
    shown.copy_label = material.get_original_or_copy_display() if material.original_or_copy else ""
    shown.copies = material.copies
    shown.filling_notes = material.filling_notes


@dataclass
class ItemGuide:
    """An item's guide (办事指南) as in force today."""

    item: ServiceItem
    version: ServiceItemVersion
    materials: list
    bundles: list[Bundle]
    on: datetime.date

    @property
    def fetched(self) -> int:
        return sum(1 for m in self.materials if m.source in FETCHED)


def item_guide(pk, on: datetime.date | None = None) -> ItemGuide:
    """The guide of an item in force; a withdrawn or unpublished item is a 404."""
    on = _today(on)
    item = (
        items_in_force(on)
        .select_related("organization__region", "region")
        .filter(pk=_lookup(ServiceItem, pk))
        .first()
    )
    if item is None:
        raise Http404("No such service item")
    version = catalog_selectors.live_versions([item], on)[item.pk]
    materials = sorted(version.materials.all(), key=lambda m: (m.position, m.pk))
    sources = {m.source_item_id for m in materials if m.source_item_id}
    issuing = {i.pk: i for i in items_in_force(on).filter(pk__in=sources)} if sources else {}
    names = (
        {
            pk: v.name
            for pk, v in catalog_selectors.live_versions(list(issuing.values()), on).items()
        }
        if issuing
        else {}
    )
    for m in materials:
        _describe(m, m)
        m.source_guide = m.source_item_id if m.source_item_id in issuing else None
        m.source_name = names.get(m.source_item_id, "")
    bundles = list(
        published_bundles().filter(pk__in=BundleItem.objects.filter(item=item).values("bundle_id"))
    )
    return ItemGuide(item=item, version=version, materials=materials, bundles=bundles, on=on)


@dataclass
class BundleRow:
    item: ServiceItem
    version: ServiceItemVersion


@dataclass
class Place:
    """Where and when to go, with the items handled there."""

    place: str
    hours: str
    items: list[str] = field(default_factory=list)


@dataclass
class BundleGuide:
    """A "one thing" bundle's guide: its items, one form, each material once."""

    bundle: Bundle
    rows: list[BundleRow]
    missing: list[ServiceItem]
    materials: list
    form: list
    promised_limit: int | None
    places: list[Place]
    on: datetime.date

    @property
    def departments(self) -> list[Organization]:
        seen: dict[int, Organization] = {}
        for row in self.rows:
            seen.setdefault(row.item.organization_id, row.item.organization)
        return list(seen.values())

    @property
    def onsite_visits(self) -> int:
        return max((r.version.onsite_visits for r in self.rows), default=0)

    @property
    def fee(self) -> bool:
        return any(r.version.fee for r in self.rows)

    @property
    def online(self) -> bool:
        return bool(self.rows) and not self.missing and all(r.version.online for r in self.rows)


def bundle_guide(pk, on: datetime.date | None = None) -> BundleGuide:
    """The guide of a published bundle; an unpublished one is a 404."""
    on = _today(on)
    bundle = published_bundles().filter(pk=_lookup(Bundle, pk)).first()
    if bundle is None:
        raise Http404("No such bundle")
    items = catalog_selectors.bundle_items(bundle)
    public = set(
        items_in_force(on).filter(pk__in=[i.pk for i in items]).values_list("pk", flat=True)
    )
    live = catalog_selectors.live_versions([i for i in items if i.pk in public], on)
    rows = [BundleRow(i, live[i.pk]) for i in items if i.pk in live]
    versions = [r.version for r in rows]
    names = {r.item.pk: r.version.name for r in rows}
    materials = catalog_selectors.materials_of(versions)
    for m in materials:
        _describe(m, m.materials[0])
        m.item_names = [names[i] for i in m.items if i in names]
    places: dict[tuple[str, str], Place] = {}
    for r in rows:
        key = (r.version.place.strip(), r.version.hours.strip())
        if any(key):
            places.setdefault(key, Place(*key)).items.append(r.version.name)
    return BundleGuide(
        bundle=bundle,
        rows=rows,
        missing=[i for i in items if i.pk not in live],
        materials=materials,
        form=catalog_selectors.form_of(versions),
        # The same rule as catalog_selectors.bundle_promised_limit, over the versions read.
        promised_limit=catalog_selectors.limit_of(versions),
        places=list(places.values()),
        on=on,
    )


# --- departments and regions ---------------------------------------------------------------
@dataclass
class ItemGroup:
    """A department's items of one type (licensing, public service, …)."""

    type_code: int
    label: str
    rows: list[BundleRow]


@dataclass
class DepartmentPage:
    department: Organization
    groups: list[ItemGroup]
    bundles: list[Bundle]
    articles: list[Article]

    @property
    def count(self) -> int:
        return sum(len(g.rows) for g in self.groups)


def department_page(pk, on: datetime.date | None = None) -> DepartmentPage:
    """A department offering items: its items in force grouped by type, the published
    bundles they belong to, its latest articles. Any other organization is a 404."""
    on = _today(on)
    department = public_departments(on).filter(pk=_lookup(Organization, pk)).first()
    if department is None:
        raise Http404("No such department")
    items = list(items_in_force(on).filter(organization=department))
    live = catalog_selectors.live_versions(items, on)
    grouped: dict[int, list[BundleRow]] = defaultdict(list)
    for item in items:
        version = live[item.pk]
        item.organization = department
        grouped[version.type_code].append(BundleRow(item, version))
    groups = [
        ItemGroup(
            type_code=code,
            label=DutyCategory(code).label if code in DutyCategory.values else str(code),
            rows=sorted(grouped[code], key=lambda r: (r.version.name, r.item.pk)),
        )
        for code in sorted(grouped)
    ]
    bundles = list(
        published_bundles().filter(
            pk__in=BundleItem.objects.filter(item__in=[i.pk for i in items]).values("bundle_id")
        )
    )
    articles = list(published_articles().filter(organization=department)[:5])
    return DepartmentPage(department=department, groups=groups, bundles=bundles, articles=articles)


@dataclass
class RegionPage:
    region: Region
    ancestors: list[Region]
    departments: list[Organization]
    events: list[EventGroup]
    subregions: list[Region]


def region_page(code: str, on: datetime.date | None = None) -> RegionPage:
    """A region's departments offering items, its bundles, and the regions below it that
    offer anything. An unknown code is a 404."""
    on = _today(on)
    region = (
        Region.objects.select_related("parent__parent__parent").filter(code=str(code)[:12]).first()
    )
    if region is None:
        raise Http404("No such region")
    ancestors: list[Region] = []
    parent = region.parent
    while parent is not None:
        ancestors.insert(0, parent)
        parent = parent.parent
    counts = _item_counts(on)
    departments = list(public_departments(on).filter(region=region).order_by("name"))
    for org in departments:
        org.items = counts.get(org.pk, 0)
    offering = {r.code for r in regions_with_services(on)}
    subregions = [
        child
        for child in region.children.order_by("code")
        if any(code.startswith(child.code) for code in offering)
    ]
    return RegionPage(
        region=region,
        ancestors=ancestors,
        departments=departments,
        events=life_events(region),
        subregions=subregions,
    )


# --- search ------------------------------------------------------------------------------
@dataclass
class Result:
    """A search result as the page shows it."""

    kind: str
    kind_label: str
    title: str
    title_en: str
    department: str
    department_en: str
    summary: str
    url: str


def search_results(text: str, on: datetime.date | None = None) -> list[Result]:
    """The index's answer to a query, keeping only what is public today, best first."""
    on = _today(on)
    hits = search.search(text, limit=SEARCH_LIMIT)
    ids: dict[str, set[int]] = defaultdict(set)
    for hit in hits:
        ids[hit.entry.kind].add(hit.entry.object_id)
    items = {
        i.pk: i
        for i in items_in_force(on)
        .filter(pk__in=ids[EntryKind.ITEM])
        .select_related("organization")
    }
    bundles = {b.pk: b for b in published_bundles().filter(pk__in=ids[EntryKind.BUNDLE])}
    departments = {
        o.pk: o for o in public_departments(on).filter(pk__in=ids[EntryKind.ORGANIZATION])
    }
    articles = {a.pk: a for a in published_articles().filter(pk__in=ids[EntryKind.NEWS])}
    results = []
    for hit in hits:
        entry = hit.entry
        kind, pk = entry.kind, entry.object_id
        if kind == EntryKind.ITEM and pk in items:
            org = items[pk].organization
            department, department_en = org.name, org.name_en
        elif kind == EntryKind.BUNDLE and pk in bundles:
            department, department_en = bundles[pk].region.name, ""
        elif kind == EntryKind.ORGANIZATION and pk in departments:
            department, department_en = departments[pk].region.name, ""
        elif kind == EntryKind.NEWS and pk in articles:
            org = articles[pk].organization
            department, department_en = org.name, org.name_en
        else:
            continue  # the index lags behind a withdrawal: not public any more
        results.append(
            Result(
                kind=kind,
                kind_label=EntryKind(kind).label,
                title=entry.title,
                title_en=entry.title_en,
                department=department,
                department_en=department_en,
                summary=entry.summary,
                url=entry.url if entry.url.startswith("/") else "",
            )
        )
    return results
