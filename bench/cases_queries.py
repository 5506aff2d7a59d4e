"""A department's task list and a citizen's case list at 1M cases and at 10k (issue 5,
acceptance 6): query counts, which must not grow with the data, and latency.

    python bench/cases_queries.py [--runs 300] [--duration 5] [--no-http]
    python bench/cases_queries.py --index "CREATE INDEX ... ON cases_task (...)"  # experiment

Needs the datasets of bench/cases_generate.py. For each size, in its own process (Django's
settings are fixed once per process) and one after the other in this run:

- the selectors, called as a request would call them (a fresh user object each call, as
  authentication loads it): `selectors.task_queue` for each queue of a department (to
  accept, in review, waiting, due soon, overdue, decided, and the second page of in review
  and decided) as the department's reviewer, cycling over all 100 departments, and
  `selectors.my_cases` as a citizen, cycling over a few hundred citizens with cases.
  Queries counted with Django's CaptureQueriesContext on separate calls (counting adds
  overhead), p50/p95 over --runs timed calls after a warm-up;
- over HTTP when wrk is installed: gunicorn (2 sync workers) on each dataset and wrk at 32
  connections for --duration seconds each, the sizes alternating,
  `GET /api/tasks?queue=...&organization=...` with a reviewer's bearer token and
  `GET /api/cases` with a citizen's.

Fails (exit 1) when a list's query count differs between the two sizes. Writes the
`cases-queries` section of bench/RESULTS.md (`cases-queries-postgres` on PostgreSQL) and
the plans of every list to var/bench/cases-queries-plans.json. With --index, an
experiment instead: the 1M dataset is measured without and with the index (created,
measured, dropped again), into the `cases-queries-index[-postgres]` section.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import cases_generate as gen  # noqa: E402

QUEUES = ["to_accept", "in_review", "waiting", "due_soon", "overdue", "decided"]
PAGE_TWO = ["in_review", "decided"]
HTTP_QUEUES = ["to_accept", "in_review", "decided"]
COUNTED = 20
HEADER = (
    "| list | queries 10k | queries 1M | 10k p50 / p95 | 1M p50 / p95 "
    "| SQL 10k p50 / p95 | SQL 1M p50 / p95 | rows 10k / 1M |"
)


def _pct(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def _plan(sql: str, params) -> str:
    """The plan of a query as it ran: with its bound parameters (SQLite plans differ
    with literals, e.g. for partial indexes)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return "\n".join(row[-1] for row in cursor.fetchall())
        cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def measure(scale: str, runs: int, http: bool, index: str | None) -> dict:
    """Everything for one dataset, in this process."""
    gen.setup_django(scale)
    from django.db import connection
    from django.db.models import Min
    from django.test.utils import CaptureQueriesContext

    from onevisit.cases import selectors
    from onevisit.cases.models import Applicant, Case, Task
    from onevisit.core.models import User

    info = gen.load_info(scale)
    world = info["world"]
    if index:
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(index)
            cursor.execute("ANALYZE")
        print(f"{scale}: index created in {time.perf_counter() - t:.1f} s", flush=True)
    orgs = [org for row in world["departments"] for org in row]
    reviewer_of = {int(org): user for org, user in world["reviewers"].items()}
    rng = random.Random(7)
    first = Applicant.objects.aggregate(first=Min("pk"))["first"]
    sample = rng.sample(range(first, first + info["applicants"]), min(2000, info["applicants"]))
    with_cases = set(
        Case.objects.filter(applicant_id__in=sample).values_list("applicant_id", flat=True)
    )
    citizens = list(
        User.objects.filter(applicant__pk__in=[a for a in sample if a in with_cases][:runs])
        .order_by("pk")
        .values_list("pk", flat=True)
    )

    def user(pk: int):
        return User.objects.get(pk=pk)  # as authentication loads it, uncounted

    measures = []
    for queue in QUEUES:
        measures.append((f"task_queue {queue}", queue, None))
    for queue in PAGE_TWO:
        measures.append((f"task_queue {queue}, page 2", queue, "after"))
    measures.append(("my_cases", None, None))

    executed: list[tuple] = []

    def record(execute, sql, params, many, context):
        executed.append((sql, params))
        return execute(sql, params, many, context)

    out: dict = {
        "scale": scale,
        "counts": info["counts"],
        "seconds": info["seconds"],
        "lists": {},
        "plans": {},
    }
    for name, queue, page in measures:
        calls = []
        for n in range(runs + 10):
            if queue is None:
                pk = citizens[n % len(citizens)]
                calls.append((lambda u: selectors.my_cases(user=u), pk))
                continue
            org = orgs[n % len(orgs)]
            after = None
            if page:
                first_page = selectors.task_queue(
                    user=user(reviewer_of[org]), organization_id=org, queue=queue
                )
                # The last task of page 1 (or the department's newest task when page 1 is
                # empty), so that page 2 runs the same queries at both sizes.
                after = (
                    first_page[-1].pk
                    if first_page
                    else Task.objects.filter(organization_id=org).order_by("-id")[0].pk
                )
            calls.append(
                (
                    lambda u, org=org, queue=queue, after=after: selectors.task_queue(
                        user=u, organization_id=org, queue=queue, after=after
                    ),
                    reviewer_of[org],
                )
            )
        counts, rows, times, statements = [], [], [], []
        for fn, pk in calls[:COUNTED]:
            u = user(pk)
            executed.clear()
            with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(record):
                fn(u)
            counts.append(len(ctx))
            statements.append(list(executed))
        main_sql, main_params = max(executed, key=lambda q: len(q[0]))
        # The database's share: the same statements again, straight on the cursor.
        sql_times = []
        with connection.cursor() as cursor:
            for _round in range(5):
                for batch in statements:
                    t = time.perf_counter()
                    for sql, params in batch:
                        cursor.execute(sql, params)
                        cursor.fetchall()
                    sql_times.append((time.perf_counter() - t) * 1000)
        for n, (fn, pk) in enumerate(calls):
            u = user(pk)
            t = time.perf_counter()
            result = fn(u)
            elapsed = (time.perf_counter() - t) * 1000
            if n >= 10:  # the first ten warm up
                times.append(elapsed)
                rows.append(len(result))
        out["lists"][name] = {
            "queries": sorted(set(counts)),
            "p50": statistics.median(times),
            "p95": _pct(times, 95),
            "max": max(times),
            "rows": statistics.mean(rows),
            "runs": len(times),
            "sql_p50": statistics.median(sql_times),
            "sql_p95": _pct(sql_times, 95),
        }
        out["plans"][name] = _plan(main_sql, main_params)
        r = out["lists"][name]
        print(
            f"{scale:>4} {name:30} queries {r['queries']}  p50 {r['p50']:6.2f} ms  "
            f"p95 {r['p95']:6.2f} ms  (SQL p50 {r['sql_p50']:5.2f} p95 {r['sql_p95']:5.2f})"
            f"  rows {r['rows']:5.1f}",
            flush=True,
        )
    if http:
        out["http_targets"] = http_targets(citizens, orgs, reviewer_of)
    if index:
        name = index.split(" ON ")[0].split()[-1]
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX {name}")
    return out


