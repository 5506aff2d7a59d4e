"""What the service-desk pages share: answering htmx and plain requests alike, uploads
from form files, the check code shown once, and the labels of the case's form. Reads go
through `selectors`."""

from __future__ import annotations

import hashlib

from django.shortcuts import redirect
from django.utils import translation
from django_htmx.http import HttpResponseClientRedirect

from onevisit.core.errors import DomainError
from onevisit.core.scoping import assignments_of

from .. import selectors, services
from ..models import Upload

#: The session key under which a new case's check code waits to be shown once.
CHECK_CODES = "cases_check_codes"


def redirect_to(request, url: str):
    """A redirect that htmx follows as a full page load."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def language() -> str:
    return translation.get_language() or "en"


def page_status(exc: DomainError) -> int:
    """The status of a page refusing a form: a 403 on something the user may see is a
    refusal to show next to the form (400); the rest keep their status."""
    return 400 if exc.status == 403 else exc.status


# --- the check code, shown once ----------------------------------------------------------
def remember_check_code(request, number: str, code: str) -> None:
    if code:
        codes = dict(request.session.get(CHECK_CODES) or {})
        codes[number] = code
        request.session[CHECK_CODES] = codes


def pop_check_code(request, number: str) -> str:
    codes = dict(request.session.get(CHECK_CODES) or {})
    code = codes.pop(number, "")
    if code:
        request.session[CHECK_CODES] = codes
    return code


# --- uploads -----------------------------------------------------------------------------
def store_upload(user, file) -> Upload:
    """Store an uploaded file through `services.upload_create`. The same file sent again by
    the same user (a double click, a retry) is the upload already stored, so that a
    resubmitted form carries the same submission."""
    content = file.read()
    name = (file.name or "file").rsplit("/", 1)[-1][:150]
    digest = hashlib.sha256(content).hexdigest()
    same = selectors.upload_same(user=user, sha256=digest, name=name)
    if same is not None:
        return same
    return services.upload_create(actor=user, name=name, content=content)


# --- the case's form -------------------------------------------------------------------------
def form_answers(case, versions) -> list[tuple[str, object]]:
    """The answers of the case's form, labelled in the page's language by the versions'
    form fields (the first label found for a key)."""
    zh = language().startswith("zh")
    labels: dict[str, str] = {}
    for version in versions:
        for spec in version.form_fields or []:
            key = spec.get("key")
            if key and key not in labels:
                labels[key] = (spec.get("label_zh") if zh else spec.get("label_en")) or (
                    spec.get("label_en") or spec.get("label_zh") or key
                )
    return [(labels.get(k, k), v) for k, v in case.form_data.items() if not k.startswith("_")]


def home_region_code(user) -> str:
    """The region of the user's first role that has one (the page's default region)."""
    for a in assignments_of(user):
        if a.region_id:
            return a.region.code
    return ""
