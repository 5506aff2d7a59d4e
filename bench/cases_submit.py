"""Submitting a "one thing" bundle through HTTP against a one-row insert (issue 5, acceptance 7).

    python bench/cases_submit.py [--scale 1m] [--duration 12] [--rounds 2] [--connections 32]
    DATABASE_URL=postgres://... python bench/cases_submit.py     # on PostgreSQL

Against a dataset of bench/cases_generate.py (1M cases by default), gunicorn as
bench/run.py starts it (2 sync workers, DEBUG off) and wrk at 32 connections, alternately:

  insert   POST /bench/insert   a one-row INSERT in one transaction (bench/urls.py)
  submit   POST /api/cases      出生一件事: a published bundle of 3 items in 3 departments
                                with 5 applicant materials, each referring to one of 5 uploads
                                the bench citizen made beforehand through POST /api/uploads;
                                a bearer token; every request a new idempotency key (made in
                                bench/cases_submit.lua), so every answer should be a 201

  floor    POST /bench/floor    the same rows written by raw SQL in one transaction, with
                                nothing read or checked (bench/urls.py): the fastest a
                                submission could be here, whatever its code
  core     POST /bench/core     the floor without the materials and the notice: a case
                                number, the case, its 3 tasks and a chained audit entry,
                                the least any design of a routed, audited case must write

After every submit run the rows are counted: each case created under the run's keys has
exactly 3 tasks, 5 materials, 1 notification and 1 audit entry, and there are as many cases
as 201 answers (plus at most one request per connection still in flight when wrk stopped).
Then one submission is profiled in-process (Django's test client, same database): queries
per submission and where the time goes.

Writes the `cases-submit` section of bench/RESULTS.md (`cases-submit-postgres` on
PostgreSQL). Exit 1 when the rows do not add up.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import cases_generate as gen  # noqa: E402

LUA = Path(__file__).resolve().parent / "cases_submit.lua"
#: A tiny but real PDF (recognised by its content).
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BENCH_USER = "bench-submitter"
#: The runs of a round, in order.
KINDS = ("insert", "submit", "floor", "core")
REQUESTS = {
    "insert": "POST /bench/insert",
    "submit": "POST /api/cases",
    "floor": "POST /bench/floor",
    "core": "POST /bench/core",
}

#: The parts of a submission timed in-process: (module, attribute, label). Nested in the
#: order given: services.case_submit holds the intake parts below it.
PHASES = [
    ("onevisit.api", "TokenAuth.authenticate", "bearer token (TokenAuth.authenticate)"),
    ("onevisit.cases.selectors", "applicant_of", "applicant of the user (selectors.applicant_of)"),
    ("onevisit.cases.services", "case_submit", "services.case_submit, in all"),
    ("onevisit.cases.services.intake", "_existing", "· idempotency look-up (_existing)"),
    (
        "onevisit.cases.services.intake",
        "intake_plan",
        "· intake plan: items, versions, form, materials (plans.intake_plan, kept 1 s)",
    ),
    ("onevisit.cases.services.intake", "_check_form", "· form check (_check_form)"),
    ("onevisit.cases.services.intake", "_plan_materials", "· uploads checked (_plan_materials)"),
    ("onevisit.cases.services.intake", "route", "· routing (routing.route)"),
    ("onevisit.cases.sequence", "next_serial", "· case number (sequence.next_serial)"),
    (
        "onevisit.cases.services.intake",
        "insert_rows",
        "· case, 3 tasks, 5 materials (hotpath.insert_rows × 3)",
    ),
    ("onevisit.cases.services.intake", "audit_record", "· audit entry (audit_record)"),
    ("onevisit.cases.services.intake", "notify", "· notification (notify)"),
    ("django.db.backends.base.base", "BaseDatabaseWrapper.commit", "· COMMIT"),
    ("onevisit.cases.services.intake", "_create", "· _create, in all"),
]
#: _create's own parts (the rest of it is Python: numbering, building the rows).
CREATE_PARTS = [label for _m, _a, label in PHASES[4:13]]


def prepare(info: dict) -> dict:
    """The bench citizen (an account, the citizen role, an applicant without email or phone,
    so its notice stays in the app) and a bearer token; the bundle and its materials."""
    from onevisit.cases.plans import intake_plan
    from onevisit.cases.routing import route
    from onevisit.cases.services import applicant_register
    from onevisit.catalog.models import Bundle
    from onevisit.catalog.selectors import bundle_items, bundle_materials
    from onevisit.core.models import Role, RoleAssignment, User
    from onevisit.core.services import api_token_issue
    from onevisit.regions.models import Region
    from onevisit.testing.factories import identity_number

    county = Region.objects.get(code="330122")
    user, _ = User.objects.get_or_create(username=BENCH_USER, defaults={"password": gen.UNUSABLE})
    RoleAssignment.objects.get_or_create(user=user, role=Role.CITIZEN, region=county)
    if not hasattr(user, "applicant"):
        applicant_register(
            actor=user,
            kind="person",
            name="压测申请人",
            identifier=identity_number("330122", datetime.date(1990, 5, 1)),
            region=county,
            user=user,
        )
    _token, raw = api_token_issue(actor=None, user=user, name="bench submit")
    bundle = Bundle.objects.get(pk=info["world"]["bundles"][0]["id"])
    items = bundle_items(bundle)
    materials = [m.name for m in bundle_materials(bundle)]
    organizations = {i.organization_id for i in items}
    assert len(items) == 3 and len(materials) == 5, (items, materials)
    plan = intake_plan(bundle=bundle.pk, items=[], day=datetime.date.today())
    routed = route(list(plan.items), county, datetime.date.today())
    world = {
        "applicant": user.applicant.pk,
        "region": county.pk,
        "region_code": county.code,
        "bundle": bundle.pk,
        "user": user.pk,
        "username": user.username,
        "title": bundle.name,
        "tasks": [
            {
                "item": i.pk,
                "org": routed[i.pk].pk,
                "version": plan.versions[i.pk].pk,
                "promised": plan.versions[i.pk].promised_limit or 0,
                "legal": plan.versions[i.pk].legal_limit,
                "result": plan.versions[i.pk].result_name,
            }
            for i in plan.items
        ],
    }
    return {
        "world": world,
        "user": user.pk,
        "token": raw,
        "bundle": bundle.pk,
        "bundle_name": bundle.name,
        "items": len(items),
        "implementing_organizations": len(organizations),
        "materials": materials,
    }


def upload(base: str, token: str, n: int) -> list[int]:
    """`n` uploads through POST /api/uploads, as the bench citizen."""
    import requests

    ids = []
    for i in range(n):
        r = requests.post(
            base + "/api/uploads",
            headers={"Authorization": f"Bearer {token}"},
            files={"file": (f"scan{i}.pdf", PDF, "application/pdf")},
            timeout=30,
        )
        if r.status_code != 201:
            raise SystemExit(f"POST /api/uploads answered {r.status_code}: {r.text[:300]}")
        ids.append(r.json()["id"])
    return ids


def template(setup: dict, uploads: list[int]) -> str:
    body = {
        "idempotency_key": "@KEY@",
        "bundle": setup["bundle"],
        "items": [],
        "form": {},
        "materials": [
            {"name": name, "upload": upload_id}
            for name, upload_id in zip(setup["materials"], uploads, strict=True)
        ],
        "delivery_method": "download",
    }
    return json.dumps(body, ensure_ascii=False)


def floor_template(setup: dict, uploads: list[int]) -> str:
    world = dict(setup["world"])
    world["materials"] = [
        {"name": name, "upload": upload_id}
        for name, upload_id in zip(setup["materials"], uploads, strict=True)
    ]
    return json.dumps({"idempotency_key": "@KEY@", "world": world}, ensure_ascii=False)


def answers(raw: str) -> dict:
    m = re.search(r"ANSWERS 201=(\d+) 200=(\d+) other=(\d+)", raw)
    out = {"201": 0, "200": 0, "other": 0}
    if m:
        out = {"201": int(m.group(1)), "200": int(m.group(2)), "other": int(m.group(3))}
    if e := re.search(r"FIRST_ERROR (.*)", raw):
        out["first_error"] = e.group(1)[:300]
    return out


def verify(user_pk: int, prefix: str, created: int, connections: int) -> dict:
    """Count the rows the run's keys wrote; every case must be whole."""
    from django.db.models import Count

    from onevisit.cases.models import Case, CaseMaterial, Notification, Task
    from onevisit.core.models import AuditEntry

    cases = Case.objects.filter(submitted_by_id=user_pk, idempotency_key__startswith=f"{prefix}-")
    ids = [str(pk) for pk in cases.values_list("pk", flat=True)]
    n = len(ids)
    tasks_per_case = Counter(
        Task.objects.filter(case__in=cases)
        .values("case_id")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    materials_per_case = Counter(
        CaseMaterial.objects.filter(case__in=cases)
        .values("case_id")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    out = {
        "cases": n,
        "answered_201": created,
        "tasks": Task.objects.filter(case__in=cases).count(),
        "tasks_per_case": dict(tasks_per_case),
        "materials_per_case": dict(materials_per_case),
        "notifications": Notification.objects.filter(case__in=cases).count(),
        "audit_entries": sum(
            AuditEntry.objects.filter(
                action="case.submit", object_type="cases.case", object_id__in=ids[i : i + 500]
            ).count()
            for i in range(0, n, 500)
        ),
    }
    problems = []
    if set(tasks_per_case) - {3} or sum(tasks_per_case.values()) != n:
        problems.append(f"cases without exactly 3 tasks: {dict(tasks_per_case)} of {n}")
    if set(materials_per_case) - {5} or sum(materials_per_case.values()) != n:
        problems.append(f"cases without exactly 5 materials: {dict(materials_per_case)}")
    if out["notifications"] != n or out["audit_entries"] != n:
        problems.append("a notification or audit entry per case is missing")
    if not created <= n <= created + connections:
        problems.append(f"{n} cases for {created} answers 201 ({connections} connections)")
    out["problems"] = problems
    return out


def profile(setup: dict, body: str, runs: int = 40) -> dict:
    """Submissions one at a time in-process (Django's test client, same database), each
    part of the request timed by a wrapper: once without and once with query capture
    (which slows the queries down), for the time and the queries of each part. The
    one-row insert endpoint is timed the same way for comparison."""
    import importlib

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {setup['token']}")
    prefix = f"profile-{uuid.uuid4().hex[:8]}"
    #: per request: label -> [ms, queries], summed over the calls of the request
    current: dict[str, list] = {}
    capture: list = [None]

    def wrap(fn, label):
        def timed(*args, **kwargs):
            ctx = capture[0]
            q0 = len(ctx.captured_queries) if ctx else 0
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                acc = current.setdefault(label, [0.0, 0])
                acc[0] += (time.perf_counter() - t) * 1000
                if ctx:
                    acc[1] += len(ctx.captured_queries) - q0

        return timed

    patched = []
    for module_name, attribute, label in PHASES:
        owner = importlib.import_module(module_name)
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part)
        original = owner.__dict__.get(name)  # None: a manager's method, set on the instance
        patched.append((owner, name, original))
        setattr(owner, name, wrap(getattr(owner, name), label))

    def post(key: str) -> None:
        r = client.post("/api/cases", body.replace("@KEY@", key), content_type="application/json")
        if r.status_code != 201:
            raise SystemExit(f"profiled submission answered {r.status_code}: {r.content[:300]}")

    try:
        for n in range(5):  # warm up
            post(f"{prefix}-w{n}")
        totals, spent = [], {label: [] for _m, _a, label in PHASES}
        for n in range(runs):
            current.clear()
            t = time.perf_counter()
            post(f"{prefix}-{n}")
            totals.append((time.perf_counter() - t) * 1000)
            for label, values in spent.items():
                values.append(current.get(label, [0.0])[0])
        timings = {label: statistics.median(v) for label, v in spent.items()}
        current.clear()
        with CaptureQueriesContext(connection) as ctx:
            capture[0] = ctx
            post(f"{prefix}-q")
            capture[0] = None
        counts = {label: current.get(label, [0, 0])[1] for _m, _a, label in PHASES}
        sql = [q["sql"] for q in ctx.captured_queries]
    finally:
        for owner, name, original in reversed(patched):
            if original is None:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
    inserts = []
    for _n in range(runs):
        t = time.perf_counter()
        client.post("/bench/insert", '{"row": 1}', content_type="application/json")
        inserts.append((time.perf_counter() - t) * 1000)
    total = statistics.median(totals)
    service = "services.case_submit, in all"
    rows = [("whole request", total, len(sql))]
    for _m, _a, label in PHASES:
        rows.append((label, timings[label], counts[label]))
    create = "· _create, in all"
    rows.append(
        (
            "· the rest of _create (Python: building the rows, the check code)",
            timings[create] - sum(timings[p] for p in CREATE_PARTS),
            counts[create] - sum(counts[p] for p in CREATE_PARTS),
        )
    )
    outside = [PHASES[0][2], PHASES[1][2], service]
    rows.append(
        (
            "Django, ninja (parsing, response) and the answer's tasks (rest of the request)",
            total - sum(timings[p] for p in outside),
            len(sql) - sum(counts[p] for p in outside),
        )
    )
    return {
        "queries": len(sql),
        "query_kinds": Counter(_kind(q) for q in sql).most_common(),
        "p50_ms": total,
        "insert_p50_ms": statistics.median(inserts),
        "rows": rows,
        "sql": sql,
    }


def _kind(sql: str) -> str:
    s = sql.strip()
    verb = s.split()[0].upper()
    table = ""
    if m := re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', s, re.I):
        table = m.group(1)
    return f"{verb} {table}".strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(gen.SCALES), default="1m")
    parser.add_argument("--duration", type=int, default=12, help="seconds per run")
    parser.add_argument("--rounds", type=int, default=2, help="insert/submit pairs")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--wait-quiet", type=int, default=120, help="max seconds to wait")
    parser.add_argument("--quiet-load", type=float, default=1.5, help="1-min load average")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench-cases does it)")
    gen.setup_django(args.scale)
    info = gen.load_info(args.scale)
    from django.db import connection

    from bench import run
    from bench.cases_http import serve

    setup = prepare(info)
    deadline = time.monotonic() + args.wait_quiet
    while os.getloadavg()[0] > args.quiet_load and time.monotonic() < deadline:
        print(f"load average {os.getloadavg()[0]:.1f}; waiting for < {args.quiet_load}", flush=True)
        time.sleep(10)
    load_before = os.getloadavg()[0]
    run_id = uuid.uuid4().hex[:8]
    runs, checks = [], []
    with serve(workers=args.workers) as base, tempfile.TemporaryDirectory() as tmp:
        uploads = upload(base, setup["token"], 5)
        body = template(setup, uploads)
        submit_body = Path(tmp) / "submit.json"
        submit_body.write_text(body)
        insert_body = Path(tmp) / "insert.json"
        insert_body.write_text('{"row": 1}')
        floor_body = Path(tmp) / "floor.json"
        floor_body.write_text(floor_template(setup, uploads))
        plan = [("warm-up", kind, 2) for kind in KINDS]
        for n in range(1, args.rounds + 1):
            plan += [(f"round {n}", kind, args.duration) for kind in KINDS]
        for label, kind, duration in plan:
            prefix = f"bench-{run_id}-{len(runs)}"
            if kind == "insert":
                wrk_args = ("/bench/insert", "-", insert_body, prefix)
            elif kind in ("floor", "core"):
                wrk_args = (f"/bench/{kind}", "-", floor_body, prefix)
            else:
                wrk_args = ("/api/cases", setup["token"], submit_body, prefix)
            connection.close()
            r = run.wrk(
                base + wrk_args[0], duration=duration, connections=args.connections,
                threads=2, script=LUA, args=wrk_args,
            )  # fmt: skip
            r.update(answers(r.pop("raw")), label=label, kind=kind, duration=duration)
            runs.append(r)
            print(
                f"{label:8} {kind:6} {r.get('rps', 0):8.1f} req/s  p50 {r.get('p50', 0):7.1f} ms"
                f"  p99 {r.get('p99', 0):7.1f} ms  201 {r['201']}  200 {r['200']}"
                f"  other {r['other']} {r.get('first_error', '')}",
                flush=True,
            )
            # Let the requests still in flight when wrk stopped finish before counting.
            time.sleep(1 + r.get("p99", 1000) / 1000)
            if kind == "submit":
                check = verify(setup["user"], prefix, r["201"], args.connections)
                check["label"] = label
                checks.append(check)
                print(f"         rows: {check}", flush=True)
    load_after = os.getloadavg()[0]
    prof = profile(setup, body)
    print(
        f"profile: {prof['queries']} queries, p50 {prof['p50_ms']:.1f} ms in-process "
        f"(one-row insert {prof['insert_p50_ms']:.1f} ms)"
    )
    for label, ms, n in prof["rows"]:
        print(f"  {label:78} {ms:7.2f} ms  {n:3} queries")
    host = run.machine()
    host["load"] = f"{load_before:.2f} before the runs, {load_after:.2f} after"
    ok = not any(c["problems"] for c in checks) and all(
        r["other"] == 0 and r["200"] == 0 for r in runs
    )
    write(args, info, setup, runs, checks, prof, host, ok)
    return 0 if ok else 1


