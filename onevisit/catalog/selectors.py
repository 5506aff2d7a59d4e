"""Reads of the service catalog.

The catalog is public (服务指南公开): any authenticated user reads every item's published
versions and every published bundle. Drafts, and bundles not yet published, are seen only
by those who may change them (`catalog_write_scope`): the establishment office of the
region (编办), and the department heads and reviewers of the implementing organization.
What the caller may not see or change is a 404.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from onevisit.core.models import Role
from onevisit.core.scoping import Scope, assignments_of, registry_write_scope
from onevisit.orgs.importers.columns import match_key
from onevisit.orgs.models import Organization
from onevisit.regions.models import Region

from .choices import VersionState
from .models import LIVE_STATES, Bundle, BundleItem, Material, ServiceItem, ServiceItemVersion

#: Department roles that maintain their own organization's items (besides the 编办).
DEPARTMENT_EDITORS = {Role.DEPARTMENT_HEAD, Role.DEPARTMENT_REVIEWER}


# --- who may change what ---------------------------------------------------------------
def catalog_write_scope(user) -> Scope:
    """Where a user may change items: the establishment office's region (as for the
    registry), plus the organizations in which they are department head or reviewer."""
    base = registry_write_scope(user)
    if base.everything:
        return base
    orgs = {
        a.organization_id
        for a in assignments_of(user)
        if a.role in DEPARTMENT_EDITORS and a.organization_id
    }
    return Scope(
        region_codes=base.region_codes, organization_ids=base.organization_ids | frozenset(orgs)
    )


def may_manage_organization(*, user, organization: Organization) -> bool:
    """Whether the user may create and change items implemented by this organization."""
    return catalog_write_scope(user).covers(
        region_code=organization.region.code, organization_id=organization.pk
    )


def may_manage_item(*, user, item: ServiceItem) -> bool:
    return may_manage_organization(user=user, organization=item.organization)


def may_manage_bundles(*, user, region: Region) -> bool:
    """Bundles span departments: the establishment office of their region changes them."""
    return registry_write_scope(user).covers(region_code=region.code, organization_id=None)


# --- items and versions -------------------------------------------------------------------
def live_q(on: datetime.date, prefix: str = "") -> Q:
    """The filter of versions live on a day (half-open windows)."""
    return Q(**{f"{prefix}state__in": LIVE_STATES, f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": on})
    )


def live_version(item: ServiceItem, on: datetime.date | None = None) -> ServiceItemVersion | None:
    """The version of `item` in force on `on` (default today), or None.

    A case filed on a day keeps that day's version: `live_version(item, on=filed_on)` is
    the same version whatever was published later."""
    on = on or timezone.localdate()
    return ServiceItemVersion.objects.filter(live_q(on), item=item).order_by("-valid_from").first()


def live_versions(
    items: list[ServiceItem], on: datetime.date | None = None
) -> dict[int, ServiceItemVersion]:
    """The live version of each item on a day, in one query: {item id: version}."""
    on = on or timezone.localdate()
    found: dict[int, ServiceItemVersion] = {}
    qs = ServiceItemVersion.objects.filter(live_q(on), item__in=[i.pk for i in items])
    for version in qs.prefetch_related("materials").order_by("item_id", "-valid_from"):
        found.setdefault(version.item_id, version)
    return found


def item_names(items, on: datetime.date | None = None) -> dict[int, str]:
    """{item id: its name on a day} (the live version's; the implementation code when none
    is live), in one query without the versions' materials."""
    items = list(items)
    on = on or timezone.localdate()
    names = dict(
        ServiceItemVersion.objects.filter(live_q(on), item__in=[i.pk for i in items])
        .order_by("item_id", "valid_from")  # the latest start wins below
        .values_list("item_id", "name")
    )
    return {i.pk: names.get(i.pk, i.implementation_code) for i in items}


def draft_of(item: ServiceItem) -> ServiceItemVersion | None:
    return ServiceItemVersion.objects.filter(item=item, state=VersionState.DRAFT).first()


def latest_published(item: ServiceItem) -> ServiceItemVersion | None:
    """The published or retired version that starts last (the end of the chain)."""
    return (
        ServiceItemVersion.objects.filter(item=item, state__in=LIVE_STATES)
        .order_by("-valid_from")
        .first()
    )


