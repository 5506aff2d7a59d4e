"""Applying (申报): the list of what can be applied for online, and the application form of a
bundle or of one item, shared with the intake at a window.

The form carries a hidden idempotency key generated when it was rendered: however often it
is submitted (a double click, a retry after a timeout), it makes at most one case, and a
repeat lands on the case already made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from onevisit.catalog import selectors as catalog_selectors
from onevisit.core.errors import DomainError, ValidationFailed

from .. import selectors, services
from ..choices import Channel
from ..forms import (
    LATER,
    PAPER,
    RECORD,
    SHARED,
    UPLOAD,
    ApplyForm,
    WindowIntakeForm,
    new_idempotency_key,
)
from ..services import MaterialInput, Submission
from ..services.common import clerk_window
from .common import (
    language,
    page_status,
    redirect_to,
    remember_check_code,
    store_upload,
)

INDEX_LIMIT = 200


@dataclass
class Offer:
    """What is applied for, as the applicant meets it today: a bundle or one item."""

    title: str
    bundle: object | None
    items: list
    versions: dict
    missing: list
    form: list
    materials: list
    promised_limit: int | None
    closed_online: list = field(default_factory=list)

    @property
    def organizations(self) -> list:
        seen = {}
        for item in self.items:
            seen.setdefault(item.organization_id, item.organization)
        return list(seen.values())

    def rows(self) -> list[dict]:
        return [{"item": i, "version": self.versions.get(i.pk)} for i in self.items]


def bundle_offer(user, pk: int) -> Offer:
    detail = catalog_selectors.bundle_detail(user=user, pk=pk)
    bundle = detail.bundle
    if not bundle.published:
        raise Http404("No such bundle")
    title = bundle.name_en if bundle.name_en and not language().startswith("zh") else bundle.name
    return Offer(
        title=title,
        bundle=bundle,
        items=detail.items,
        versions=detail.versions,
        missing=detail.missing,
        form=detail.form,
        materials=detail.materials,
        promised_limit=detail.promised_limit,
        closed_online=[v.name for v in detail.versions.values() if not v.online],
    )


def item_offer(user, pk: int) -> Offer:
    item = catalog_selectors.item_get(user=user, pk=pk)
    versions = catalog_selectors.live_versions([item])
    if item.pk not in versions:
        raise Http404("No such service item")
    version = versions[item.pk]
    return Offer(
        title=version.name,
        bundle=None,
        items=[item],
        versions=versions,
        missing=[],
        form=catalog_selectors.form_of([version]),
        materials=catalog_selectors.materials_of([version]),
        promised_limit=version.promised_limit,
        closed_online=[] if version.online else [version.name],
    )


# --- the list of what can be applied for -------------------------------------------------
@login_required
@require_GET
def apply_index(request):
    """The bundles and the items that can be applied for online."""
    search = (request.GET.get("q") or "").strip()[:100]
    bundles = list(
        catalog_selectors.bundle_list(user=request.user).filter(published=True)[:INDEX_LIMIT]
    )
    items = catalog_selectors.catalog_search(user=request.user, online=True, search=search or None)
    rows = [
        {"item": i, "version": i.live_versions[0] if i.live_versions else None}
        for i in items.select_related("organization")[:INDEX_LIMIT]
    ]
    context = {
        "bundles": bundles,
        "rows": rows,
        "q": search,
        "applicant": selectors.applicant_of(request.user),
    }
    return render(request, "cases/apply_index.html", context)


# --- the application form ---------------------------------------------------------------------
def _material_inputs(form, offer: Offer) -> list[MaterialInput]:
    data = form.cleaned_data
    inputs = []
    for n, m in enumerate(offer.materials):
        p = f"m{n}"
        how = data.get(f"{p}_how")
        if how == UPLOAD:
            inputs.append(MaterialInput(name=m.name, upload=data.get(f"{p}_upload")))
        elif how == RECORD:
            inputs.append(
                MaterialInput(
                    name=m.name,
                    record=data.get(f"{p}_record"),
                    consent=bool(data.get(f"{p}_consent")),
                )
            )
        elif how == SHARED:
            inputs.append(MaterialInput(name=m.name, consent=bool(data.get(f"{p}_consent"))))
        elif how == LATER:
            inputs.append(MaterialInput(name=m.name, promised_on=data.get(f"{p}_promised_on")))
        elif how == PAPER:
            inputs.append(MaterialInput(name=m.name, paper=True))
    return inputs


def _receive_files(request, data, offer: Offer) -> dict[int, str]:
    """Store the files of the materials to be uploaded; their ids go into the form's data
    so that a refused attempt keeps them. Returns {material index: error}."""
    errors = {}
    for n, _m in enumerate(offer.materials):
        p = f"m{n}"
        file = request.FILES.get(f"{p}_file")
        if file is None or data.get(f"{p}_how") != UPLOAD:
            continue
        try:
            upload = store_upload(request.user, file)
        except DomainError as exc:
            errors[n] = exc.message
        else:
            data[f"{p}_upload"] = str(upload.pk)
    return errors


def _existing_case(user, key: str):
    """The case already made from a form with this key by this user, if any."""
    key = (key or "").strip()
    if not key:
        return None
    return selectors.cases_visible_to(user).filter(submitted_by=user, idempotency_key=key).first()


@dataclass
class Present:
    """At the window: what the lookup of the applicant present found."""

    identifier_given: bool
    applicant: object | None = None
    error: str = ""
    records: int = 0


def _applicant_present(user, data) -> Present:
    """The registered applicant whose identity number the clerk entered (after checking the
    document the applicant shows), if any."""
    identifier = (data.get("applicant_identifier") or "").strip()
    if not identifier:
        return Present(identifier_given=False)
    try:
        applicant = selectors.applicant_find(
            user=user, kind=data.get("applicant_kind") or "", identifier=identifier
        )
    except DomainError as exc:
        return Present(identifier_given=True, error=exc.message)
    return Present(identifier_given=True, applicant=applicant)


def _looked_up(data, records: dict) -> dict:
    """The form as the clerk filled it in, to show again after a lookup. A material that
    can now come from the applicant's records is offered that way first."""
    initial = {k: v for k, v in data.items() if not k.endswith("_file")}
    for n in records:
        initial.pop(f"m{n}_how", None)
    initial.pop("lookup", None)
    if not initial.get("idempotency_key"):
        initial["idempotency_key"] = new_idempotency_key()
    return initial


