"""The portal's search page (检索): items, life events, departments and news, with the
results filterable by kind and suggestions when nothing is found."""

from __future__ import annotations

from collections import Counter

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from .. import selectors
from ..cache import public_page
from ..models import EntryKind
from .common import chinese, titled

QUERY_MAX = 200
#: The order of the kinds on the page.
KINDS = [EntryKind.ITEM, EntryKind.BUNDLE, EntryKind.ORGANIZATION, EntryKind.NEWS]
#: The headings of the groups of results.
HEADINGS = {
    EntryKind.ITEM: _("Services"),
    EntryKind.BUNDLE: _("Life events"),
    EntryKind.ORGANIZATION: _("Departments"),
    EntryKind.NEWS: _("News"),
}


@public_page
@require_GET
def search_page(request):
    query = " ".join((request.GET.get("q") or "").split())[:QUERY_MAX]
    kind = request.GET.get("kind") or ""
    if kind not in EntryKind.values:
        kind = ""
    results = selectors.search_results(query) if query else []
    zh = chinese()
    for r in results:
        r.shown = r.title_en if r.title_en and not zh else r.title
        r.department_shown = r.department_en if r.department_en and not zh else r.department
    counts = Counter(r.kind for r in results)
    shown = [r for r in results if not kind or r.kind == kind]
    groups = [
        {"kind": k, "label": HEADINGS[k], "results": [r for r in shown if r.kind == k]}
        for k in KINDS
    ]
    filters = [{"kind": "", "label": None, "count": len(results)}] + [
        {"kind": k, "label": HEADINGS[k], "count": counts.get(k, 0)} for k in KINDS
    ]
    context = {
        "query": query,
        "kind": kind,
        "results": shown,
        "groups": [g for g in groups if g["results"]],
        "filters": filters,
        "searched": bool(query),
    }
    if query and not shown:
        events = selectors.life_events()
        context["suggested_events"] = titled([b for g in events for b in g.bundles][:8])
        context["suggested_items"] = titled(
            selectors.popular_items(6), "department", "department_en", to="department_shown"
        )
    return render(request, "portal/search.html", context)
