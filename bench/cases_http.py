"""gunicorn for the service-desk benchmarks, as bench/run.py starts it (sync workers, DEBUG
off, bench.settings, loopback only), against whatever DATABASE_URL this process uses.

    with serve(workers=2) as base:       # "http://127.0.0.1:<port>"
        run.wrk(base + "/bench/ok", ...)

Import after `cases_generate.setup_django(scale)`: bench/run.py sets Django up on import.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

from bench import run

ROOT = Path(__file__).resolve().parent.parent
#: wrk script: a bearer token on every request (args: the token).
GET_SCRIPT = Path(__file__).resolve().parent / "cases_get.lua"


@contextlib.contextmanager
def serve(*, workers: int, database_url: str | None = None, log_name: str = "gunicorn-cases.log"):
    """Start gunicorn on a free port (on `database_url`, default this process's database),
    wait until it answers, yield its base URL, stop it."""
    from django.conf import settings
    from django.db import connection

    port = run.free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "gunicorn", "onevisit.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--worker-class", "sync", "--chdir", str(ROOT),
        "--error-logfile", str(settings.BENCH_DIR / log_name), "--log-level", "warning",
    ]  # fmt: skip
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "ONEVISIT_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    connection.close()  # the workers open their own
    proc = subprocess.Popen(command, env=env, cwd=ROOT)
    try:
        run.wait_ready(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
