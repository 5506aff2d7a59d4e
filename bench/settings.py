"""Settings for benchmarks: the project's settings, DEBUG off, a separate database, and a
URLconf with two minimal endpoints to compare the real pages against.

DATABASE_URL defaults to the SQLite file var/bench/bench.sqlite3 (made by bench/generate.py);
point it at PostgreSQL to measure there.
"""

import os
from pathlib import Path

BENCH_DIR = Path(
    os.environ.get("ONEVISIT_BENCH_DIR", Path(__file__).resolve().parent.parent / "var" / "bench")
)
BENCH_DIR.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}")
# Measured as in production: no debug pages, no query log.
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-key-never-used-outside-loopback-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from onevisit.settings import *  # noqa: E402, F403

ROOT_URLCONF = "bench.urls"
