"""The visit rates (跑动次数): the share of cases completed with at most one visit and with
none, for a period, per region, department, item and bundle — computed from the visits
really recorded."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from onevisit.catalog import selectors as catalog_selectors
from onevisit.catalog.models import Bundle, ServiceItem
from onevisit.orgs.models import Organization
from onevisit.regions import selectors as region_selectors

from .. import selectors
from ..choices import CaseState
from ..forms import RatesForm
from ..models import Task
from .common import home_region_code, may_read_rates

#: At most this many rows per table (the busiest first).
ROWS = 50


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _row(label: str, rates, **extra) -> dict:
    return {
        "label": label,
        "completed": rates.completed,
        "one_visit": rates.one_visit,
        "one_visit_rate": _percent(rates.one_visit_rate),
        "zero_visit": rates.zero_visit,
        "zero_visit_rate": _percent(rates.zero_visit_rate),
        **extra,
    }


def _busiest(field: str, code: str, start, end) -> list:
    """The ids (by `field` of the tasks) with the most completed cases in the period."""
    qs = Task.objects.filter(
        case__state=CaseState.COMPLETED,
        case__region__code__startswith=code,
        case__completed_on__gte=start,
        case__completed_on__lte=end,
    )
    rows = qs.values(field).annotate(n=Count("case_id", distinct=True)).order_by("-n", field)
    return [r[field] for r in rows[:ROWS] if r[field] is not None]


@login_required
@require_GET
def rates(request):
    """One-visit and zero-visit rates per region, department, item and bundle."""
    if not may_read_rates(request.user):
        raise Http404("No rates")
    form = RatesForm(request.GET or None)
    status, data = 200, {}
    if request.GET:
        if form.is_valid():
            data = form.cleaned_data
        else:
            status = 400
    today = timezone.localdate()
    start = data.get("start") or datetime.date(today.year, 1, 1)
    end = data.get("end") or today
    code = data.get("region") or home_region_code(request.user) or "33"
    region = region_selectors.region_get(code=code)
    period = {"start": start, "end": end}

    regions = [region, *region_selectors.region_children(region=region).order_by("code")[:ROWS]]
    by_region = [
        _row(r.name, selectors.visit_rates(region_code=r.code, **period), code=r.code)
        for r in regions
    ]
    org_ids = _busiest("organization_id", code, start, end)
    orgs = Organization.objects.in_bulk(org_ids)
    by_department = [
        _row(
            orgs[pk].name,
            selectors.visit_rates(region_code=code, organization_id=pk, **period),
        )
        for pk in org_ids
        if pk in orgs
    ]
    item_ids = _busiest("item_id", code, start, end)
    items = ServiceItem.objects.in_bulk(item_ids)
    live = catalog_selectors.live_versions(list(items.values()))
    names = {pk: live[pk].name if pk in live else i.implementation_code for pk, i in items.items()}
    by_item = [
        _row(names.get(pk, str(pk)), selectors.visit_rates(region_code=code, item_id=pk, **period))
        for pk in item_ids
    ]
    bundle_ids = _busiest("case__bundle_id", code, start, end)
    bundles = Bundle.objects.in_bulk(bundle_ids)
    by_bundle = [
        _row(bundles[pk].name, selectors.visit_rates(region_code=code, bundle_id=pk, **period))
        for pk in bundle_ids
        if pk in bundles
    ]
    if not request.GET:
        form = RatesForm(initial={"region": code, "start": start, "end": end})
    context = {
        "form": form,
        "region": region,
        "start": start,
        "end": end,
        "tables": [
            {"key": "region", "title": _("By region"), "rows": by_region},
            {"key": "department", "title": _("By department"), "rows": by_department},
            {"key": "item", "title": _("By service item"), "rows": by_item},
            {"key": "bundle", "title": _("By one-thing bundle"), "rows": by_bundle},
        ],
    }
    return render(request, "cases/rates.html", context, status=status)
