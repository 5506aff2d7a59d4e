"""Measure the registry under load, as ratios to a minimal Django endpoint in the same run.

    python bench/run.py [--duration 12] [--connections 32] [--workers 2]

Starts gunicorn (sync workers, DEBUG off, bench.settings) on a free port of 127.0.0.1
against the dataset of bench/generate.py, then drives it with wrk, one scenario at a time:

  minimal      GET  /bench/ok                  a plain view (the baseline)
  insert       POST /bench/insert              a one-row INSERT in one transaction
  tree         GET  /orgs/?region=<county>     the organization tree of a county (anonymous)
  charter      GET  /orgs/<pk>/                one organization's charter sheet (anonymous)
  appointment  POST /api/appointments          bearer token; each request a new, valid person
                                               into an organization with a vacancy (201 expected)

All traffic goes to 127.0.0.1 and each scenario stops after --duration seconds. Writes
bench/RESULTS.md, and re-checks the registry's balances after the appointments.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from bench import generate  # noqa: E402
from bench.results import write_section  # noqa: E402
from onevisit.orgs.models import Person, QuotaBalance  # noqa: E402

DATASET = settings.BENCH_DIR / "dataset.json"
RESULTS = BENCH / "RESULTS.md"  # sections: bench/results.py

POST_SCRIPT = r"""
-- wrk script: POST one pre-built body after another; count the answers by status.
local counter = 1
local threads = {}

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  -- args: bodies file, thread count, path, bearer token (may be "-")
  local n = tonumber(args[2])
  bodies = {}
  local i = 0
  for line in io.lines(args[1]) do
    if i % n == id - 1 then table.insert(bodies, line) end
    i = i + 1
  end
  path = args[3]
  headers = {["Content-Type"] = "application/json"}
  if args[4] ~= "-" then headers["Authorization"] = "Bearer " .. args[4] end
  idx = 0
  c2xx, c409, cother, exhausted = 0, 0, 0, 0
end

