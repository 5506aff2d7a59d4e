"""Reads of the regions registry (public information)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Region


def region_get(*, code: str) -> Region:
    return get_object_or_404(Region.objects.select_related("parent"), code=code)


def region_children(*, region: Region | None) -> QuerySet[Region]:
    if region is None:
        return Region.objects.filter(parent__isnull=True)
    return Region.objects.filter(parent=region)


def region_ancestors(*, region: Region) -> list[Region]:
    """From the province down to the region itself (for breadcrumbs)."""
    codes = [region.code[:n] for n in (2, 4, 6) if n < len(region.code)]
    by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code] + [region]
