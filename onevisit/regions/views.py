"""Pages of the regions registry: the division tree."""

from django.shortcuts import render

from . import selectors


def region_tree(request, code: str | None = None):
    region = selectors.region_get(code=code) if code else None
    return render(
        request,
        "regions/tree.html",
        {
            "region": region,
            "ancestors": selectors.region_ancestors(region=region) if region else [],
            "children": selectors.region_children(region=region),
        },
    )
