"""The holder's vault (我的证照): their licences and other results, one licence as a
printable page with the QR code verifiers scan, its export, and the access log.

Only the holder sees these pages: another holder's licence number is a 404. The identity
number is masked on screen and on paper alike.
"""

from __future__ import annotations

import json

import segno
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from onevisit.core.identifiers import mask_identity_number

from .. import selectors
from ..models import Licence
from .common import language, licence_status, type_name

#: Uses of the access log shown on one page.
USES_PER_PAGE = 25
#: Holder fields (see services.issuance.HOLDER_FIELDS) shown as the holder's own rows.
HOLDER_ROWS = {"holder_name", "identifier"}


def _own_or_404(user, number: str) -> Licence:
    licence = selectors.own_licence(user, number)
    if licence is None:
        raise Http404("No such licence")
    return licence


@login_required
@require_GET
def vault(request):
    """The holder's licences (with their state today) and their other results."""
    today = timezone.localdate()
    licences = [
        {"licence": lic, "type": type_name(lic.licence_type), "status": licence_status(lic, today)}
        for lic in selectors.vault(request.user).select_related("replaced_by")
    ]
    results = selectors.vault_results(request.user).select_related("task__case")
    context = {
        "holder": selectors.holder_of(request.user),
        "licences": licences,
        "results": list(results),
    }
    return render(request, "licences/vault.html", context)


def _fields(licence: Licence, content: dict) -> list[tuple[str, str]]:
    """The licence's structured fields, labelled in the page's language, but for the
    holder's name and identity number (shown once, above); the identity number is masked
    wherever else it appears."""
    holder_id = (content.get("holder") or {}).get("id") or ""
    rows = []
    for key, value in (content.get("fields") or {}).items():
        if key in HOLDER_ROWS:
            continue
        value = "" if value is None else str(value)
        if holder_id and holder_id in value:
            value = value.replace(holder_id, mask_identity_number(holder_id))
        rows.append((licence.licence_type.field_label(key, language()), value))
    return rows


def _qr_svg(url: str) -> str:
    """The QR code of the verification link, as inline SVG sized by the stylesheet."""
    return segno.make(url, error="m").svg_inline(scale=4, omitsize=True, svgclass="qr")


@login_required
@require_GET
def licence_page(request, number: str):
    """One licence, printable on one A4 page: its type, number, holder (identity number
    masked), fields, issuer, dates, key id, and the QR code of its verification link."""
    licence = _own_or_404(request.user, number)
    content = licence.content
    holder = content.get("holder") or {}
    verify_url = request.build_absolute_uri(
        reverse("licences:verify_link", args=[licence.number, selectors.signature_tag(licence)])
    )
    status = licence_status(licence, timezone.localdate())
    context = {
        "licence": licence,
        "type": type_name(licence.licence_type),
        "official_name": licence.licence_type.name,
        "holder_name": holder.get("name") or licence.holder.name,
        "holder_id": mask_identity_number(holder.get("id") or licence.holder.identifier),
        "issuer": (content.get("issuer") or {}).get("name") or licence.issued_by.name,
        "fields": _fields(licence, content),
        "status": status,
        "verify_url": verify_url,
        "qr": mark_safe(_qr_svg(verify_url)),  # noqa: S308 (segno's own SVG)
        "replaced_by": licence.replaced_by if licence.replaced_by_id else None,
        "replaces": content.get("replaces"),
    }
    return render(request, "licences/licence.html", context)


@login_required
@require_GET
def licence_export(request, number: str):
    """The licence as a file anyone can verify with the published key set."""
    licence = _own_or_404(request.user, number)
    body = json.dumps(licence.exported(), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"licence-{licence.number}.json"
    )
    return response


@login_required
@require_GET
def access_log(request):
    """Who used my data (用证记录): every use of the holder's licences, newest first, and
    every refused attempt, marked."""
    paginator = Paginator(selectors.access_log(request.user).select_related("case"), USES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [{"use": use, "type": type_name(use.licence.licence_type)} for use in page]
    context = {
        "holder": selectors.holder_of(request.user),
        "page": page,
        "rows": rows,
        "refused_count": selectors.access_log(request.user).filter(granted=False).count(),
    }
    return render(request, "licences/uses.html", context)