def item_get(*, user, pk: int) -> ServiceItem:
    try:
        return ServiceItem.objects.select_related("duty", "organization__region", "region").get(
            pk=pk
        )
    except (ServiceItem.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such service item")


def version_get(*, user, pk: int) -> ServiceItemVersion:
    """A version: published ones for anyone, drafts only for who may change the item."""
    try:
        version = ServiceItemVersion.objects.select_related(
            "item__organization__region", "item__duty"
        ).get(pk=pk)
    except (ServiceItemVersion.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such version")
    if version.is_draft and not may_manage_item(user=user, item=version.item):
        raise Http404("No such version")
    return version


def material_get(*, user, pk: int) -> Material:
    try:
        material = Material.objects.select_related(
            "version__item__organization__region", "source_item"
        ).get(pk=pk)
    except (Material.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such material")
    if material.version.is_draft and not may_manage_item(user=user, item=material.version.item):
        raise Http404("No such material")
    return material


def versions_of(*, user, item: ServiceItem) -> list[ServiceItemVersion]:
    """The version history, oldest first; drafts only for who may change the item."""
    qs = ServiceItemVersion.objects.filter(item=item).order_by("number")
    if not may_manage_item(user=user, item=item):
        qs = qs.exclude(state=VersionState.DRAFT)
    return list(qs)


def catalog_search(
    *,
    user,
    on: datetime.date | None = None,
    region: Region | None = None,
    organization: Organization | None = None,
    duty_id: int | None = None,
    type_code: int | None = None,
    case_type: str | None = None,
    online: bool | None = None,
    max_visits: int | None = None,
    search: str | None = None,
    include_unpublished: bool = False,
) -> QuerySet[ServiceItem]:
    """Items with a version live on `on` (default today) matching simple filters on the
    item and that version; with `include_unpublished`, also items with no live version.

    Full-text search comes later; `search` matches part of a code or the live name.
    """
    on = on or timezone.localdate()
    live = ServiceItemVersion.objects.filter(live_q(on), item=OuterRef("pk"))
    if type_code is not None:
        live = live.filter(type_code=type_code)
    if case_type:
        live = live.filter(case_type=case_type)
    if online is not None:
        live = live.filter(online=online)
    if max_visits is not None:
        live = live.filter(onsite_visits__lte=max_visits)
    qs = ServiceItem.objects.select_related("organization", "region", "duty")
    if region is not None:
        qs = qs.filter(region__code__startswith=region.code)
    if organization is not None:
        qs = qs.filter(organization=organization)
    if duty_id is not None:
        qs = qs.filter(duty_id=duty_id)
    if search:
        named = ServiceItemVersion.objects.filter(
            live_q(on), item=OuterRef("pk"), name__icontains=search
        )
        qs = qs.filter(
            Q(catalog_code__icontains=search)
            | Q(implementation_code__icontains=search)
            | Exists(named)
        )
    filtered = any(v is not None for v in (type_code, online, max_visits)) or bool(case_type)
    if not include_unpublished or filtered:
        qs = qs.filter(Exists(live))
    return qs.prefetch_related(
        Prefetch(
            "versions",
            queryset=ServiceItemVersion.objects.filter(live_q(on)).order_by("-valid_from"),
            to_attr="live_versions",
        )
    ).order_by("catalog_code", "implementation_code")


def items_of_organization(
    *, user, organization: Organization, on: datetime.date | None = None
) -> QuerySet[ServiceItem]:
    """The items an organization implements (with those not yet published for whoever may
    change them)."""
    return catalog_search(
        user=user,
        on=on,
        organization=organization,
        include_unpublished=may_manage_organization(user=user, organization=organization),
    )


# --- bundles --------------------------------------------------------------------------------
def bundle_list(*, user, region: Region | None = None) -> QuerySet[Bundle]:
    """Published bundles, and unpublished ones of the regions whose bundles the user changes."""
    qs = Bundle.objects.select_related("region")
    if region is not None:
        qs = qs.filter(region__code__startswith=region.code)
    scope = registry_write_scope(user)
    if not scope.everything:
        mine = Q(pk__in=[])
        for code in scope.region_codes:
            mine |= Q(region__code__startswith=code)
        qs = qs.filter(Q(published=True) | mine)
    return qs.order_by("code")


def bundle_get(*, user, pk: int) -> Bundle:
    try:
        bundle = Bundle.objects.select_related("region").get(pk=pk)
    except (Bundle.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such bundle")
    if not bundle.published and not may_manage_bundles(user=user, region=bundle.region):
        raise Http404("No such bundle")
    return bundle


def bundle_items(bundle: Bundle) -> list[ServiceItem]:
    """The bundle's items in order."""
    entries = BundleItem.objects.filter(bundle=bundle).select_related(
        "item__organization", "item__region"
    )
    return [e.item for e in entries.order_by("position")]


@dataclass
class BundleField:
    """A field of a bundle's one form, with the items that ask for it."""

    key: str
    label_en: str
    label_zh: str
    type: str
    required: bool
    items: list[int] = field(default_factory=list)


@dataclass
class BundleMaterial:
    """A material the applicant of a bundle is asked for once, with the items needing it."""

    name: str
    source: str
    required: bool
    shortfall_allowed: bool
    form: str
    items: list[int] = field(default_factory=list)
    materials: list[Material] = field(default_factory=list)


def _bundle_versions(bundle: Bundle, on: datetime.date | None) -> list[ServiceItemVersion]:
    items = bundle_items(bundle)
    live = live_versions(items, on)
    return [live[i.pk] for i in items if i.pk in live]


def bundle_form(bundle: Bundle, on: datetime.date | None = None) -> list[BundleField]:
    """One form for the bundle: the live versions' form fields, each key once (the first
    item's label and type), required if any item requires it."""
    return form_of(_bundle_versions(bundle, on))


def form_of(versions: list[ServiceItemVersion]) -> list[BundleField]:
    fields: dict[str, BundleField] = {}
    for version in versions:
        for spec in version.form_fields or []:
            key = str(spec.get("key", "")).strip()
            if not key:
                continue
            found = fields.get(key)
            if found is None:
                found = fields[key] = BundleField(
                    key=key,
                    label_en=str(spec.get("label_en", "")),
                    label_zh=str(spec.get("label_zh", "")),
                    type=str(spec.get("type", "text")),
                    required=bool(spec.get("required", False)),
                )
            else:
                found.required = found.required or bool(spec.get("required", False))
            if version.item_id not in found.items:
                found.items.append(version.item_id)
    return list(fields.values())


def material_key(name: str, source: str) -> tuple[str, str]:
    """Two materials are the same when their names match (NFKC, spaces, case and the
    brackets 《》 ignored) and they come from the same source."""
    return match_key(name).replace("《", "").replace("》", ""), source


def bundle_materials(bundle: Bundle, on: datetime.date | None = None) -> list[BundleMaterial]:
    """Each material of the bundle's live versions once, keeping the strictest demand:
    required if any item requires it, promised later (容缺) only if every item allows it."""
    return materials_of(_bundle_versions(bundle, on))


def materials_of(versions: list[ServiceItemVersion]) -> list[BundleMaterial]:
    found: dict[tuple[str, str], BundleMaterial] = {}
    for version in versions:
        for m in sorted(version.materials.all(), key=lambda m: (m.position, m.pk)):
            key = material_key(m.name, m.source)
            entry = found.get(key)
            if entry is None:
                entry = found[key] = BundleMaterial(
                    name=m.name,
                    source=m.source,
                    required=bool(m.required),
                    shortfall_allowed=m.shortfall_allowed,
                    form=m.form,
                )
            else:
                entry.required = entry.required or bool(m.required)
                entry.shortfall_allowed = entry.shortfall_allowed and m.shortfall_allowed
            if version.item_id not in entry.items:
                entry.items.append(version.item_id)
            entry.materials.append(m)
    return list(found.values())


def bundle_promised_limit(bundle: Bundle, on: datetime.date | None = None) -> int | None:
    """The bundle's combined promised time, in working days.

    The items of a bundle are processed in parallel after one intake (并联审批), so the
    applicant waits for the slowest: the maximum of the items' promised limits (an
    immediate item counts 0). None when no item has a live version.
    """
    return limit_of(_bundle_versions(bundle, on))


def limit_of(versions: list[ServiceItemVersion]) -> int | None:
    limits = [v.promised_limit or 0 for v in versions]
    return max(limits) if limits else None


@dataclass
class BundleDetail:
    """A bundle as an applicant meets it on a day."""

    bundle: Bundle
    on: datetime.date
    items: list[ServiceItem]
    versions: dict[int, ServiceItemVersion]
    missing: list[ServiceItem]
    form: list[BundleField]
    materials: list[BundleMaterial]
    promised_limit: int | None


def bundle_detail(*, user, pk: int, on: datetime.date | None = None) -> BundleDetail:
    bundle = bundle_get(user=user, pk=pk)
    on = on or timezone.localdate()
    items = bundle_items(bundle)
    live = live_versions(items, on)
    versions = [live[i.pk] for i in items if i.pk in live]
    return BundleDetail(
        bundle=bundle,
        on=on,
        items=items,
        versions=live,
        missing=[i for i in items if i.pk not in live],
        form=form_of(versions),
        materials=materials_of(versions),
        promised_limit=limit_of(versions),
    )
