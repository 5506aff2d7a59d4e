"""The project's URLs plus minimal endpoints, the baselines of the ratios in RESULTS.md.

/bench/ok      a plain view returning "ok" (through the full middleware stack)
/bench/insert  a one-row INSERT in one transaction (raw SQL into bench_row, made by generate.py)
/bench/floor   the rows one bundle submission writes (a case number, the case, its 3 tasks and
               5 materials, a chained audit entry, a notice), in one transaction of raw SQL
               with nothing read, checked or validated: how fast a submission could possibly
               be on this machine and database (bench/cases_submit.py)
/bench/core    the same without the materials and the notice: a case number, the case, its 3
               tasks and the audit entry, the least any design of a routed, audited case writes
"""

import hashlib
import json
import secrets

from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from onevisit.urls import urlpatterns as project_urlpatterns


def ok(request):
    return HttpResponse("ok")


@csrf_exempt
@require_POST
def insert(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_row (created_at, payload) VALUES (%s, %s)",
            [timezone.now(), request.body[:200].decode("utf-8", "replace")],
        )
    return HttpResponse("created", status=201)


_CASE = (
    "INSERT INTO cases_case (number, title, channel, idempotency_key, submission_digest,"
    " submitted_at, intake_date, state, form_data, delivery_method, delivery_address, visits,"
    " check_code_digest, applicant_id, bundle_id, region_id, submitted_by_id)"
    " VALUES (%s, %s, 'online', %s, %s, %s, %s, 'submitted', %s{json}, 'download', '', 0, %s,"
    " %s, %s, %s, %s) RETURNING id"
)
_TASK = (
    "INSERT INTO cases_task (position, state, immediate, promised_limit, legal_limit,"
    " extension_days, extension_reason, decision_reason, legal_basis, result_name, case_id,"
    " item_id, organization_id, version_id)"
    " VALUES (%s, 'submitted', %s, %s, %s, 0, '', '', '', %s, %s, %s, %s, %s)"
)
_MATERIAL = (
    "INSERT INTO cases_casematerial (name, source, required, state, updated_at, case_id,"
    " upload_id, legal_basis) VALUES (%s, 'applicant', %s, 'uploaded', %s, %s, %s, '')"
)
_AUDIT = (
    "INSERT INTO core_auditentry (seq, at, actor_label, action, object_type, object_id,"
    " object_repr, after, legal_basis, request_id, prev_hash, hash, actor_id)"
    " VALUES (%s, %s, %s, 'case.submit', 'cases.case', %s, %s, %s{json}, '', '', %s, %s, %s)"
)
_NOTICE = (
    "INSERT INTO cases_notification (channel, subject, body, created_at, sent_at, error,"
    " applicant_id, case_id) VALUES ('app', %s, %s, %s, %s, '', %s, %s)"
)


@csrf_exempt
@require_POST
def floor(request):
    """Write what a submission writes, from ids given in the body, with raw SQL only."""
    return _write(request, whole=True)


@csrf_exempt
@require_POST
def core(request):
    """The floor without the materials and the notice."""
    return _write(request, whole=False)


def _write(request, *, whole: bool):
    from onevisit.cases.sequence import case_number, next_serial
    from onevisit.core.audit import _HEAD_UPDATE, _content, _lock_head, entry_digest
    from onevisit.core.models import AuditEntry

    body = json.loads(request.body)
    w = body["world"]
    pg = connection.vendor == "postgresql"
    cast = "::jsonb" if pg else ""
    now = timezone.now()
    at = connection.ops.adapt_datetimefield_value(now)
    with transaction.atomic(), connection.cursor() as cursor:
        day = timezone.localdate(now)
        number = case_number(w["region_code"], day, next_serial())
        cursor.execute(
            _CASE.format(json=cast),
            [number, w["title"], body["idempotency_key"], "0" * 64, at, day, "{}",
             hashlib.sha256(secrets.token_bytes(8)).hexdigest(), w["applicant"], w["bundle"],
             w["region"], w["user"]],
        )  # fmt: skip
        case = cursor.fetchone()[0]
        cursor.executemany(
            _TASK,
            [[n, False, t["promised"], t["legal"], t["result"], case, t["item"], t["org"],
              t["version"]] for n, t in enumerate(w["tasks"])],
        )  # fmt: skip
        if whole:
            cursor.executemany(
                _MATERIAL, [[m["name"], True, at, case, m["upload"]] for m in w["materials"]]
            )
        seq, prev = _lock_head()  # the chain head as audit_record reads it
        after = {"tasks": [[t["item"], t["org"]] for t in w["tasks"]]}
        entry = AuditEntry(
            seq=seq + 1, at=now, actor_id=w["user"], actor_label=w["username"],
            action="case.submit", object_type="cases.case", object_id=str(case),
            object_repr=number, after=after, legal_basis="", request_id="", prev_hash=prev,
        )  # fmt: skip
        digest = entry_digest(_content(entry))
        cursor.execute(
            _AUDIT.format(json=cast),
            [seq + 1, at, w["username"], str(case), number, json.dumps(after), prev, digest,
             w["user"]],
        )  # fmt: skip
        cursor.execute(_HEAD_UPDATE, [seq + 1, digest])
        if whole:
            cursor.execute(_NOTICE, [f"Application {number} received", w["title"], at, at,
                                     w["applicant"], case])  # fmt: skip
    return HttpResponse(json.dumps({"number": number}), status=201)


urlpatterns = [
    path("bench/ok", ok),
    path("bench/insert", insert),
    path("bench/floor", floor),
    path("bench/core", core),
    *project_urlpatterns,
]
