"""API of the service catalog (政务服务事项目录) and "one thing" bundles (一件事).

The catalog is public: any authenticated caller reads every item's published versions and
every published bundle. Items are changed by the implementing organization's department
heads and reviewers and by the establishment office of its region; bundles by the
establishment office. Whatever the caller may not see or change is a 404. Writes go
through the services; refusals are {"detail", "code"}.
"""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from onevisit.core.access import changeable_or_404
from onevisit.core.errors import NotFound
from onevisit.duties.models import Duty
from onevisit.orgs import selectors as org_selectors
from onevisit.orgs.models import Organization
from onevisit.orgs.schemas import ID_MAX
from onevisit.regions.models import Region

from . import selectors, services
from .models import Bundle, Material, ServiceItem, ServiceItemVersion
from .schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    BundleDetailOut,
    BundleFilters,
    BundleIn,
    BundleItemIn,
    BundleOut,
    DraftIn,
    ItemDetailOut,
    ItemFilters,
    ItemIn,
    ItemPage,
    MaterialIn,
    MaterialOut,
    OnFilter,
    PublishIn,
    RetireIn,
    VersionChangesIn,
    VersionOut,
    changes_of,
)

router = Router(tags=["catalog"])


# --- shaping -----------------------------------------------------------------------------
def _brief(v: ServiceItemVersion | None) -> dict | None:
    if v is None:
        return None
    return {
        "id": v.pk,
        "number": v.number,
        "state": v.state,
        "name": v.name,
        "valid_from": v.valid_from,
        "valid_to": v.valid_to,
    }


def _material(m: Material) -> dict:
    return {
        "id": m.pk,
        "position": m.position,
        "name": m.name,
        "required": m.required,
        "form": m.form,
        "original_or_copy": m.original_or_copy,
        "copies": m.copies,
        "paper_size": m.paper_size,
        "source": m.source,
        "source_item": m.source_item_id,
        "licence_type": m.licence_type,
        "source_explanation": m.source_explanation,
        "blank_form": m.blank_form,
        "example": m.example,
        "filling_notes": m.filling_notes,
        "acceptance_standard": m.acceptance_standard,
        "basis": m.basis,
        "shortfall_allowed": m.shortfall_allowed,
    }


def _version(v: ServiceItemVersion) -> dict:
    return {
        **_brief(v),
        "item_id": v.item_id,
        **{f: getattr(v, f) for f in services.EDITABLE_FIELDS if f != "valid_from"},
        "materials": [_material(m) for m in v.materials.all().order_by("position", "pk")],
    }


def _item(item: ServiceItem, live: ServiceItemVersion | None) -> dict:
    return {
        "id": item.pk,
        "catalog_code": item.catalog_code,
        "local_code": item.local_code,
        "implementation_code": item.implementation_code,
        "duty_id": item.duty_id,
        "duty_code": item.duty.code,
        "organization": {"id": item.organization_id, "name": item.organization.name},
        "region": {"code": item.region.code, "name": item.region.name},
        "level": item.level,
        "service_object": item.service_object,
        "retired_on": item.retired_on,
        "live": _brief(live),
    }


def _item_detail(user, pk: int, on: datetime.date | None = None) -> dict:
    item = selectors.item_get(user=user, pk=pk)
    live = selectors.live_version(item, on)
    return {
        **_item(item, live),
        "live_version": _version(live) if live else None,
        "versions": [_brief(v) for v in selectors.versions_of(user=user, item=item)],
        "may_change": selectors.may_manage_item(user=user, item=item),
    }


def _bundle(b: Bundle) -> dict:
    return {
        "id": b.pk,
        "code": b.code,
        "name": b.name,
        "name_en": b.name_en,
        "event_kind": b.event_kind,
        "description": b.description,
        "region": {"code": b.region.code, "name": b.region.name},
        "published": b.published,
    }


def _bundle_detail(user, pk: int, on: datetime.date | None = None) -> dict:
    d = selectors.bundle_detail(user=user, pk=pk, on=on)
    return {
        **_bundle(d.bundle),
        "on": d.on,
        "items": [
            {
                "item_id": i.pk,
                "implementation_code": i.implementation_code,
                "organization": {"id": i.organization_id, "name": i.organization.name},
                "version": _brief(d.versions.get(i.pk)),
                "promised_limit": getattr(d.versions.get(i.pk), "promised_limit", None),
            }
            for i in d.items
        ],
        "missing": [i.pk for i in d.missing],
        "form": [
            {
                "key": f.key,
                "label_en": f.label_en,
                "label_zh": f.label_zh,
                "type": f.type,
                "required": f.required,
                "items": f.items,
            }
            for f in d.form
        ],
        "materials": [
            {
                "name": m.name,
                "source": m.source,
                "required": m.required,
                "shortfall_allowed": m.shortfall_allowed,
                "form": m.form,
                "items": m.items,
            }
            for m in d.materials
        ],
        "promised_limit": d.promised_limit,
    }