def http_targets(citizens, orgs, reviewer_of) -> list[tuple[str, str, str]]:
    """(label, path, bearer token) of the lists measured over HTTP: one department's
    queues as its reviewer, and one citizen's cases."""
    from onevisit.cases.models import Case
    from onevisit.core.models import User
    from onevisit.core.services import api_token_issue

    org = orgs[0]
    _t, reviewer = api_token_issue(
        actor=None, user=User.objects.get(pk=reviewer_of[org]), name="bench lists"
    )
    # A citizen with five cases at either size (the mean), so both answers are alike.
    chosen = next(
        (pk for pk in citizens if Case.objects.filter(applicant__user_id=pk).count() == 5),
        citizens[0],
    )
    _t, citizen = api_token_issue(actor=None, user=User.objects.get(pk=chosen), name="bench lists")
    return [
        (f"GET /api/tasks?queue={q}", f"/api/tasks?queue={q}&organization={org}", reviewer)
        for q in HTTP_QUEUES
    ] + [("GET /api/cases", "/api/cases", citizen)]


def measure_http(targets: dict, duration: int) -> dict:
    """Both datasets served at once (a gunicorn each), the sizes alternating request by
    request kind, so that other load on the machine hits both alike."""
    from bench import run
    from bench.cases_http import GET_SCRIPT, serve

    results: dict = {"10k": {}, "1m": {}}
    with (
        serve(workers=2, database_url=gen.database_url("10k"), log_name="gunicorn-10k.log") as a,
        serve(workers=2, database_url=gen.database_url("1m"), log_name="gunicorn-1m.log") as b,
    ):
        bases = {"10k": a, "1m": b}
        for n, (label, _path, _token) in enumerate(targets["1m"]):
            for scale in ("10k", "1m"):
                _label, path, token = targets[scale][n]
                url = bases[scale] + path
                run.wrk(url, duration=1, connections=32, threads=2, script=GET_SCRIPT,
                        args=(token,))  # fmt: skip
                r = run.wrk(url, duration=duration, connections=32, threads=2,
                            script=GET_SCRIPT, args=(token,))  # fmt: skip
                r.pop("raw")
                results[scale][label] = r
                print(
                    f"{scale:>4} {label:34} {r.get('rps', 0):7.1f} req/s  "
                    f"p50 {r.get('p50', 0):6.1f} ms  p99 {r.get('p99', 0):6.1f} ms  "
                    f"non-2xx {r['non2xx']}",
                    flush=True,
                )
    return results


