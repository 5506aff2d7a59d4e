"""Tracking a case without logging in (办件查询): the case number and the check code show
the state and the next step, nothing personal. A POST with a CSRF token, so the code
stays out of addresses, histories and logs; the page is never cached."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from onevisit.core.errors import DomainError

from .. import tracking
from .common import crumbs


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("Case number"),
        max_length=32,
        help_text=_("As on your receipt, for example 330122-2026-00000001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=_("Check code"),
        max_length=32,
        help_text=_("The six characters given with the case number."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )


def _page(request, form, *, tracked=None, error: str = "", status: int = 200):
    context = {
        "form": form,
        "tracked": tracked,
        "error": error,
        "crumbs": crumbs(),
        "current": _("Track a case"),
    }
    return render(request, "portal/track.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    """The form (its number may come prefilled from a link), and the case it finds."""
    if request.method == "GET":
        number = (request.GET.get("number") or "").strip()[:32]
        return _page(request, TrackForm(initial={"number": number}))
    form = TrackForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        tracked = tracking.track(number=form.cleaned_data["number"], code=form.cleaned_data["code"])
    except DomainError as exc:
        kept = TrackForm(initial={"number": form.cleaned_data["number"]})
        return _page(request, kept, error=exc.message, status=exc.status)
    return _page(request, TrackForm(), tracked=tracked)