def intake_page(request, offer: Offer, *, channel: str, template: str, context: dict):
    """Show the application form, or take it in: one case however often it is sent.

    At a window, the clerk may first look up the applicant by the identity number entered
    (the "look up" button, by htmx or a plain POST): when the applicant is registered, the
    materials their records can stand for are offered from the records, used only when
    the clerk ticks that the applicant consents."""
    at_window = channel == Channel.WINDOW
    applicant = None if at_window else selectors.applicant_of(request.user)
    present = None
    if at_window and request.method == "POST":
        present = _applicant_present(request.user, request.POST)
    whose = present.applicant if present is not None else applicant
    records = selectors.matching_records(
        user=request.user, applicant=whose, materials=offer.materials
    )
    if present is not None:
        present.records = sum(len(found) for found in records.values())
    form_class = WindowIntakeForm if at_window else ApplyForm
    kwargs = {
        "form_fields": offer.form,
        "materials": offer.materials,
        "records": records,
        "item_names": {r["item"].pk: r["version"].name for r in offer.rows() if r["version"]},
        "language": language(),
    }
    error, status = None, 200
    if present is not None and request.POST.get("lookup"):
        # Look up only: nothing is stored or submitted; the form comes back with the
        # applicant's records offered.
        data = request.POST
        uploads = selectors.uploads_of(
            user=request.user, ids=[data.get(f"m{n}_upload") for n in range(len(offer.materials))]
        )
        form = form_class(initial=_looked_up(data, records), uploads=uploads, **kwargs)
        if not present.identifier_given:
            present.error = _("Enter the identity number or credit code first.")
        status = 400 if present.error else 200
    elif request.method == "POST":
        done = _existing_case(request.user, request.POST.get("idempotency_key", ""))
        if done is not None:
            messages.info(request, _("This application was already received."))
            return redirect_to(request, reverse("cases:case", args=[done.number]))
        data = request.POST.copy()
        file_errors = _receive_files(request, data, offer)
        uploads = selectors.uploads_of(
            user=request.user, ids=[data.get(f"m{n}_upload") for n in range(len(offer.materials))]
        )
        form = form_class(data, request.FILES, uploads=uploads, **kwargs)
        valid = form.is_valid()
        for n, message in file_errors.items():
            form.add_error(f"m{n}_file", message)
        if file_errors or not valid:
            status = 400
        else:
            result = _submit(request, form, offer, channel, applicant)
            if isinstance(result, DomainError):
                error, status = result.message, page_status(result)
                done = _existing_case(request.user, form.cleaned_data["idempotency_key"])
                if done is not None:
                    return redirect_to(request, reverse("cases:case", args=[done.number]))
            else:
                return result
    else:
        form = form_class(initial={"idempotency_key": new_idempotency_key()}, **kwargs)
    context = {
        **context,
        "offer": offer,
        "form": form,
        "error": error,
        "applicant": applicant,
        "present": present,
        "can_apply": at_window
        or (applicant is not None and not offer.missing and not offer.closed_online),
    }
    return render(request, template, context, status=status)


