"""Time the duties analyzer (`onevisit.duties.analysis.analyze`) on the 1× and 2× datasets
of bench/duties_generate.py, in one run, and report seconds and the 2×/1× ratio.

    python bench/duties_generate.py && python bench/duties_analyzer.py [--repeat 3]

Acceptance: 1× (≥5,000 organizations, ≥100,000 assignments) under 10 s, and 2× at most
2.2 times as long. Each dataset is measured in its own process (Django's database settings
are fixed per process); the best of `--repeat` runs counts, after one warm-up run. The
figures are printed and appended to var/bench/duties-analyzer.jsonl.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.duties_generate import BENCH_DIR, database_for  # noqa: E402

LIMIT_SECONDS, LIMIT_RATIO = 10.0, 2.2


def measure(database: Path, repeat: int) -> dict:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from onevisit.duties.analysis import analyze, summary
    from onevisit.duties.models import DutyAssignment
    from onevisit.orgs.models import Organization

    found = analyze()  # warm-up: connection, page cache, imports
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        found = analyze()
        times.append(time.perf_counter() - t0)
    return {
        "database": database.name,
        "organizations": Organization.objects.count(),
        "assignments": DutyAssignment.objects.count(),
        "findings": len(found),
        "by_kind": summary(found),
        "seconds": round(min(times), 3),
        "all_seconds": [round(t, 3) for t in times],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(Path(args.one), args.repeat), ensure_ascii=False))
        return
    results = {}
    for scale in (1, 2):
        database = database_for(scale)
        if not database.exists():
            sys.exit(f"{database} is missing: run python bench/duties_generate.py first.")
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(database), "--repeat", str(args.repeat)],
            check=True,
            capture_output=True,
            text=True,
        )
        results[scale] = json.loads(out.stdout.strip().splitlines()[-1])
    one, two = results[1], results[2]
    ratio = round(two["seconds"] / one["seconds"], 2)
    record = {
        "when": datetime.datetime.now().isoformat(timespec="seconds"),
        "1x": one,
        "2x": two,
        "ratio": ratio,
        "ok": one["seconds"] < LIMIT_SECONDS and ratio <= LIMIT_RATIO,
    }
    with (BENCH_DIR / "duties-analyzer.jsonl").open("a") as log:
        log.write(json.dumps(record, ensure_ascii=False) + "\n")
    lines = [
        "| dataset | organizations | assignments | findings | analyze() seconds |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, r in (("1×", one), ("2×", two)):
        lines.append(
            f"| {label} | {r['organizations']:,} | {r['assignments']:,} | "
            f"{r['findings']:,} | {r['seconds']:.2f} |"
        )
    under = "yes" if one["seconds"] < LIMIT_SECONDS else "NO"
    verdict = "PASS" if record["ok"] else "FAIL"
    lines.append(
        f"\nratio 2×/1×: {ratio} (limit {LIMIT_RATIO}); "
        f"1× under {LIMIT_SECONDS:.0f} s: {under} → {verdict}"
    )
    lines.append(f"\nfindings by kind, 1×: {one['by_kind']}; 2×: {two['by_kind']}")
    print("\n".join(lines))
    from bench.results import write_section

    write_section(
        "duties",
        f"""## The duties analyzer (issue: power and responsibility lists)

Measured {record["when"]} by `python bench/duties_generate.py && python bench/duties_analyzer.py
--repeat {args.repeat}`: analyze() over the whole province, best of the runs after a warm-up,
each dataset in its own process on SQLite.

"""
        + "\n".join(lines),
    )
    sys.exit(0 if record["ok"] else 1)


if __name__ == "__main__":
    main()
