"""Public verification (证照核验), no login: an exported licence pasted or uploaded, or the
QR link of a printed licence, answered with the verdict (genuine, revoked, expired or
tampered) and the public summary: nothing personal beyond the holder's name and masked
identity number. And the published key set, to verify offline."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from onevisit.core.errors import ValidationFailed

from .. import selectors, services
from ..choices import Verdict
from ..forms import VerifyForm
from ..models import LicenceType
from ..signing import FORMAT, Verification
from .common import language


def _explanation(summary: dict) -> str:
    verdict = summary["verdict"]
    if verdict == Verdict.GENUINE:
        return _("The signature matches the content and the licence is in force.")
    if verdict == Verdict.REVOKED:
        return _("The signature matches, but the issuer has revoked this licence.")
    if verdict == Verdict.EXPIRED:
        return _("The signature matches, but the licence expired: it was valid until %(day)s.") % {
            "day": summary.get("valid_until") or "—"
        }
    return _(
        "The content does not match its signature, or this platform did not issue it. "
        "Do not rely on it."
    )


def _verdict_context(verification: Verification) -> dict:
    summary = selectors.public_summary(verification)
    type_name = summary.get("type")
    code = ((verification.payload or {}).get("type") or {}).get("code")
    if code and not language().startswith("zh"):
        english = LicenceType.objects.filter(code=str(code)).values_list("name_en", flat=True)
        type_name = english.first() or type_name
    return {
        "summary": summary,
        "verdict_label": Verdict(summary["verdict"]).label,
        "explanation": _explanation(summary),
        "type_name": type_name,
        "official_name": summary.get("type") if type_name != summary.get("type") else "",
    }


def _page(request, form, *, verification=None, status=200):
    context = {"form": form}
    if verification is not None:
        context.update(_verdict_context(verification))
    return render(request, "licences/verify.html", context, status=status)


@require_http_methods(["GET", "POST"])
def verify(request):
    """Paste or upload an exported licence: the verdict in large, clear text."""
    if request.method == "GET":
        return _page(request, VerifyForm())
    form = VerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        document = services.licence_document(form.document_bytes())
        if document.get("format") != FORMAT:
            raise ValidationFailed(_("This is not an exported licence."), code="not_licence")
    except ValidationFailed as exc:
        form.add_error(None, exc.message)
        return _page(request, form, status=400)
    return _page(request, VerifyForm(), verification=selectors.verify(document))


@require_GET
def verify_link(request, number: str, tag: str):
    """What the QR code of a printed licence opens: the stored licence, verified. A number
    that does not exist or a tag that does not fit its signature says tampered (404)."""
    licence, verification = selectors.verify_link(number, tag)
    return _page(request, None, verification=verification, status=404 if licence is None else 200)


@require_GET
def keys(request):
    """The published key set (JWK Set) with the revocation list."""
    response = JsonResponse(selectors.keyset(), json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=60"
    return response