def write(args, info, setup, runs, checks, prof, host, ok: bool) -> None:
    from django.db import connection

    from bench.results import write_section

    measured = [r for r in runs if r["label"] != "warm-up"]
    rows = []
    for r in runs:
        request = REQUESTS[r["kind"]]
        rows.append(
            f"| {r['label']} | `{request}`"
            f" | {r['duration']} | {r.get('rps', 0):,.1f} | {r.get('p50', 0):.1f} "
            f"| {r.get('p99', 0):.1f} | {r['201']} × 201, {r['200']} × 200, {r['other']} other |"
        )
    ratios, floors, cores = [], [], []
    for n in range(1, args.rounds + 1):
        one = {r["kind"]: r.get("rps", 0.0) for r in measured if r["label"] == f"round {n}"}
        ratios.append(one["submit"] / one["insert"] if one.get("insert") else float("nan"))
        floors.append(one["floor"] / one["insert"] if one.get("insert") else float("nan"))
        cores.append(one["core"] / one["insert"] if one.get("insert") else float("nan"))
    mean = {
        kind: statistics.mean(r.get("rps", 0.0) for r in measured if r["kind"] == kind)
        for kind in KINDS
    }
    ratio = mean["submit"] / mean["insert"] if mean["insert"] else float("nan")
    floor = mean["floor"] / mean["insert"] if mean["insert"] else float("nan")
    of_floor = mean["submit"] / mean["floor"] if mean["floor"] else float("nan")
    core = mean["core"] / mean["insert"] if mean["insert"] else float("nan")
    p99 = max(r.get("p99", 0.0) for r in measured if r["kind"] == "submit")
    check_rows = [
        f"| {c['label']} | {c['answered_201']} | {c['cases']} | {c['tasks']} "
        f"| {c['tasks_per_case']} | {c['materials_per_case']} | {c['notifications']} "
        f"| {c['audit_entries']} | {'; '.join(c['problems']) or 'whole'} |"
        for c in checks
    ]
    total = prof["p50_ms"]
    shares = "\n".join(
        f"| {label} | {ms:.2f} | {ms / total:.0%} | {n} |" for label, ms, n in prof["rows"]
    )
    kinds = ", ".join(f"{n} × `{k}`" for k, n in prof["query_kinds"])
    now = datetime.datetime.now().astimezone()
    pg = connection.vendor == "postgresql"
    verdict = "meets" if ratio >= 0.5 else "does NOT meet"
    where = " on PostgreSQL" if pg else ""
    if args.scale != "1m":
        where += f", {info['counts']['cases']:,} cases"
    text = f"""## Submitting a bundle through HTTP{where} (issue 5, acceptance 7)

Measured {now:%Y-%m-%d %H:%M %Z} by `python bench/cases_submit.py`
(`make bench-cases{"-postgres" if pg else ""}`), on the {info["counts"]["cases"]:,}-case dataset of
`bench/cases_generate.py`. {host["cpu"]}, {host["memory"]}, {host["os"]}; Python
{host["python"]}, Django {host["django"]}; {host["database"]}; {host["wrk"]} on the same
machine; 1-min load average {host["load"]}.

gunicorn `onevisit.wsgi:application --workers {args.workers} --worker-class sync`
(bench.settings, DEBUG off); `wrk -t2 -c{args.connections} -d{args.duration}s --latency -s
bench/cases_submit.lua`, insert, submit, floor and core in turn, {args.rounds} rounds after 2 s
of each as a warm-up. A submission: `{setup["bundle_name"]}`, {setup["items"]} items in
{setup["implementing_organizations"]} departments (routed to the applicant's county), 5
materials each referring to an upload the bench citizen made beforehand (`POST
/api/uploads`), download delivery, a new idempotency key per request (Lua), bearer token.

| run | request | s | req/s | p50 ms | p99 ms | answers |
|---|---|---:|---:|---:|---:|---|
{chr(10).join(rows)}

**Submit / insert: {ratio:.2f}** (mean of the rounds; per round:
{", ".join(f"{x:.2f}" for x in ratios)}): {verdict} the target of 0.5. Submit p99 at
{args.connections} connections: **{p99:.0f} ms** (the worst round).

**Floor / insert: {floor:.2f}** (per round: {", ".join(f"{x:.2f}" for x in floors)}): the
same rows written by raw SQL with nothing read or checked (`/bench/floor`) reach this share
of the one-row insert; a real submission runs at **{of_floor:.2f}** of that floor.

**Core / insert: {core:.2f}** (per round: {", ".join(f"{x:.2f}" for x in cores)}): only a
case number, the case, its 3 tasks and its chained audit entry, by raw SQL
(`/bench/core`), the least any design of a routed, audited case writes.

Rows after every submit run (cases under the run's keys; wrk stops with up to one request
per connection in flight, whose case commits without its 201 being counted):

| run | 201s | cases | tasks | tasks/case | materials/case | notices | audit | check |
|---|---:|---:|---:|---|---|---:|---:|---|
{chr(10).join(check_rows)}

Where a submission's time goes, in-process (Django's test client on the same database,
one at a time after a warm-up; each part timed by a wrapper, median of 40 submissions;
queries counted on one more): **{prof["queries"]} queries** per submission ({kinds}), p50
{prof["p50_ms"]:.1f} ms, against {prof["insert_p50_ms"]:.2f} ms for the one-row insert
endpoint timed the same way (in-process ratio
{prof["insert_p50_ms"] / prof["p50_ms"]:.2f}). Indented parts are inside
`services.case_submit`.

| part | ms (p50) | of the request | queries |
|---|---:|---:|---:|
{shares}
"""
    # One section per database and dataset size (the 1M one keeps its old name).
    section = (
        "cases-submit"
        + ("-postgres" if pg else "")
        + ("" if args.scale == "1m" else f"-{args.scale}")
    )
    write_section(section, text)
    print(
        f"submit/insert {ratio:.2f} (rounds {ratios}); floor/insert {floor:.2f} {floors}; "
        f"core/insert {core:.2f} {cores}; "
        f"submit p99 {p99:.0f} ms; "
        f"rows {'whole' if ok else 'NOT whole'}"
    )


if __name__ == "__main__":
    sys.exit(main())
