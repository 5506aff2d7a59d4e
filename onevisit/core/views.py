"""Pages of the shared kernel: health, and the working-day calendar's holiday arrangements.
(The home page is the portal's.)"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from . import calendar
from .errors import DomainError
from .models import Role
from .scoping import has_role
from .services import holiday_arrangement_publish


def healthz(request):
    """For the operator and the load balancer: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


class ArrangementForm(forms.Form):
    """A year's holiday arrangement as its notice gives it (节假日安排)."""

    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    source = forms.CharField(
        label=gettext_lazy("Notice (title and document number)"),
        max_length=300,
        help_text=gettext_lazy(
            "For example 国务院办公厅关于2027年部分节假日安排的通知 and its number."
        ),
    )
    days_off = forms.CharField(
        label=gettext_lazy("Days off"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        help_text=gettext_lazy(
            "Every day given off, statutory holidays and days off in exchange: one date "
            "(YYYY-MM-DD) or range (2027-10-01..2027-10-07) per line or separated by commas."
        ),
    )
    weekend_working_days = forms.CharField(
        label=gettext_lazy("Weekend days worked"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=gettext_lazy("The Saturdays and Sundays declared working days (调休上班)."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _may_publish(user) -> bool:
    return user.is_superuser or has_role(user, Role.SYSTEM_ADMINISTRATOR)


def _years(today) -> list[dict]:
    """The years around today and every published one: where each stands."""
    published = calendar.published_years()
    rows = []
    for year in sorted({today.year - 1, today.year, today.year + 1, *published}):
        arrangement = published.get(year)
        off, worked = calendar.exceptions(year)
        rows.append(
            {
                "year": year,
                "arrangement": arrangement,
                "official": calendar.is_official_year(year),
                "off": calendar.as_ranges(off),
                "worked": calendar.as_ranges(worked),
            }
        )
    return rows


def _initial(year: int) -> dict:
    """The form for amending `year`: its days as the calendar has them now."""
    off, worked = calendar.exceptions(year)
    arrangement = calendar.published_years().get(year)
    if arrangement is not None:
        off, worked = sorted(arrangement.days_off), sorted(arrangement.weekend_working_days)
    else:
        off = sorted({*off, *calendar.statutory_holidays(year)})
    return {
        "year": year,
        "source": arrangement.source if arrangement else "",
        "days_off": "\n".join(calendar.as_ranges(off)),
        "weekend_working_days": "\n".join(calendar.as_ranges(worked)),
    }


@login_required
@require_http_methods(["GET", "POST"])
def holiday_calendar(request):
    """The working-day calendar by year, and publishing a year's arrangement (system
    administrators; anyone else gets a 404). A refused publication is shown with its
    reason and status (400, 409); nothing is written then."""
    if not _may_publish(request.user):
        raise Http404("No such page")
    today = timezone.localdate()
    status, error = 200, None
    if request.method == "POST":
        form = ArrangementForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                arrangement, moved = holiday_arrangement_publish(actor=request.user, **data)
            except DomainError as exc:
                status, error = exc.status, exc.message
            else:
                count = sum(moved.values())
                messages.success(
                    request,
                    ngettext(
                        "The %(year)s arrangement is published (revision %(revision)s); "
                        "%(moved)s open deadline moved with it.",
                        "The %(year)s arrangement is published (revision %(revision)s); "
                        "%(moved)s open deadlines moved with it.",
                        count,
                    )
                    % {"year": arrangement.year, "revision": arrangement.revision, "moved": count},
                )
                return redirect("calendar")
        else:
            status = 400
    else:
        try:
            year = int(request.GET.get("year") or today.year + 1)
        except ValueError:
            year = today.year + 1
        year = min(max(year, 2000), 2100)
        form = ArrangementForm(initial=_initial(year))
    context = {"years": _years(today), "form": form, "error": error}
    return render(request, "core/calendar.html", context, status=status)