# --- lookups that answer 404 for what the caller may not see or change -------------------
def _id(description: str):
    return Path(..., ge=1, le=ID_MAX, description=description)


def _region_by_code(code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise NotFound(_("No region with code %(code)s.") % {"code": code})
    return region


def _managed_item(user, pk: int) -> ServiceItem:
    return changeable_or_404(
        lambda: selectors.item_get(user=user, pk=pk),
        lambda obj: selectors.may_manage_item(user=user, item=obj),
        _("No service item %(id)s that you may change.") % {"id": pk},
    )


def _managed_version(user, pk: int) -> ServiceItemVersion:
    return changeable_or_404(
        lambda: selectors.version_get(user=user, pk=pk),
        lambda obj: selectors.may_manage_item(user=user, item=obj.item),
        _("No version %(id)s that you may change.") % {"id": pk},
    )


def _managed_bundle(user, pk: int) -> Bundle:
    return changeable_or_404(
        lambda: selectors.bundle_get(user=user, pk=pk),
        lambda obj: selectors.may_manage_bundles(user=user, region=obj.region),
        _("No bundle %(id)s that you may change.") % {"id": pk},
    )


def _item_by_id(user, pk: int) -> ServiceItem:
    try:
        return selectors.item_get(user=user, pk=pk)
    except Http404 as exc:
        raise NotFound(_("No service item %(id)s.") % {"id": pk}) from exc


# --- reads ---------------------------------------------------------------------------------
@router.get("/items", response={200: ItemPage, **READ_ERRORS})
def item_list(request, filters: Query[ItemFilters]):
    """Items with a version in force on `on` (default today), filtered."""
    region = _region_by_code(filters.region) if filters.region else None
    organization = None
    if filters.organization is not None:
        organization = Organization.objects.filter(pk=filters.organization).first()
        if organization is None:
            raise NotFound(_("No organization %(id)s.") % {"id": filters.organization})
    qs = selectors.catalog_search(
        user=request.user,
        on=filters.on,
        region=region,
        organization=organization,
        duty_id=filters.duty,
        type_code=filters.type,
        case_type=filters.case_type,
        online=filters.online,
        max_visits=filters.max_visits,
        search=(filters.q or "").strip() or None,
    )
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_item(i, i.live_versions[0] if i.live_versions else None) for i in page],
    }


@router.get("/items/{item_id}", response={200: ItemDetailOut, **READ_ERRORS})
def item_detail(request, filters: Query[OnFilter], item_id: int = _id("Service item id")):
    """An item with the version in force on `on` (its materials included) and its history."""
    return _item_detail(request.user, item_id, filters.on)


@router.get("/versions/{version_id}", response={200: VersionOut, **READ_ERRORS})
def version_detail(request, version_id: int = _id("Version id")):
    """One version with its materials; a draft only for whoever may change the item."""
    return _version(selectors.version_get(user=request.user, pk=version_id))


@router.get("/bundles", response={200: list[BundleOut], **READ_ERRORS})
def bundle_list(request, filters: Query[BundleFilters]):
    """Published bundles (and unpublished ones of the regions whose bundles you change)."""
    region = _region_by_code(filters.region) if filters.region else None
    return [_bundle(b) for b in selectors.bundle_list(user=request.user, region=region)[:500]]


@router.get("/bundles/{bundle_id}", response={200: BundleDetailOut, **READ_ERRORS})
def bundle_detail(request, filters: Query[OnFilter], bundle_id: int = _id("Bundle id")):
    """A bundle on a day: its one form, each material once, the combined promised limit."""
    return _bundle_detail(request.user, bundle_id, filters.on)


# --- writes --------------------------------------------------------------------------------
@router.post("/items", response={201: ItemDetailOut, **WRITE_ERRORS})
def item_create(request, payload: ItemIn):
    """Put an item on the catalog for an organization that exercises the duty."""
    user = request.user
    try:
        org = org_selectors.organization_get(user=user, pk=payload.organization_id)
    except Http404 as exc:
        raise NotFound(
            _("No organization %(id)s that you may manage.") % {"id": payload.organization_id}
        ) from exc
    if not selectors.may_manage_organization(user=user, organization=org):
        raise NotFound(
            _("No organization %(id)s that you may manage.") % {"id": payload.organization_id}
        )
    duty = Duty.objects.filter(pk=payload.duty_id).first()
    if duty is None:
        raise NotFound(_("No duty %(id)s.") % {"id": payload.duty_id})
    item = services.service_item_create(
        actor=user,
        duty=duty,
        organization=org,
        catalog_code=payload.catalog_code,
        implementation_code=payload.implementation_code,
        local_code=payload.local_code,
        level=payload.level,
        service_object=payload.service_object,
    )
    return Status(201, _item_detail(user, item.pk))


