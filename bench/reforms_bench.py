"""Benchmark of the registry through time (reform plans issue).

    python bench/reforms_bench.py [--force]

Builds var/bench/reforms.sqlite3: `migrate`, `import_divisions`, then (bulk inserts, the
one place allowed to skip the services) 5,000+ organizations of Zhejiang with staff and
ten years of reform history, 2016–2025: every year a share of organizations is renamed,
re-chartered, abolished and replaced. Then, in one process and one run:

- the organization tree as of a past date against the current tree (orgs.history.tree_as_of
  for the whole province, and the tree page /orgs/?region=33 with and without ?as_of=);
- validating a 50-operation plan (reforms.services.reform_plan_check).

Prints a Markdown table and appends a JSON line to var/bench/reforms.jsonl.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(os.environ.get("ONEVISIT_BENCH_DIR", ROOT / "var" / "bench"))
DB = BENCH_DIR / "reforms.sqlite3"
ORGS_PER_COUNTY, YEARS = 56, range(2016, 2026)
START = datetime.date(2015, 1, 1)


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onevisit.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def generate() -> dict:
    manage = [sys.executable, str(ROOT / "manage.py")]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{DB}"}
    subprocess.run([*manage, "migrate", "-v0"], check=True, env=env)
    subprocess.run([*manage, "import_divisions"], check=True, env=env, stdout=subprocess.DEVNULL)
    setup_django()
    from django.db import transaction
    from stdnum.cn import ric

    from onevisit.orgs.models import (
        Appointment,
        Charter,
        CharterFunction,
        FormerName,
        Organization,
        Person,
        QuotaBalance,
        QuotaLine,
    )
    from onevisit.regions.models import Region

    rng = random.Random(20190819)
    counties = list(Region.objects.filter(code__startswith="33", level="county"))
    with transaction.atomic():
        orgs = [
            Organization(
                name=f"{county.name}第{i:02d}局",
                kind="government_department",
                region=county,
                level="county",
                valid_from=START,
            )
            for county in counties
            for i in range(ORGS_PER_COUNTY)
        ]
        Organization.objects.bulk_create(orgs, batch_size=2000)
        orgs = list(Organization.objects.all())
        charters, functions, lines, balances, people, appointments = [], [], [], [], [], []
        serial = 0
        for org in orgs:
            dates = [START] + sorted(
                datetime.date(y, rng.randint(1, 12), 1) for y in YEARS if rng.random() < 0.3
            )
            for i, when in enumerate(dates):
                end = dates[i + 1] if i + 1 < len(dates) else None
                charters.append(
                    Charter(
                        organization=org,
                        document_number=f"编〔{when.year}〕{i}号",
                        effective_date=when,
                        valid_to=end,
                    )
                )
        Charter.objects.bulk_create(charters, batch_size=5000)
        for charter in Charter.objects.all().only("pk", "organization_id"):
            functions += [
                CharterFunction(
                    charter=charter, position=k, text=f"职能{charter.organization_id}-{k}"
                )
                for k in range(1, 5)
            ]
            lines.append(
                QuotaLine(charter=charter, category="administrative", funding_type="", approved=12)
            )
        CharterFunction.objects.bulk_create(functions, batch_size=5000)
        QuotaLine.objects.bulk_create(lines, batch_size=5000)
        for org in orgs:
            staff = rng.randint(4, 10)
            balances.append(
                QuotaBalance(organization=org, category="administrative", approved=12, actual=staff)
            )
            for _ in range(staff):
                serial += 1
                body = f"{org.region.code}{1970 + serial % 30}0101{serial % 1000:03d}"
                people.append(
                    Person(
                        identity_number=body + ric.calc_check_digit(body + "0"),
                        name=f"示例{serial}",
                        birth_date=datetime.date(1970 + serial % 30, 1, 1),
                    )
                )
                appointments.append((org, len(people) - 1))
        QuotaBalance.objects.bulk_create(balances, batch_size=5000)
        Person.objects.bulk_create(people, batch_size=5000, ignore_conflicts=True)
        by_number = dict(Person.objects.values_list("identity_number", "pk"))
        Appointment.objects.bulk_create(
            [
                Appointment(
                    person_id=by_number[people[i].identity_number],
                    organization=org,
                    category="administrative",
                    start_date=START,
                )
                for org, i in appointments
                if people[i].identity_number in by_number
            ],
            batch_size=5000,
            ignore_conflicts=True,
        )
        # Renames: former names with their windows; abolitions with a successor.
        former = []
        for org in orgs:
            since = START
            for y in YEARS:
                if rng.random() < 0.08:
                    when = datetime.date(y, 6, 1)
                    former.append(
                        FormerName(
                            organization=org,
                            name=f"{org.name}（{since.year}）",
                            valid_from=since,
                            valid_to=when,
                        )
                    )
                    since = when
        FormerName.objects.bulk_create(former, batch_size=5000)
        abolished = rng.sample(orgs, len(orgs) // 20)
        for org in abolished:
            Appointment.objects.filter(organization=org).update(end_date=datetime.date(2020, 1, 1))
            Charter.objects.filter(organization=org, valid_to__isnull=True).update(
                valid_to=datetime.date(2020, 1, 1)
            )
            QuotaBalance.objects.filter(organization=org).update(actual=0)
        Organization.objects.filter(pk__in=[o.pk for o in abolished]).update(
            valid_to=datetime.date(2020, 1, 1)
        )
    return {
        "organizations": Organization.objects.count(),
        "charters": Charter.objects.count(),
        "former_names": FormerName.objects.count(),
        "people": Person.objects.count(),
    }


def timed(fn, repeat: int) -> float:
    fn()
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def measure(repeat: int) -> dict:
    from django.test import Client

    from onevisit.orgs.history import tree_as_of
    from onevisit.orgs.models import Organization
    from onevisit.reforms import services
    from onevisit.regions.models import Region

    province = Region.objects.get(code="33")
    today, past = datetime.date.today(), datetime.date(2018, 3, 1)
    out = {
        "tree_current_s": timed(lambda: tree_as_of(date=today, region=province), repeat),
        "tree_past_s": timed(lambda: tree_as_of(date=past, region=province), repeat),
    }
    client = Client()
    out["page_current_s"] = timed(lambda: client.get("/orgs/?region=330122"), repeat)
    out["page_past_s"] = timed(lambda: client.get("/orgs/?region=330122&as_of=2018-03-01"), repeat)

    county = Region.objects.get(code="330122")
    live = list(Organization.objects.filter(region=county, valid_to__isnull=True)[:40])
    plan = services.reform_plan_create(
        actor=None,
        name="bench",
        document_number="bench",
        effective_date=today + datetime.timedelta(days=30),
        region=county,
    )
    ops = []
    for i in range(20):
        ops.append(("rename", {"organization": live[i].pk, "name": f"{live[i].name}·新"}))
    for i in range(10):
        ops.append(
            (
                "transfer_quota",
                {
                    "source": live[20 + i].pk,
                    "target": live[i].pk,
                    "category": "administrative",
                    "count": 1,
                },
            )
        )
    for i in range(10):
        ops.append(
            (
                "transfer_function",
                {
                    "source": live[30 + i].pk,
                    "target": live[i].pk,
                    "function": f"职能{live[30 + i].pk}-1",
                },
            )
        )
    for i in range(10):
        ops.append(("merge", {"sources": [live[30 + i].pk], "into": live[20 + i].pk}))
    for kind, payload in ops:
        services.reform_operation_add(actor=None, plan=plan, kind=kind, payload=payload)
    check = services.reform_plan_check(plan=plan)
    out["plan_operations"] = len(ops)
    out["plan_findings"] = len(check.findings)
    out["validate_50_ops_s"] = timed(lambda: services.reform_plan_check(plan=plan), repeat)
    plan.delete()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    dataset = None
    if args.force or not DB.exists():
        DB.unlink(missing_ok=True)
        t = time.perf_counter()
        dataset = generate()
        dataset["generated_s"] = round(time.perf_counter() - t, 1)
    else:
        setup_django()
    from onevisit.orgs.models import Charter, FormerName, Organization

    dataset = dataset or {
        "organizations": Organization.objects.count(),
        "charters": Charter.objects.count(),
        "former_names": FormerName.objects.count(),
    }
    figures = measure(args.repeat)
    ratio_tree = figures["tree_past_s"] / figures["tree_current_s"]
    ratio_page = figures["page_past_s"] / figures["page_current_s"]
    print(f"dataset: {dataset}")
    ms = {k: f"{v * 1000:.1f} ms" for k, v in figures.items() if k.endswith("_s")}
    rows = [
        ("tree_as_of(province), today", ms["tree_current_s"], "1.00"),
        ("tree_as_of(province), 2018-03-01", ms["tree_past_s"], f"{ratio_tree:.2f}"),
        ("GET /orgs/?region=330122", ms["page_current_s"], "1.00"),
        ("GET /orgs/?region=330122&as_of=2018-03-01", ms["page_past_s"], f"{ratio_page:.2f}"),
        (
            f"reform_plan_check, {figures['plan_operations']} operations "
            f"({figures['plan_findings']} findings)",
            ms["validate_50_ops_s"],
            "",
        ),
    ]
    table = ["| measure | median of runs | ratio |", "|---|---:|---:|"]
    table += [f"| {name} | {value} | {ratio} |" for name, value, ratio in rows]
    print("\n".join(table))
    sys.path.insert(0, str(ROOT))
    from bench.results import write_section

    write_section(
        "reforms",
        f"""## The registry through time (issue: reform plans)

Measured {datetime.datetime.now():%Y-%m-%d %H:%M} by `python bench/reforms_bench.py`, in one
process (Django test client, DEBUG off, SQLite), median of {args.repeat} runs after a warm-up.
Dataset: {dataset.get("organizations"):,} organizations of Zhejiang with ten years of history
(2016–2025: {dataset.get("charters"):,} charter versions, {dataset.get("former_names"):,}
former names, a twentieth of the organizations abolished in 2020), bulk-generated.
Targets: the as-of tree for a past date within 2× the current tree; validating a
50-operation plan under a second.

"""
        + "\n".join(table),
    )
    record = {
        "at": datetime.datetime.now().isoformat(timespec="seconds"),
        "dataset": dataset,
        **figures,
        "ratio_tree": ratio_tree,
        "ratio_page": ratio_page,
    }
    with (BENCH_DIR / "reforms.jsonl").open("a") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