function request()
  idx = idx + 1
  if idx > #bodies then exhausted = exhausted + 1 end
  return wrk.format("POST", path, headers, bodies[((idx - 1) % #bodies) + 1])
end

function response(status, headers, body)
  if status >= 200 and status < 300 then c2xx = c2xx + 1
  elseif status == 409 then c409 = c409 + 1
  else cother = cother + 1 end
end

function done(summary, latency, requests)
  local a, b, c, e = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("c2xx"); b = b + t:get("c409"); c = c + t:get("cother")
    e = e + t:get("exhausted")
  end
  io.write(string.format("STATUS 2xx=%d 409=%d other=%d reused=%d\n", a, b, c, e))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(base: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited during start; see var/bench/gunicorn.log")
        try:
            with urllib.request.urlopen(base + "/bench/ok", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within a minute")


_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip())
    return float(m.group(1)) * _UNIT[m.group(2)] if m else float("nan")


def wrk(url: str, *, duration: int, connections: int, threads: int, script=None, args=()):
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    cmd += [url]
    if args:
        cmd += ["--", *map(str, args)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60).stdout
    result = {"raw": out}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        result["rps"] = float(m.group(1))
    if m := re.search(r"(\d+) requests in ([\d.]+\w+)", out):
        result["requests"] = int(m.group(1))
    for pct in ("50", "99"):
        if m := re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M):
            result[f"p{pct}"] = _ms(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: (.*)", out)
    result["socket_errors"] = m.group(1).strip() if m else ""
    if m := re.search(r"STATUS 2xx=(\d+) 409=(\d+) other=(\d+) reused=(\d+)", out):
        result.update(
            ok=int(m.group(1)),
            conflict=int(m.group(2)),
            other=int(m.group(3)),
            reused=int(m.group(4)),
        )
    return result


def appointment_bodies(info: dict, count: int) -> list[str]:
    """`count` requests, each a new valid person into an administrative vacancy."""
    existing = set(Person.objects.values_list("identity_number", flat=True))
    slots = []
    balances = QuotaBalance.objects.filter(
        category="administrative", funding_type="", approved__gt=F("actual")
    ).order_by("organization_id")
    vacancies = {b.organization_id: b.approved - b.actual for b in balances}
    # Round-robin over organizations so that concurrent requests rarely queue on one row.
    while len(slots) < count and vacancies:
        for org_id in list(vacancies):
            slots.append(org_id)
            vacancies[org_id] -= 1
            if not vacancies[org_id]:
                del vacancies[org_id]
            if len(slots) >= count:
                break
    places = {int(y): codes for y, codes in info["birth_places"].items()}
    start = datetime.date.fromisoformat(info["birth_start"])
    days, seq = info["birth_days"], info["bench_seq_start"]
    bodies, index = [], 0
    for org_id in slots:
        while True:
            birth = start + datetime.timedelta(days=index % days)
            codes = places[birth.year]
            body17 = f"{codes[index % len(codes)]}{birth:%Y%m%d}{seq + index // days:03d}"
            number = body17 + ric.calc_check_digit(body17 + "0")
            index += 1
            if number not in existing:
                break
        bodies.append(
            json.dumps(
                {
                    "organization_id": org_id,
                    "identity_number": number,
                    "name": f"压测人员{index}",
                    "category": "administrative",
                    "document_number": "压测〔2024〕1号",
                },
                ensure_ascii=False,
            )
        )
    return bodies


def _postgres_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
        cursor.execute("SHOW fsync")
        fsync = cursor.fetchone()[0]
    note = " (fsync=off: a throwaway server, commits are cheaper than in production)"
    return f"PostgreSQL {version}" + (note if fsync == "off" else "")


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()
    return {
        "cpu": f"{os.cpu_count()} cores, {cpu}",
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": (
            f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=NORMAL)"
            if connection.vendor == "sqlite"
            else _postgres_version()
        ),
        "wrk": " ".join(wrk_version[:2]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=12, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--wait-quiet", type=int, default=120, help="max seconds to wait")
    parser.add_argument("--quiet-load", type=float, default=1.0, help="1-min load average")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench does it)")
    if not DATASET.exists():
        raise SystemExit("no dataset: run bench/generate.py first (make bench does it)")
    info = json.loads(DATASET.read_text())
    # Other work on the machine skews every figure: wait (boundedly) for a quieter moment.
    deadline = time.monotonic() + args.wait_quiet
    while os.getloadavg()[0] > args.quiet_load and time.monotonic() < deadline:
        print(f"load average {os.getloadavg()[0]:.1f}; waiting for < {args.quiet_load}", flush=True)
        time.sleep(10)
    load_before = os.getloadavg()[0]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    threads = 2
    log_path = settings.BENCH_DIR / "gunicorn.log"
    gunicorn = [
        sys.executable, "-m", "gunicorn", "onevisit.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
        "--worker-class", "sync", "--chdir", str(ROOT),
        "--error-logfile", str(log_path), "--log-level", "warning",
    ]  # fmt: skip
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    print("$ " + " ".join(gunicorn[2:]), flush=True)
    bodies = appointment_bodies(info, 40_000)
    connection.close()
    proc = subprocess.Popen(gunicorn, env=env, cwd=ROOT)
    results: dict[str, dict] = {}
    try:
        wait_ready(base, proc)
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "post.lua"
            script.write_text(POST_SCRIPT)
            insert_bodies = Path(tmp) / "insert.txt"
            insert_bodies.write_text('{"row": 1}\n')
            appt_bodies = Path(tmp) / "appointments.txt"
            appt_bodies.write_text("\n".join(bodies) + "\n")
            tree = f"/orgs/?region={info['county']}"
            charter = f"/orgs/{info['organization_id']}/"
            for path in (tree, charter):
                with urllib.request.urlopen(base + path, timeout=30) as r:
                    if r.status != 200:
                        raise SystemExit(f"GET {path} answered {r.status}")
            scenarios = [
                ("minimal", "GET /bench/ok", base + "/bench/ok", None, ()),
                ("insert", "POST /bench/insert", base + "/bench/insert", script,
                 (insert_bodies, threads, "/bench/insert", "-")),
                ("tree", f"GET {tree}", base + tree, None, ()),
                ("charter", f"GET {charter}", base + charter, None, ()),
                ("appointment", "POST /api/appointments", base + "/api/appointments", script,
                 (appt_bodies, threads, "/api/appointments", info["token"])),
            ]  # fmt: skip
            for name, label, url, lua, wrk_args in scenarios:
                if name in {"minimal", "tree", "charter"}:  # warm the workers up
                    wrk(url, duration=2, connections=args.connections, threads=threads)
                r = wrk(
                    url, duration=args.duration, connections=args.connections,
                    threads=threads, script=lua, args=wrk_args,
                )  # fmt: skip
                r["label"] = label
                results[name] = r
                print(
                    f"{name:12} {r.get('rps', 0):9.1f} req/s  p50 {r.get('p50', 0):7.2f} ms  "
                    f"p99 {r.get('p99', 0):7.2f} ms  non-2xx {r['non2xx']}"
                    + (f"  409 {r.get('conflict')}  other {r.get('other')}" if lua else ""),
                    flush=True,
                )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    counts = generate.check(time.monotonic())
    host = machine()
    host["load"] = f"{load_before:.2f} before the run, {os.getloadavg()[0]:.2f} after"
    write_results(args, info, results, counts, host)
    print(f"wrote {args.output}")
    return 0


def write_results(args, info: dict, results: dict, counts: dict, host: dict) -> None:
    base = results["minimal"].get("rps") or float("nan")
    insert = results["insert"].get("rps") or float("nan")
    rows = []
    for name, r in results.items():
        rps = r.get("rps", 0.0)
        extra = ""
        if "ok" in r:
            extra = f"{r['ok']} × 2xx, {r['conflict']} × 409, {r['other']} other"
        elif r["non2xx"]:
            extra = f"{r['non2xx']} non-2xx"
        if r["socket_errors"]:
            extra += f"; socket errors: {r['socket_errors']}"
        rows.append(
            f"| {name} | `{r['label']}` | {rps:,.0f} | {rps / base:.2f} | {r.get('p50', 0):.1f} "
            f"| {r.get('p99', 0):.1f} | {extra} |"
        )
    appt = results["appointment"].get("rps", 0.0)
    now = datetime.datetime.now().astimezone()
    text = f"""# Benchmark results

Measured {now:%Y-%m-%d %H:%M %Z} by `make bench` (`bench/generate.py`, then `bench/run.py`).
Figures as measured in one run; ratios are to the minimal endpoint of the same run.

## Machine
| | |
|---|---|
| CPU | {host["cpu"]} |
| memory | {host["memory"]} |
| OS | {host["os"]} |
| Python / Django | {host["python"]} / {host["django"]} |
| database | {host["database"]} |
| load generator | {host["wrk"]}, on the same machine |
| 1-min load average | {host["load"]} |

## Dataset (`bench/generate.py`)
{counts["organizations"]:,} organizations in {counts["regions"]:,} regions (Zhejiang's province,
cities, counties and townships), {counts["people"]:,} people with
{counts["active_appointments"]:,} active appointments, {counts["vacancies"]:,} vacant quota slots
after the run. Generated in {info.get("seconds", "?")} s. Balances re-checked after the run:
every quota and post balance's `actual` equals its active appointments and is ≤ `approved`.

## Commands
```
python bench/generate.py
# DJANGO_SETTINGS_MODULE=bench.settings (DEBUG off)
gunicorn onevisit.wsgi:application --workers {args.workers} --worker-class sync
# one scenario at a time, each GET after a 2 s warm-up
wrk -t2 -c{args.connections} -d{args.duration}s --latency <url>
```

## Figures
| scenario | request | req/s | × minimal | p50 ms | p99 ms | answers |
|---|---|---:|---:|---:|---:|---|
{chr(10).join(rows)}

Appointments ran at {appt / insert if insert else float("nan"):.2f} × the minimal one-row insert.
Each appointment request registers a new person (identity number checked by python-stdnum),
locks the organization's quota row, creates the appointment and appends two hash-chained
audit entries, in two transactions. The tree page lists the county's organizations
(page size 250); the charter page shows functions, bodies, quotas and posts to an anonymous
visitor (no staff).
"""
    if args.output == RESULTS:
        section = text.replace("\n## ", "\n### ").replace(
            "# Benchmark results", "## Registry serving (issue: foundation)", 1
        )
        write_section("serving", section)
    else:
        args.output.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
