"""Generate registries with power and responsibility lists for the analyzer benchmark.

    python bench/duties_generate.py            # both datasets, if missing
    python bench/duties_generate.py --force    # rebuild them
    python bench/duties_generate.py --scale 2  # only the 2× one

Each scale is its own SQLite file (var/bench/duties.sqlite3 for 1×, duties-2x.sqlite3 for
2×): `migrate` and `import_divisions` first, then bulk inserts (the one place allowed to
skip the services; no audit trail). One "province unit" is 11 cities and 90 counties of a
province with 50 organizations each (5,050 organizations, 8 charter functions each), a base
catalog of 1,200 items and about 110,000 duty assignments; 2× is Zhejiang's unit and
Jiangsu's, exactly twice the rows. A small, fixed share of faults of every kind is planted
so that every check of the analyzer has work to do.
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
BENCH_DIR = Path(os.environ.get("ONEVISIT_BENCH_DIR", ROOT / "var" / "bench"))
PROVINCES = {1: ["33"], 2: ["33", "32"]}
CITIES, COUNTIES, ORGS_PER_REGION, BASE_ITEMS, FUNCTIONS = 11, 90, 50, 1200, 8
START, LISTS = datetime.date(2019, 1, 1), datetime.date(2020, 1, 1)


def database_for(scale: int) -> Path:
    return BENCH_DIR / ("duties.sqlite3" if scale == 1 else f"duties-{scale}x.sqlite3")


def function_text(slot: int, k: int) -> str:
    return f"承担第{slot:02d}类事务的第{k}项管理职责"


def _slot_kind(slot: int, level: str):
    from onevisit.orgs.choices import InstitutionClass, OrgKind

    if slot == 0:
        return OrgKind.PARTY_ORGAN, ""
    if 35 <= slot <= 46:
        classes = [
            InstitutionClass.WELFARE_1,
            InstitutionClass.WELFARE_2,
            InstitutionClass.ADMINISTRATIVE,
            InstitutionClass.BUSINESS,
        ]
        return OrgKind.PUBLIC_INSTITUTION, classes[slot % 4] if slot % 5 else classes[0]
    if slot in (47, 48):
        return OrgKind.ENFORCEMENT_BODY, ""
    if slot == 49 and level == "county":
        return OrgKind.TOWNSHIP_GOVERNMENT, ""
    return OrgKind.GOVERNMENT_DEPARTMENT, ""


def build(scale: int) -> dict:
    from django.core.management import call_command
    from django.db import transaction
    from stdnum.cn import ric

    from onevisit.duties.choices import AssignmentRole, DutyCategory
    from onevisit.duties.models import Duty, DutyAssignment, LegalBasis
    from onevisit.orgs.choices import OrgKind, QuotaCategory
    from onevisit.orgs.models import Appointment, Charter, CharterFunction, Organization, Person
    from onevisit.regions.models import Level, Region

    call_command("migrate", verbosity=0, interactive=False)
    if not Region.objects.filter(code="33").exists():
        call_command("import_divisions", verbosity=0)

    counts = {"organizations": 0, "assignments": 0, "duties": 0}
    with transaction.atomic():
        for p_index, province_code in enumerate(PROVINCES[scale]):
            province = Region.objects.get(code=province_code)
            cities = list(
                Region.objects.filter(level=Level.CITY, code__startswith=province_code).order_by(
                    "code"
                )[:CITIES]
            )
            counties = list(
                Region.objects.filter(level=Level.COUNTY, code__startswith=province_code).order_by(
                    "code"
                )[:COUNTIES]
            )
            assert len(cities) == CITIES and len(counties) == COUNTIES, province_code
            regions = cities + counties

            # Organizations, their charters and functions.
            orgs = []
            for r_index, region in enumerate(regions):
                for slot in range(ORGS_PER_REGION):
                    kind, klass = _slot_kind(slot, region.level)
                    level = Level.TOWNSHIP if kind == OrgKind.TOWNSHIP_GOVERNMENT else region.level
                    abolished = slot == 20 and r_index % 20 == 3
                    orgs.append(
                        Organization(
                            name=f"{region.name}第{slot:02d}号单位",
                            kind=kind,
                            institution_class=klass,
                            region=region,
                            level=level,
                            valid_from=START,
                            valid_to=datetime.date(2023, 1, 1) if abolished else None,
                        )
                    )
            orgs = Organization.objects.bulk_create(orgs, batch_size=2000)
            by_slot = {(o.region_id, i % ORGS_PER_REGION): o for i, o in enumerate(orgs)}
            charters = Charter.objects.bulk_create(
                [
                    Charter(
                        organization=o,
                        document_number=f"编〔2019〕{o.pk}号",
                        effective_date=START,
                        valid_to=o.valid_to,
                    )
                    for o in orgs
                ],
                batch_size=2000,
            )
            CharterFunction.objects.bulk_create(
                [
                    CharterFunction(
                        charter=c, position=k + 1, text=function_text(i % ORGS_PER_REGION, k)
                    )
                    for i, c in enumerate(charters)
                    for k in range(FUNCTIONS)
                ],
                batch_size=5000,
            )

            # Staff for half of the township governments.
            people, appointments = [], []
            for region in counties[::2]:
                org = by_slot[(region.pk, 49)]
                birth = f"19900{p_index + 1}{len(people) % 28 + 1:02d}"
                body = f"{region.code[:6]}{birth}{len(people):03d}"
                number = body + ric.calc_check_digit(body + "0")
                people.append(Person(identity_number=number, name="测试", birth_date=START))
                appointments.append((org, len(people) - 1))
            people = Person.objects.bulk_create(people)
            Appointment.objects.bulk_create(
                Appointment(
                    person=people[i],
                    organization=org,
                    category=QuotaCategory.ADMINISTRATIVE,
                    start_date=START,
                )
                for org, i in appointments
            )

            # The base catalog: item i implements function (slot, k) of slot 1 + i % 49.
            duties = []
            for i in range(BASE_ITEMS):
                slot = 1 + i % 49
                kind, _klass = _slot_kind(slot, "county")
                if slot == 49:
                    levels = [Level.COUNTY, Level.TOWNSHIP]
                elif i % 10 == 8:
                    levels = [Level.CITY]
                elif i % 10 == 9:
                    levels = [Level.CITY, Level.COUNTY]
                else:
                    levels = [Level.COUNTY]
                category = (
                    DutyCategory.PUBLIC_SERVICE
                    if kind == OrgKind.PUBLIC_INSTITUTION and i % 50
                    else DutyCategory.values[i % 10]
                )
                duties.append(
                    Duty(
                        code=f"{province_code}-{i:05d}",
                        name=f"基本目录事项{i:05d}",
                        category=category,
                        region=province,
                        is_base_catalog=True,
                        levels=levels,
                        function=function_text(slot, (i // 49) % FUNCTIONS),
                        valid_from=LISTS,
                    )
                )
            duties = Duty.objects.bulk_create(duties, batch_size=2000)
            LegalBasis.objects.bulk_create(
                LegalBasis(duty=d, law="《浙江省行政程序办法》", article=f"第{i % 90 + 1}条")
                for i, d in enumerate(duties)
                if i % 100 != 7  # 1% without a legal basis
            )
            counts["duties"] += len(duties)

            # Assignments: each item to its slot's organization in every region of its level.
            assignments = []
            n = 0
            for region in regions:
                for i, duty in enumerate(duties):
                    slot = 1 + i % 49
                    if region.level not in duty.levels:
                        continue
                    n += 1
                    if n % 331 == 0:
                        continue  # absence: nobody holds it here
                    org = by_slot[(region.pk, slot)]
                    level = org.level
                    if n % 401 == 0:
                        level = Level.PROVINCE  # dislocation: wrong level
                    township = org.kind == OrgKind.TOWNSHIP_GOVERNMENT
                    assignments.append(
                        DutyAssignment(
                            duty=duty,
                            organization=org,
                            region=region,
                            level=level,
                            role=AssignmentRole.LEAD,
                            delegated=township,
                            valid_from=LISTS,
                        )
                    )
                    if n % 10 == 0:  # a co-responsible organization with its division
                        assignments.append(
                            DutyAssignment(
                                duty=duty,
                                organization=by_slot[(region.pk, 1 + (slot + 7) % 46)],
                                region=region,
                                level=region.level,
                                role=AssignmentRole.CO_RESPONSIBLE,
                                division_of_labour="配合做好相关工作",
                                valid_from=LISTS,
                            )
                        )
                    elif n % 503 == 0:  # dislocation: a second lead without division
                        assignments.append(
                            DutyAssignment(
                                duty=duty,
                                organization=by_slot[(region.pk, 1 + (slot + 3) % 46)],
                                region=region,
                                level=region.level,
                                role=AssignmentRole.LEAD,
                                valid_from=LISTS,
                            )
                        )
            DutyAssignment.objects.bulk_create(assignments, batch_size=5000)
            counts["organizations"] += len(orgs)
            counts["assignments"] += len(assignments)
    return counts


def generate_one(scale: int, force: bool) -> dict:
    path = database_for(scale)
    if force and path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if path.exists():
        return {"scale": scale, "database": str(path), "skipped": True}
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    t0 = time.perf_counter()
    counts = build(scale)
    return {
        "scale": scale,
        "database": str(path),
        **counts,
        "seconds": round(time.perf_counter() - t0, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, choices=sorted(PROVINCES))
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if args.scale:
        print(json.dumps(generate_one(args.scale, args.force), ensure_ascii=False))
        return
    # One process per database: Django's settings are fixed once per process.
    for scale in sorted(PROVINCES):
        command = [sys.executable, __file__, "--scale", str(scale)]
        subprocess.run(command + (["--force"] if args.force else []), check=True)


if __name__ == "__main__":
    main()