def _submit(request, form, offer: Offer, channel: str, applicant):
    """Register the applicant (at a window) and submit; a refusal is returned, not raised."""
    data = form.cleaned_data
    submission = Submission(
        items=[] if offer.bundle is not None else [i.pk for i in offer.items],
        bundle=offer.bundle.pk if offer.bundle is not None else None,
        form=form.form_data(),
        materials=_material_inputs(form, offer),
        delivery_method=data["delivery_method"],
        delivery_address=(data.get("delivery_address") or "").strip(),
    )
    try:
        # One transaction: a refused application registers no applicant either.
        with transaction.atomic():
            if channel == Channel.WINDOW:
                window = clerk_window(request.user)
                region = window.region if window is not None else offer.items[0].region
                applicant = services.applicant_register(
                    actor=request.user,
                    kind=data["applicant_kind"],
                    name=data["applicant_name"],
                    identifier=data["applicant_identifier"],
                    phone=data.get("applicant_phone") or "",
                    region=region,
                )
                submission.region = region.code
            if applicant is None:
                raise ValidationFailed(
                    _("Your account is not linked to an applicant's identity."),
                    code="no_applicant",
                )
            intake = services.case_submit(
                actor=request.user,
                applicant=applicant,
                submission=submission,
                idempotency_key=data["idempotency_key"],
                channel=channel,
            )
    except DomainError as exc:
        return exc
    case = intake.case
    if intake.created:
        remember_check_code(request, case.number, intake.check_code)
        messages.success(
            request,
            _("Application %(number)s received on %(day)s.")
            % {"number": case.number, "day": timezone.localdate(case.submitted_at)},
        )
    else:
        messages.info(request, _("This application was already received."))
    return redirect_to(request, reverse("cases:case", args=[case.number]))


@login_required
@require_http_methods(["GET", "POST"])
def apply_bundle(request, pk: int):
    """Apply online for a one-thing bundle: one form, each material once."""
    offer = bundle_offer(request.user, pk)
    return intake_page(
        request,
        offer,
        channel=Channel.ONLINE,
        template="cases/apply.html",
        context={"action": reverse("cases:apply_bundle", args=[pk])},
    )


@login_required
@require_http_methods(["GET", "POST"])
def apply_item(request, pk: int):
    """Apply online for one service item."""
    offer = item_offer(request.user, pk)
    return intake_page(
        request,
        offer,
        channel=Channel.ONLINE,
        template="cases/apply.html",
        context={"action": reverse("cases:apply_item", args=[pk])},
    )
