"""The visit rates (跑动次数): the share of cases completed with at most one visit and with
none, for a period, per region, department, item and bundle — computed from the visits
really recorded.

Who reads which figures is one rule, `selectors.rates_scope`, shared with the API: the
system administrator any; supervisors and establishment officers their region's subtree;
department reviewers and heads their own department; anyone else gets a 404, and so does a
region or department outside what the user may read.

Below them, the share of required materials filled from the licence vault (电子证照免提交)
per bundle and per item, over the cases submitted in the period, under the same rule.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from onevisit.catalog import selectors as catalog_selectors
from onevisit.core.errors import NotFound, ValidationFailed
from onevisit.licences.indicators import vault_fill_rates

from .. import selectors
from ..forms import RatesForm
from .common import home_region_code

#: At most this many rows per table (the busiest first).
ROWS = 50


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _row(label: str, rates, url: str = "") -> dict:
    return {
        "label": label,
        "url": url,
        "completed": rates.completed,
        "one_visit": rates.one_visit,
        "one_visit_rate": _percent(rates.one_visit_rate),
        "zero_visit": rates.zero_visit,
        "zero_visit_rate": _percent(rates.zero_visit_rate),
    }


def _tables(report, start, end) -> list[dict]:
    period = {"start": start.isoformat(), "end": end.isoformat()}
    org = {"organization": report.organization.pk} if report.organization else {}

    def link(**params) -> str:
        return "?" + urlencode({**params, **period})

    names = catalog_selectors.item_names(item for item, _rates in report.by_item)
    return [
        {
            "key": "region",
            "title": _("By region"),
            "rows": [
                _row(r.name, rates, link(region=r.code, **org)) for r, rates in report.by_region
            ],
        },
        {
            "key": "department",
            "title": _("By department"),
            "rows": [
                _row(o.name, rates, link(region=report.region.code, organization=o.pk))
                for o, rates in report.by_organization
            ],
        },
        {
            "key": "item",
            "title": _("By service item"),
            "rows": [_row(names[i.pk], rates) for i, rates in report.by_item],
        },
        {
            "key": "bundle",
            "title": _("By one-thing bundle"),
            "rows": [_row(b.name, rates) for b, rates in report.by_bundle],
        },
    ]


def _vault_row(label: str, rate) -> dict:
    return {
        "label": label,
        "required": rate.required,
        "from_vault": rate.from_vault,
        "share": _percent(rate.share),
    }


def _vault_tables(fill) -> list[dict]:
    names = catalog_selectors.item_names(item for item, _rate in fill.by_item[:ROWS])
    return [
        {
            "key": "bundle",
            "title": _("By one-thing bundle"),
            "rows": [_vault_row(b.name, rate) for b, rate in fill.by_bundle[:ROWS]],
        },
        {
            "key": "item",
            "title": _("By service item"),
            "rows": [_vault_row(names[i.pk], rate) for i, rate in fill.by_item[:ROWS]],
        },
    ]


@login_required
@require_GET
def rates(request):
    """One-visit and zero-visit rates per region, department, item and bundle, within the
    figures the user may read (the API's rule)."""
    user = request.user
    organizations = selectors.rates_organizations(user)
    form = RatesForm(request.GET or None, organizations=organizations)
    status, data = 200, {}
    if request.GET:
        if form.is_valid():
            data = form.cleaned_data
        else:
            status = 400
    today = timezone.localdate()
    start = data.get("start") or datetime.date(today.year, 1, 1)
    end = data.get("end") or today
    context = {"form": form, "start": start, "end": end, "region": None, "tables": []}
    try:
        region, organization = selectors.rates_scope(
            user, data.get("region") or None, data.get("organization")
        )
        code = region or home_region_code(user) or "33"
        report = selectors.rates_breakdown(
            user=user,
            region_code=code,
            organization_id=organization,
            start=start,
            end=end,
            limit=ROWS,
        )
        fill = vault_fill_rates(
            user=user, since=start, until=end, region=code, organization=organization
        )
    except NotFound:
        raise Http404("No rates")
    except ValidationFailed as exc:
        # Several regions or departments and none chosen: say so next to the form.
        context["error"] = exc.message
        return render(request, "cases/rates.html", context, status=400)
    if not request.GET:
        form = RatesForm(
            initial={"region": code, "organization": organization, "start": start, "end": end},
            organizations=organizations,
        )
    if report.organization is not None and report.organization not in organizations:
        widget = form.fields["organization"].widget
        widget.choices = [*widget.choices, (report.organization.pk, report.organization.name)]
    context.update(
        form=form,
        region=report.region,
        organization=report.organization,
        tables=_tables(report, start, end),
        vault_total=_vault_row("", fill.total),
        vault_tables=_vault_tables(fill),
    )
    return render(request, "cases/rates.html", context, status=status)
