"""Reading modes (阅读模式) and the language, switchable on every page and remembered per
visitor in a cookie: standard, eye-protection (护眼), high contrast (高对比度) and elder
mode (长辈版, larger type and targets). Plain links, so they work without JavaScript and
keep anonymous pages free of CSRF tokens (and cacheable); they change nothing but the
visitor's own display."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .cache import MODE_COOKIE, reading_mode

MODES = {
    "standard": pgettext_lazy("reading mode", "Standard"),
    "eye": _("Eye protection"),
    "contrast": _("High contrast"),
    "elder": _("Elder mode"),
}
YEAR = 365 * 24 * 3600


def _back(request):
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return HttpResponseRedirect(target)


def set_mode(request, mode: str):
    """Remember a reading mode and go back to the page."""
    response = _back(request)
    if mode in MODES:
        response.set_cookie(MODE_COOKIE, mode, max_age=YEAR, samesite="Lax")
    return response


def set_language(request, code: str):
    """Switch the language by a link (Django's own switch is a POST form)."""
    response = _back(request)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=YEAR, samesite="Lax")
    return response


def reading(request) -> dict:
    """Template context: the visitor's mode, the modes offered, and the print view."""
    query = request.GET.copy()
    query.pop("print", None)
    screen_url = request.path + (f"?{query.urlencode()}" if query else "")
    query["print"] = "1"
    return {
        "reading_mode": reading_mode(request),
        "reading_modes": MODES,
        "print_view": request.GET.get("print") == "1",
        # The page with and without ?print=1, its other parameters kept.
        "print_url": f"{request.path}?{query.urlencode()}",
        "screen_url": screen_url,
    }
