"""Anonymous pages of the portal served from the cache (页面缓存).

A page is kept per address, language and reading mode, under the portal's generation: the
counter the search index moves whenever the catalog or the newsroom publishes. A process
reads the counter at most once a second; a publication retires every cached page at once in
the process that published and within a second in the others. Only plain anonymous GETs
that set no cookie are kept.
"""

from __future__ import annotations

import functools
import hashlib
import time

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils.translation import get_language

from .models import SearchIndexState

TIMEOUT = 600
MODE_COOKIE = "ov_mode"
_GENERATION_SQL = f"SELECT generation FROM {SearchIndexState._meta.db_table} WHERE id = 1"  # noqa: S608


#: How long a process trusts the generation it read last. The publishing process forgets
#: it at once (`forget_generation`); the others see a publication within this time, and
#: in exchange a cached page costs no database round trip at all.
GENERATION_TTL = 1.0
_memo: dict[str, float | int | None] = {"value": None, "at": 0.0}


def generation() -> int:
    now = time.monotonic()
    if _memo["value"] is not None and now - _memo["at"] < GENERATION_TTL:
        return int(_memo["value"])
    # Raw SQL: the ORM's compiling of this one query costs about 20 times its execution.
    with connection.cursor() as cursor:
        cursor.execute(_GENERATION_SQL)
        row = cursor.fetchone()
    _memo["value"], _memo["at"] = (row[0] if row else 0), now
    return int(_memo["value"])


def forget_generation() -> None:
    """Read the generation afresh next time (after this process published)."""
    _memo["value"] = None


def reading_mode(request) -> str:
    """The visitor's reading mode as the pages read it: an unknown cookie is "standard",
    so junk cookies neither fill the cache nor miss it."""
    from .modes import MODES  # modes imports this module

    mode = request.COOKIES.get(MODE_COOKIE, "standard")
    return mode if mode in MODES else "standard"


def _key(request) -> str:
    raw = "|".join(
        [
            str(generation()),
            request.get_host(),
            get_language() or "",
            reading_mode(request),
            request.get_full_path(),
        ]
    )
    return "portal:page:" + hashlib.sha256(raw.encode()).hexdigest()


def _cacheable(request) -> bool:
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and "messages" not in request.COOKIES
        and not getattr(request, "htmx", False)
    )


def public_page(view):
    """Serve the view's anonymous answer from the cache while nothing was published."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        kept = cache.get(key)
        if kept is not None:
            content, content_type = kept
            response = HttpResponse(content, content_type=content_type)
            response["X-Portal-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        personal = (
            response.cookies
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds a CSRF token
            or getattr(getattr(request, "session", None), "modified", False)
        )
        if response.status_code == 200 and not personal and not response.streaming:
            cache.set(key, (response.content, response["Content-Type"]), TIMEOUT)
            response["X-Portal-Cache"] = "miss"
        return response

    return wrapper
