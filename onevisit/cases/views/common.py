"""What the service-desk pages share: answering htmx and plain requests alike, uploads
from form files, the check code shown once, and the reads the pages need beyond the
selectors (always starting from what the selectors let the user see)."""

from __future__ import annotations

import hashlib

from django.shortcuts import redirect
from django.utils import translation
from django_htmx.http import HttpResponseClientRedirect

from onevisit.core.errors import DomainError
from onevisit.core.models import Role
from onevisit.core.scoping import assignments_of

from .. import services
from ..choices import MaterialState, TaskState
from ..models import CaseMaterial, Record, SupplementNotice, Upload
from ..services.intake import record_matches

#: The session key under which a new case's check code waits to be shown once.
CHECK_CODES = "cases_check_codes"
#: Roles that read the visit rates.
READS_RATES = {
    Role.WINDOW_CLERK,
    Role.DEPARTMENT_REVIEWER,
    Role.DEPARTMENT_HEAD,
    Role.ESTABLISHMENT_OFFICER,
    Role.SUPERVISOR,
    Role.SYSTEM_ADMINISTRATOR,
}


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
    same = (
        Upload.objects.filter(uploaded_by=user, sha256=digest, original_name=name)
        .order_by("-pk")
        .first()
    )
    if same is not None:
        return same
    return services.upload_create(actor=user, name=name, content=content)


def own_uploads(user, ids) -> dict[int, Upload]:
    """The user's own uploads among `ids` (form fields carry them between attempts)."""
    wanted = set()
    for value in ids:
        try:
            wanted.add(int(value))
        except (TypeError, ValueError):
            continue
    if not wanted:
        return {}
    return {u.pk: u for u in Upload.objects.filter(pk__in=wanted, uploaded_by=user)}


# --- records, what is missing ---------------------------------------------------------------
def matching_records(applicant, materials) -> dict[int, list[Record]]:
    """{material index: the applicant's records that can stand for it}."""
    if applicant is None:
        return {}
    wanted = [
        (n, m)
        for n, m in enumerate(materials)
        if any(x.source in ("issued_by_item", "electronic_licence") for x in m.materials)
    ]
    if not wanted:
        return {}
    records = list(Record.objects.filter(applicant=applicant).select_related("issued_by"))
    found = {}
    for n, m in wanted:
        matches = [r for r in records if record_matches(r, m)]
        if matches:
            found[n] = matches
    return found


def missing_by_task(tasks) -> dict[int, list[dict]]:
    """{task id: the rows of its open notice} for the tasks waiting for a supplement."""
    waiting = [t.pk for t in tasks if t.state == TaskState.SUPPLEMENT]
    if not waiting:
        return {}
    found: dict[int, list[dict]] = {}
    notices = SupplementNotice.objects.filter(task_id__in=waiting, answered_at__isnull=True)
    for notice in notices.order_by("task_id", "number"):
        found[notice.task_id] = list(notice.missing)
    return found


def promised_materials(case_ids) -> dict[int, list[CaseMaterial]]:
    """{case id: materials promised for later (容缺) or missing}."""
    if not case_ids:
        return {}
    found: dict[int, list[CaseMaterial]] = {}
    rows = CaseMaterial.objects.filter(
        case_id__in=list(case_ids), state__in=[MaterialState.SHORTFALL, MaterialState.MISSING]
    )
    for m in rows.order_by("case_id", "id"):
        found.setdefault(m.case_id, []).append(m)
    return found


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


def may_read_rates(user) -> bool:
    return bool(user.is_superuser) or any(a.role in READS_RATES for a in assignments_of(user))


def home_region_code(user) -> str:
    for a in assignments_of(user):
        if a.region_id:
            return a.region.code
    return ""
