"""Access helpers shared by the APIs and pages: what a user may not see or change is a 404."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404

from .errors import NotFound


def changeable_or_404[T](load: Callable[[], T], may_change: Callable[[T], bool], message: str) -> T:
    """The object `load` returns (it raises Http404 for what the user may not see), if the
    user may also change it; otherwise NotFound with `message` — never a 403 that would
    confirm the object exists."""
    try:
        obj = load()
    except Http404 as exc:
        raise NotFound(message) from exc
    if not may_change(obj):
        raise NotFound(message)
    return obj