def write(results: dict, args, host: dict, vendor: str) -> bool:
    from bench.results import write_section

    small, big = results["10k"], results["1m"]
    same = True
    rows = []
    for name, b in big["lists"].items():
        s = small["lists"][name]
        ok = s["queries"] == b["queries"] and len(b["queries"]) == 1
        same &= ok
        rows.append(
            f"| `{name}` | {'/'.join(map(str, s['queries']))} | {'/'.join(map(str, b['queries']))}"
            f" | {s['p50']:.1f} / {s['p95']:.1f} | {b['p50']:.1f} / {b['p95']:.1f}"
            f" | {s['sql_p50']:.2f} / {s['sql_p95']:.2f} | {b['sql_p50']:.2f} / {b['sql_p95']:.2f}"
            f" | {s['rows']:.0f} / {b['rows']:.0f} |"
        )
    http_rows = []
    for label, b in big.get("http", {}).items():
        s = small["http"][label]
        http_rows.append(
            f"| `{label}` | {s.get('rps', 0):,.0f} | {b.get('rps', 0):,.0f} "
            f"| {s.get('p50', 0):.1f} / {s.get('p99', 0):.1f} "
            f"| {b.get('p50', 0):.1f} / {b.get('p99', 0):.1f} | {s['non2xx']} / {b['non2xx']} |"
        )
    now = datetime.datetime.now().astimezone()
    c = big["counts"]
    slowest = max(big["lists"].items(), key=lambda kv: kv[1]["sql_p95"])
    pg = vendor == "postgresql"
    where = " on PostgreSQL" if pg else ""
    text = f"""## The service desk's lists at 1M cases{where} (issue 5, acceptance 6)

Measured {now:%Y-%m-%d %H:%M %Z} by `python bench/cases_queries.py`
(`make bench-cases{"-postgres" if pg else ""}`), the two sizes one after the other in one
run, each in its own process on the same machine: {host["cpu"]}, {host["memory"]};
{host["database"]}; 1-min load average {host["load"]} (other work was running: latencies
are inflated by it, query counts are not). Datasets by `bench/cases_generate.py` (a bulk
generator, not intake; see its docstring): **{c["cases"]:,} cases** with {c["tasks"]:,} tasks
of {c["applicants"]:,} applicants over two years in 100 departments of 10 counties (about
{c["tasks"] // 100:,} tasks per department), against {small["counts"]["cases"]:,} cases
({small["counts"]["tasks"]:,} tasks, {small["counts"]["applicants"]:,} applicants) in the
same world. Generating the 1M dataset took {big["seconds"]["total"]:.0f} s (of it
{big["seconds"]["bulk"]:.0f} s for the bulk inserts, the rest the world through the services,
migrations and checks).

Selectors called in-process as a request calls them (a fresh user object per call), cycling
over all 100 departments (as each one's reviewer) and over a few hundred citizens with
cases; queries counted with `CaptureQueriesContext` over {COUNTED} calls; latency (ms) over
{big["lists"]["my_cases"]["runs"]} calls after a warm-up; SQL: the same calls' statements
run again straight on the cursor (the database's share of the latency). Rows: the mean rows
returned (a page is 50; at 10k most departments' lists are nearly empty, so compare the
SQL columns, and `decided`, full at both sizes).

{HEADER}
|---|---:|---:|---:|---:|---:|---:|---:|
{chr(10).join(rows)}

Query counts equal at both sizes: **{"yes" if same else "NO"}**. Slowest statement at 1M:
`{slowest[0]}`, SQL p95 {slowest[1]["sql_p95"]:.2f} ms. {_growth(small, big)} Plans of every
list at both sizes: `{os.path.relpath(gen.BENCH_DIR, gen.ROOT)}/cases-queries-plans.json`.
"""
    if http_rows:
        text += f"""
Over HTTP: gunicorn with 2 sync workers per dataset (both served at once, the sizes
alternating), `wrk -t2 -c32 -d{args.duration}s` after a 1 s warm-up, as one department's
reviewer (bearer token) and as one citizen.

| request | 10k req/s | 1M req/s | 10k p50 / p99 ms | 1M p50 / p99 ms | non-2xx 10k / 1M |
|---|---:|---:|---:|---:|---:|
{chr(10).join(http_rows)}
"""
    write_section("cases-queries-postgres" if pg else "cases-queries", text)
    return same


