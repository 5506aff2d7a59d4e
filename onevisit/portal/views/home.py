"""The portal's home page (首页): search, life events, popular services, the latest news,
entry by department and by region; officers' shortcuts when logged in."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import selectors
from ..cache import public_page
from .common import titled

POPULAR = 8
NEWS = 5


@public_page
@require_GET
def home(request):
    events = selectors.life_events()
    for group in events:
        titled(group.bundles)
    departments = selectors.departments_by_region()
    for group in departments:
        titled(group.departments)
    context = {
        "events": events,
        "popular": titled(
            selectors.popular_items(POPULAR), "department", "department_en", to="department_shown"
        ),
        "articles": titled(selectors.latest_articles(NEWS), "title", "title_en"),
        "departments": departments,
        "regions": selectors.regions_with_services(),
    }
    return render(request, "portal/home.html", context)
