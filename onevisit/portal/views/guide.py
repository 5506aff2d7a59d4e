"""Service guides (办事指南): an item, a "one thing" bundle, a department's items, a
region's departments and bundles. Printable (`?print=1`, and the print stylesheet)."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from onevisit.catalog import selectors as catalog_selectors
from onevisit.catalog.choices import OnlineDepth

from .. import selectors
from ..cache import public_page
from .common import chinese, crumbs, shown_name, titled


def _labels(spec_fields) -> list[dict]:
    zh = chinese()
    return [
        {
            "label": (f.label_zh if zh else f.label_en) or f.label_zh or f.label_en or f.key,
            "required": f.required,
            "type": f.type,
        }
        for f in spec_fields
    ]


def _region_crumbs(region, ancestors=()):
    return [(r.name, reverse("portal:region", args=[r.code])) for r in [*ancestors, region]]


@public_page
@require_GET
def item_guide(request, pk: int):
    guide = selectors.item_guide(pk)
    department = guide.item.organization
    department.title_shown = shown_name(department.name, department.name_en)
    titled(guide.bundles)
    context = {
        "guide": guide,
        "item": guide.item,
        "version": guide.version,
        "department": department,
        "form_fields": _labels(catalog_selectors.form_of([guide.version])),
        "online_depth": OnlineDepth(guide.version.online_depth).label
        if guide.version.online_depth in OnlineDepth.values
        else "",
        "crumbs": crumbs(
            (department.title_shown, reverse("portal:department", args=[department.pk]))
        ),
        "current": guide.version.name,
        "page_url": request.build_absolute_uri(request.path),
    }
    return render(request, "portal/item_guide.html", context)


@public_page
@require_GET
def bundle_guide(request, pk: int):
    guide = selectors.bundle_guide(pk)
    bundle = guide.bundle
    title = shown_name(bundle.name, bundle.name_en)
    titled([row.item.organization for row in guide.rows])
    context = {
        "guide": guide,
        "bundle": bundle,
        "title": title,
        "form_fields": _labels(guide.form),
        "crumbs": crumbs(*_region_crumbs(bundle.region)),
        "current": title,
        "page_url": request.build_absolute_uri(request.path),
    }
    return render(request, "portal/bundle_guide.html", context)


@public_page
@require_GET
def department_page(request, pk: int):
    page = selectors.department_page(pk)
    department = page.department
    title = shown_name(department.name, department.name_en)
    titled(page.bundles)
    titled(page.articles, "title", "title_en")
    context = {
        "page": page,
        "department": department,
        "title": title,
        "crumbs": crumbs(*_region_crumbs(department.region)),
        "current": title,
    }
    return render(request, "portal/department.html", context)


@public_page
@require_GET
def region_page(request, code: str):
    page = selectors.region_page(code)
    titled(page.departments)
    for group in page.events:
        titled(group.bundles)
    context = {
        "page": page,
        "region": page.region,
        "crumbs": crumbs(*_region_crumbs(page.region, page.ancestors)[:-1]),
        "current": page.region.name,
    }
    return render(request, "portal/region.html", context)