def _growth(small: dict, big: dict) -> str:
    """The lists whose statements got much slower with the data (over 5 ms and 3× the
    10k figure; at 10k most lists are short, so a few ms more at 1M is the longer page),
    with how the task table is read."""
    grown = []
    for name, b in big["lists"].items():
        s = small["lists"][name]
        if b["sql_p50"] > 5 and b["sql_p50"] > 3 * s["sql_p50"]:
            access = "; ".join(
                line.strip(" ->")
                for line in big["plans"][name].splitlines()
                if "cases_task " in line + " " and ("SEARCH" in line or "Scan" in line)
            )
            grown.append(
                f"`{name}` (SQL p50 {s['sql_p50']:.2f} → {b['sql_p50']:.2f} ms; at 1M: {access})"
            )
    if not grown:
        return "No list's statements grew with the data (beyond 5 ms and 3× the 10k SQL p50)."
    return "Statements that grew with the data: " + ", ".join(grown) + "."


def write_experiment(results: dict, args, host: dict, vendor: str) -> None:
    from bench.results import write_section

    before, after = results["1m"], results["1m+index"]
    rows = []
    for name, b in before["lists"].items():
        a = after["lists"][name]
        rows.append(
            f"| `{name}` | {b['sql_p50']:.2f} / {b['sql_p95']:.2f} "
            f"| {a['sql_p50']:.2f} / {a['sql_p95']:.2f} | {b['p50']:.1f} / {b['p95']:.1f} "
            f"| {a['p50']:.1f} / {a['p95']:.1f} |"
        )
    plans = "\n".join(
        f"- `{name}`: {after['plans'][name].splitlines()[0] if vendor != 'sqlite' else ''}"
        + "; ".join(line for line in after["plans"][name].splitlines() if "cases_task" in line)
        for name in before["lists"]
        if name.startswith("task_queue")
    )
    now = datetime.datetime.now().astimezone()
    pg = vendor == "postgresql"
    write_section(
        "cases-queries-index-postgres" if pg else "cases-queries-index",
        f"""## Experiment: an extra index at 1M cases{" on PostgreSQL" if pg else ""}

Measured {now:%Y-%m-%d %H:%M %Z} by `python bench/cases_queries.py --index ...`: the 1M
dataset without and then with (created, `ANALYZE`d, measured, dropped again; not in the
migrations):

    {args.index}

{host["database"]}; 1-min load average {host["load"]}. ms, p50 / p95, as above.

| list | SQL without | SQL with | selector without | selector with |
|---|---:|---:|---:|---:|
{chr(10).join(rows)}

Plans with the index (the task table's access):
{plans}
""",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk scenario")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--index", help="an experimental CREATE INDEX for the 1M dataset")
    parser.add_argument("--wait-quiet", type=int, default=120, help="max seconds to wait")
    parser.add_argument("--quiet-load", type=float, default=1.5, help="1-min load average")
    parser.add_argument("--measure", choices=sorted(gen.SCALES), help=argparse.SUPPRESS)
    parser.add_argument("--with-index", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        index = args.index if args.with_index else None
        http = not args.no_http and not args.index and shutil.which("wrk") is not None
        result = measure(args.measure, args.runs, http, index)
        args.out.write_text(json.dumps(result, default=str))
        return 0
    deadline = time.monotonic() + args.wait_quiet
    while os.getloadavg()[0] > args.quiet_load and time.monotonic() < deadline:
        print(f"load average {os.getloadavg()[0]:.1f}; waiting for < {args.quiet_load}", flush=True)
        time.sleep(10)
    load_before = os.getloadavg()[0]
    runs = [("10k", "10k", False), ("1m", "1m", False)]
    if args.index:
        runs = [("1m", "1m", False), ("1m+index", "1m", True)]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for key, scale, with_index in runs:
            out = Path(tmp) / f"{key}.json"
            command = [sys.executable, __file__, "--measure", scale, "--out", str(out)]
            command += ["--runs", str(args.runs), "--duration", str(args.duration)]
            command += ["--no-http"] if args.no_http else []
            command += ["--index", args.index] if args.index else []
            command += ["--with-index"] if with_index else []
            subprocess.run(command, check=True)
            results[key] = json.loads(out.read_text())
    gen.setup_django("1m")
    from django.db import connection

    from bench import run

    if all("http_targets" in r for r in results.values()) and not args.index:
        http = measure_http({k: r["http_targets"] for k, r in results.items()}, args.duration)
        for scale, r in http.items():
            results[scale]["http"] = r

    host = run.machine() if shutil.which("wrk") else {"cpu": "?", "memory": "?", "database": "?"}
    host["load"] = f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    vendor = connection.vendor
    plans = {key: r["plans"] for key, r in results.items()}
    (gen.BENCH_DIR / "cases-queries-plans.json").write_text(
        json.dumps(plans, indent=1, ensure_ascii=False)
    )
    if args.index:
        write_experiment(results, args, host, vendor)
        return 0
    same = write(results, args, host, vendor)
    for name, r in results["1m"]["lists"].items():
        small = results["10k"]["lists"][name]
        if r["sql_p50"] > 5 or r["sql_p50"] > 10 * small["sql_p50"] + 1:
            print(f"--- slow at 1M: {name} (SQL p95 {r['sql_p95']:.2f} ms)")
            print(results["1m"]["plans"][name])
    print("query counts equal at both sizes:", "yes" if same else "NO")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
