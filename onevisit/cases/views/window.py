"""The comprehensive window (综合窗口): intake for an applicant who is present (their identity
checked against the document they show, their records offered once they are looked up), a
case found by its number (where a supplement brought in person is taken in), and the
results waiting for delivery — pick-up at the window (a visit) or express mail (with its
tracking number).

Only a window clerk works here; anyone else gets a 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from onevisit.catalog import selectors as catalog_selectors
from onevisit.core.errors import DomainError

from .. import selectors
from ..choices import CaseState, Channel, DeliveryMethod
from ..forms import CaseLookupForm, DispatchForm, WindowPickForm
from ..services.common import clerk_window
from .apply import bundle_offer, intake_page, item_offer

PICK_LIMIT = 500
AWAITING_LIMIT = 100


def _window_or_404(user):
    if not selectors.window_ids(user):
        raise Http404("No window")
    try:
        return clerk_window(user)
    except DomainError:
        raise Http404("No window")


def _choices(user, window):
    region = window.region if window is not None else None
    bundles = list(
        catalog_selectors.bundle_list(user=user, region=region).filter(published=True)[:PICK_LIMIT]
    )
    items = [
        (i.pk, f"{i.live_versions[0].name} — {i.organization.name}")
        for i in catalog_selectors.catalog_search(user=user, region=region)[:PICK_LIMIT]
        if i.live_versions
    ]
    return bundles, items


@login_required
@require_http_methods(["GET", "POST"])
def window(request):
    """Pick a bundle or an item, take the application in; find a case; hand results over."""
    window = _window_or_404(request.user)
    bundles, items = _choices(request.user, window)
    pick = WindowPickForm(
        request.GET if ("bundle" in request.GET or "item" in request.GET) else None,
        bundles=bundles,
        items=items,
    )
    lookup = CaseLookupForm(request.GET if "number" in request.GET else None)
    if lookup.is_bound and lookup.is_valid():
        number = lookup.cleaned_data["number"].strip()
        state = (
            selectors.cases_visible_to(request.user)
            .filter(number=number)
            .values_list("state", flat=True)
            .first()
        )
        if state is not None:
            # A supplement brought in person is taken in on the case page, where the
            # list of what is missing is.
            anchor = "#missing" if state == CaseState.NEEDS_SUPPLEMENT else ""
            return redirect(reverse("cases:case", args=[number]) + anchor)
        lookup.add_error("number", _("No case you may see has this number."))
    offer, action = None, ""
    status = 400 if lookup.errors else 200
    if pick.is_bound:
        if pick.is_valid():
            data = pick.cleaned_data
            if data.get("bundle"):
                offer = bundle_offer(request.user, data["bundle"])
                action = f"?bundle={data['bundle']}"
            else:
                offer = item_offer(request.user, data["item"])
                action = f"?item={data['item']}"
        else:
            status = 400
    elif request.method == "POST":
        raise Http404("Nothing chosen")
    awaiting = list(
        selectors.cases_visible_to(request.user)
        .filter(
            window_id__in=selectors.window_ids(request.user),
            state=CaseState.DECIDED,
            delivery_method__in=[DeliveryMethod.PICKUP, DeliveryMethod.EXPRESS],
        )
        .select_related("applicant")
        .order_by("-id")[:AWAITING_LIMIT]
    )
    context = {
        "window": window,
        "pick": pick,
        "lookup": lookup,
        "awaiting": [
            {
                "case": c,
                "dispatch_form": DispatchForm(auto_id=f"id_dispatch_{c.pk}_%s")
                if c.delivery_method == DeliveryMethod.EXPRESS
                else None,
            }
            for c in awaiting
        ],
        "action": reverse("cases:window") + action,
    }
    if offer is None:
        return render(request, "cases/window.html", context, status=status)
    return intake_page(
        request, offer, channel=Channel.WINDOW, template="cases/window.html", context=context
    )