@router.post("/items/{item_id}/drafts", response={201: VersionOut, **WRITE_ERRORS})
def version_draft(request, payload: DraftIn, item_id: int = _id("Service item id")):
    """Start the next version: a copy of the latest published one, or blank; 409 if a draft
    exists."""
    item = _managed_item(request.user, item_id)
    draft = services.service_item_version_draft(
        actor=request.user, item=item, blank=payload.blank, changes=changes_of(payload.changes)
    )
    return Status(201, _version(draft))


@router.patch("/versions/{version_id}", response={200: VersionOut, **WRITE_ERRORS})
def version_update(request, payload: VersionChangesIn, version_id: int = _id("Version id")):
    """Change a draft; a published version is a 409."""
    version = _managed_version(request.user, version_id)
    updated = services.service_item_version_update(
        actor=request.user, version=version, changes=changes_of(payload)
    )
    return _version(updated)


@router.post("/versions/{version_id}/publish", response={200: VersionOut, **WRITE_ERRORS})
def version_publish(request, payload: PublishIn, version_id: int = _id("Version id")):
    """Publish a draft: 400 `incomplete` lists everything missing; the previous version ends
    on the new start date; 409 if the windows would overlap or it is not a draft."""
    version = _managed_version(request.user, version_id)
    published = services.service_item_version_publish(
        actor=request.user, version=version, valid_from=payload.valid_from
    )
    return _version(published)


@router.post("/versions/{version_id}/materials", response={201: MaterialOut, **WRITE_ERRORS})
def material_add(request, payload: MaterialIn, version_id: int = _id("Version id")):
    """Add a material to a draft."""
    user = request.user
    version = _managed_version(user, version_id)
    source_item = None
    if payload.source_item_id is not None:
        source_item = _item_by_id(user, payload.source_item_id)
    data = payload.dict()
    data.pop("source_item_id")
    material = services.material_add(
        actor=user,
        version=version,
        spec=services.MaterialSpec(**data, source_item=source_item),
    )
    return Status(201, _material(material))


@router.delete("/materials/{material_id}", response={204: None, **WRITE_ERRORS})
def material_remove(request, material_id: int = _id("Material id")):
    """Remove a material from a draft."""
    user = request.user
    try:
        material = selectors.material_get(user=user, pk=material_id)
    except Http404 as exc:
        raise NotFound(_("No material %(id)s that you may change.") % {"id": material_id}) from exc
    if not selectors.may_manage_item(user=user, item=material.version.item):
        raise NotFound(_("No material %(id)s that you may change.") % {"id": material_id})
    services.material_remove(actor=user, material=material)
    return Status(204, None)


@router.post("/items/{item_id}/retire", response={200: ItemDetailOut, **WRITE_ERRORS})
def item_retire(request, payload: RetireIn, item_id: int = _id("Service item id")):
    """Withdraw an item from a date (事项取消)."""
    item = _managed_item(request.user, item_id)
    services.service_item_retire(
        actor=request.user, item=item, date=payload.date, reason=payload.reason
    )
    return _item_detail(request.user, item_id)


@router.post("/bundles", response={201: BundleDetailOut, **WRITE_ERRORS})
def bundle_create(request, payload: BundleIn):
    """Create a "one thing" bundle of a region (its establishment office)."""
    user = request.user
    region = Region.objects.filter(code=payload.region).first()
    if region is None or not selectors.may_manage_bundles(user=user, region=region):
        raise NotFound(
            _("No region %(code)s whose bundles you may change.") % {"code": payload.region}
        )
    bundle = services.bundle_create(
        actor=user,
        region=region,
        code=payload.code,
        name=payload.name,
        name_en=payload.name_en,
        event_kind=payload.event_kind,
        description=payload.description,
    )
    return Status(201, _bundle_detail(user, bundle.pk))


@router.post("/bundles/{bundle_id}/items", response={201: BundleDetailOut, **WRITE_ERRORS})
def bundle_add_item(request, payload: BundleItemIn, bundle_id: int = _id("Bundle id")):
    """Add an item to an unpublished bundle."""
    user = request.user
    bundle = _managed_bundle(user, bundle_id)
    item = _item_by_id(user, payload.item_id)
    services.bundle_add_item(actor=user, bundle=bundle, item=item, position=payload.position)
    return Status(201, _bundle_detail(user, bundle_id))


@router.post("/bundles/{bundle_id}/publish", response={200: BundleDetailOut, **WRITE_ERRORS})
def bundle_publish(request, bundle_id: int = _id("Bundle id")):
    """Publish a bundle: at least two items, each with a version in force today."""
    user = request.user
    bundle = _managed_bundle(user, bundle_id)
    services.bundle_publish(actor=user, bundle=bundle)
    return _bundle_detail(user, bundle_id)
