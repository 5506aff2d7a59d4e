"""Generate a province-scale registry for benchmarks: Zhejiang with ~6,300 organizations and
200,000 staff, into var/bench/bench.sqlite3 (or the database DATABASE_URL names).

    python bench/generate.py            # generate if the dataset is missing
    python bench/generate.py --force    # throw the old one away first
    DATABASE_URL=postgres://... python bench/generate.py

For speed this writes with bulk inserts, not through the services (the one place in the
project allowed to): there is no audit trail for the generated rows. The registry's
invariants are kept and checked at the end: every quota and post balance's `actual` equals
its active appointments and never exceeds `approved`; every organization keeps vacancies
for the appointment benchmark; identity numbers are valid (python-stdnum's cn.ric) and unique.

Writes var/bench/dataset.json: counts, the county and organization the page benchmarks
use, and the bearer token of the establishment officer the API benchmark acts as.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, F, Q  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from onevisit.core.models import ApiToken, Role, RoleAssignment, User  # noqa: E402
from onevisit.orgs.choices import FundingType, InstitutionClass, OrgKind, QuotaCategory  # noqa: E402
from onevisit.orgs.models import (  # noqa: E402
    Appointment,
    Charter,
    CharterFunction,
    InternalBody,
    Organization,
    Person,
    PostBalance,
    PostLine,
    QuotaBalance,
    QuotaLine,
)
from onevisit.regions.models import Level, Region  # noqa: E402

BENCH_DIR = settings.BENCH_DIR
DATASET = BENCH_DIR / "dataset.json"
PROVINCE = "33"
#: Birth dates run over BIRTH_DAYS days from BIRTH_START; the 3-digit sequence number of an
#: identity number is (index // BIRTH_DAYS), so generated numbers are unique whatever their
#: region prefix. The benchmark's new people use sequence numbers from BENCH_SEQ_START up.
BIRTH_START = datetime.date(1966, 1, 1)
BIRTH_DAYS = 11_000
BENCH_SEQ_START = 500

DEPARTMENTS = [
    # (name, kind, quota category)
    ("委办公室", OrgKind.PARTY_ORGAN, QuotaCategory.ADMINISTRATIVE),
    ("委组织部", OrgKind.PARTY_ORGAN, QuotaCategory.ADMINISTRATIVE),
    ("委宣传部", OrgKind.PARTY_ORGAN, QuotaCategory.ADMINISTRATIVE),
    ("委统战部", OrgKind.PARTY_ORGAN, QuotaCategory.ADMINISTRATIVE),
    ("委政法委员会", OrgKind.PARTY_ORGAN, QuotaCategory.POLITICAL_LEGAL),
    ("委机构编制委员会办公室", OrgKind.PARTY_ORGAN, QuotaCategory.ADMINISTRATIVE),
    ("人民政府办公室", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("发展和改革局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("经济和信息化局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("教育局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("科学技术局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("公安局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.POLITICAL_LEGAL),
    ("民政局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("司法局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.POLITICAL_LEGAL),
    ("财政局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("人力资源和社会保障局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("自然资源和规划局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("生态环境局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("住房和城乡建设局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("交通运输局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("水利局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("农业农村局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("商务局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("文化广电旅游局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("卫生健康局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("退役军人事务局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("应急管理局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("审计局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("市场监督管理局", OrgKind.GOVERNMENT_DEPARTMENT, QuotaCategory.ADMINISTRATIVE),
    ("统计局", OrgKind.DIRECTLY_AFFILIATED, QuotaCategory.ADMINISTRATIVE),
    ("医疗保障局", OrgKind.DIRECTLY_AFFILIATED, QuotaCategory.ADMINISTRATIVE),
    ("数据资源管理局", OrgKind.DIRECTLY_AFFILIATED, QuotaCategory.ADMINISTRATIVE),
    ("综合行政执法局", OrgKind.ENFORCEMENT_BODY, QuotaCategory.ADMINISTRATIVE),
    ("市场监管综合行政执法队", OrgKind.ENFORCEMENT_BODY, QuotaCategory.ADMINISTRATIVE),
]
INSTITUTION_SUFFIXES = [
    "事务中心",
    "服务中心",
    "信息中心",
    "发展研究中心",
    "监测站",
    "技术推广中心",
    "档案馆",
    "培训中心",
]
INSTITUTION_CLASSES = [InstitutionClass.WELFARE_1, InstitutionClass.WELFARE_2]
FUNDING = [FundingType.FULL, FundingType.FULL, FundingType.PARTIAL]
#: Organizations per region: (departments, public institutions) by level.
PER_LEVEL = {
    Level.PROVINCE: (34, 30),
    Level.CITY: (34, 16),
    Level.COUNTY: (30, 10),
}
#: Relative staff sizes by level and kind (organs, institutions, township bodies).
WEIGHT = {
    (Level.PROVINCE, "organ"): 120,
    (Level.PROVINCE, "institution"): 60,
    (Level.CITY, "organ"): 70,
    (Level.CITY, "institution"): 35,
    (Level.COUNTY, "organ"): 38,
    (Level.COUNTY, "institution"): 22,
    (Level.TOWNSHIP, "organ"): 40,
    (Level.TOWNSHIP, "institution"): 15,
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华建国志红文辉斌浩宇晨欣怡佳琪雪梅海燕波鹏飞亮婷丹宁凯瑞祥晓东"  # noqa: E501


def birth_of(index: int) -> datetime.date:
    return BIRTH_START + datetime.timedelta(days=index % BIRTH_DAYS)


def identity_number(prefix: str, index: int) -> str:
    """A valid 18-character resident identity number, unique for each index."""
    body = f"{prefix}{birth_of(index):%Y%m%d}{index // BIRTH_DAYS:03d}"
    return body + ric.calc_check_digit(body + "0")


def birth_places(codes: list[str]) -> dict[int, list[str]]:
    """For each birth year, the county codes that stdnum accepts as a birth place that year
    (codes come and go: a district created in 1994 is no birth place in 1970)."""
    last = BIRTH_START + datetime.timedelta(days=BIRTH_DAYS)
    places: dict[int, list[str]] = {y: [] for y in range(BIRTH_START.year, last.year + 1)}
    for code in codes:
        if len(code) != 6:
            continue
        for year, good in places.items():
            body = f"{code}{year}0101000"
            try:
                valid = ric.is_valid(body + ric.calc_check_digit(body + "0"))
            except KeyError:  # stdnum 2.2 raises this for codes it knows without a county
                valid = False
            if valid:
                good.append(code)
    if not all(places.values()):
        raise SystemExit("some birth year has no valid county code in this province")
    return places


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def log(msg: str, t0: float) -> None:
    print(f"[{time.monotonic() - t0:6.1f}s] {msg}", flush=True)


def plan_organizations(regions: list[Region], rng: random.Random) -> list[dict]:
    """Decide every organization: name, kind, region, level, its manager's index, weight."""
    plans: list[dict] = []
    for region in regions:
        if region.level == Level.TOWNSHIP:
            town = len(plans)
            plans.append(
                {
                    "name": f"{region.name}人民政府"
                    if "街道" not in region.name
                    else f"{region.name}办事处",
                    "kind": OrgKind.TOWNSHIP_GOVERNMENT,
                    "region": region,
                    "level": Level.TOWNSHIP,
                    "category": QuotaCategory.ADMINISTRATIVE,
                    "manager": None,
                    "weight": WEIGHT[(Level.TOWNSHIP, "organ")],
                }
            )
            if int(region.code) % 2 == 0:
                plans.append(
                    {
                        "name": f"{region.name}便民服务中心",
                        "kind": OrgKind.PUBLIC_INSTITUTION,
                        "region": region,
                        "level": Level.TOWNSHIP,
                        "category": QuotaCategory.PUBLIC_INSTITUTION,
                        "manager": town,
                        "weight": WEIGHT[(Level.TOWNSHIP, "institution")],
                    }
                )
            continue
        n_dept, n_inst = PER_LEVEL[region.level]
        prefix = region.name if region.name != "市辖区" else f"{region.code}区"
        first = len(plans)
        for i in range(n_dept):
            base, kind, category = DEPARTMENTS[i % len(DEPARTMENTS)]
            if region.level == Level.PROVINCE:
                base = base.replace("局", "厅") if kind == OrgKind.GOVERNMENT_DEPARTMENT else base
            party = kind == OrgKind.PARTY_ORGAN
            name = f"{prefix.removesuffix('省') if party else prefix}{base}"
            if party and not name.startswith(prefix[:2]):
                name = prefix + base
            if party:
                name = name.replace(f"{prefix}委", f"中共{prefix}委", 1)
            plans.append(
                {
                    "name": name,
                    "kind": kind,
                    "region": region,
                    "level": region.level,
                    "category": category,
                    "manager": None,
                    "weight": WEIGHT[(region.level, "organ")],
                }
            )
        for j in range(n_inst):
            manager = first + 6 + (j % (n_dept - 6))
            mname = plans[manager]["name"].removeprefix(prefix)
            suffix = INSTITUTION_SUFFIXES[(j // (n_dept - 6)) % len(INSTITUTION_SUFFIXES)]
            plans.append(
                {
                    "name": f"{prefix}{mname.rstrip('局厅')}{suffix}",
                    "kind": OrgKind.PUBLIC_INSTITUTION,
                    "region": region,
                    "level": region.level,
                    "category": QuotaCategory.PUBLIC_INSTITUTION,
                    "manager": manager,
                    "weight": WEIGHT[(region.level, "institution")],
                }
            )
    # Names are unique within a region in real life; keep them so here.
    seen: set[tuple[str, str]] = set()
    for p in plans:
        key = (p["region"].code, p["name"])
        n = 2
        while key in seen:
            key = (p["region"].code, f"{p['name']}（{n}）")
            n += 1
        p["name"] = key[1]
        seen.add(key)
    return plans


def generate(*, staff: int, seed: int, t0: float) -> dict:
    rng = random.Random(seed)
    call_command("migrate", verbosity=0, interactive=False)
    log("migrated", t0)
    if not Region.objects.filter(code=PROVINCE).exists():
        call_command("import_divisions", verbosity=0)
    log(f"divisions: {Region.objects.count()} regions", t0)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_row ("
            " id INTEGER PRIMARY KEY"
            + (
                " AUTOINCREMENT"
                if connection.vendor == "sqlite"
                else " GENERATED ALWAYS AS IDENTITY"
            )
            + ", created_at TIMESTAMP NOT NULL, payload TEXT NOT NULL)"
        )

    regions = list(
        Region.objects.filter(Q(code=PROVINCE) | Q(code__startswith=PROVINCE))
        .exclude(name__in=["省直辖县级行政区划"])
        .order_by("code")
    )
    regions = [r for r in regions if r.code.startswith(PROVINCE)]
    places = birth_places([r.code for r in regions if r.level == Level.COUNTY])
    valid_in = {year: set(codes) for year, codes in places.items()}
    plans = plan_organizations(regions, rng)
    established = datetime.date(2019, 3, 1)

    with transaction.atomic():
        orgs = [
            Organization(
                name=p["name"],
                kind=p["kind"],
                institution_class=(
                    rng.choice(INSTITUTION_CLASSES)
                    if p["kind"] == OrgKind.PUBLIC_INSTITUTION
                    else ""
                ),
                region=p["region"],
                level=p["level"],
                valid_from=established,
            )
            for p in plans
        ]
        Organization.objects.bulk_create(orgs, batch_size=2000)
        managed = []
        for org, p in zip(orgs, plans, strict=True):
            if p["manager"] is not None:
                org.managing_organization_id = orgs[p["manager"]].pk
                managed.append(org)
        Organization.objects.bulk_update(managed, ["managing_organization"], batch_size=2000)
        log(f"organizations: {len(orgs)}", t0)

        # Staff per organization, proportional to weight, adding up to exactly `staff`.
        weights = [p["weight"] * rng.uniform(0.7, 1.3) for p in plans]
        total = sum(weights)
        sizes = [max(3, int(staff * w / total)) for w in weights]
        diff = staff - sum(sizes)
        i = 0
        while diff != 0:
            step = 1 if diff > 0 else -1
            if sizes[i % len(sizes)] + step >= 3:
                sizes[i % len(sizes)] += step
                diff -= step
            i += 1

        charters = [
            Charter(
                organization=org,
                document_number=f"{org.region.name[:2]}编〔2019〕{k % 300 + 1}号",
                effective_date=established,
            )
            for k, org in enumerate(orgs)
        ]
        Charter.objects.bulk_create(charters, batch_size=2000)
        CharterFunction.objects.bulk_create(
            (
                CharterFunction(charter=c, position=n, text=text)
                for c in charters
                for n, text in enumerate(
                    (
                        f"贯彻执行有关{c.organization.name}工作的方针政策和法律法规。",
                        "拟订并组织实施本领域的发展规划和政策措施。",
                        "完成上级交办的其他任务。",
                    ),
                    1,
                )
            ),
            batch_size=5000,
        )
        bodies = [
            InternalBody(charter=c, position=n, name=name, duties=duties)
            for c in charters
            for n, (name, duties) in enumerate(
                (
                    ("办公室", "负责日常运转。"),
                    ("综合科", "负责综合协调。"),
                    ("业务科", "负责业务工作。"),
                ),
                1,
            )
        ]
        InternalBody.objects.bulk_create(bodies, batch_size=5000)
        log(f"charters: {len(charters)}, internal bodies: {len(bodies)}", t0)

        quota_lines, quota_balances, post_lines, post_balances = [], [], [], []
        vacancies = 0
        for org, charter, p, size in zip(orgs, charters, plans, sizes, strict=True):
            category = p["category"]
            funding = rng.choice(FUNDING) if category == QuotaCategory.PUBLIC_INSTITUTION else ""
            p["funding"] = funding
            vacant = max(5, size * rng.randint(8, 20) // 100)
            vacancies += vacant
            quota_lines.append(
                QuotaLine(
                    charter=charter, category=category, funding_type=funding, approved=size + vacant
                )
            )
            quota_balances.append(
                QuotaBalance(
                    organization=org,
                    category=category,
                    funding_type=funding,
                    approved=size + vacant,
                    actual=size,
                )
            )
            deputies = 2 if size >= 10 else 1
            post_lines += [
                PostLine(charter=charter, rank="head", approved=1),
                PostLine(charter=charter, rank="deputy", approved=deputies + 1),
            ]
            post_balances += [
                PostBalance(organization=org, rank="head", approved=1, actual=1),
                PostBalance(
                    organization=org, rank="deputy", approved=deputies + 1, actual=deputies
                ),
            ]
            p["deputies"] = deputies
        QuotaLine.objects.bulk_create(quota_lines, batch_size=5000)
        QuotaBalance.objects.bulk_create(quota_balances, batch_size=5000)
        PostLine.objects.bulk_create(post_lines, batch_size=5000)
        PostBalance.objects.bulk_create(post_balances, batch_size=5000)
        log(f"quota and post balances ({vacancies} vacancies left)", t0)

        people, appointments = [], []
        index = 0
        for org, p, size in zip(orgs, plans, sizes, strict=True):
            code6 = org.region.code[:6]
            for k in range(size):
                # Born where the organization is when that county existed, else nearby.
                year = birth_of(index).year
                prefix = (
                    code6
                    if code6 in valid_in[year]
                    else places[year][index % 7 % len(places[year])]
                )
                number = identity_number(prefix, index)
                index += 1
                person = Person(
                    identity_number=number,
                    name=person_name(rng),
                    birth_date=ric.get_birth_date(number),
                )
                people.append(person)
                appointments.append(
                    Appointment(
                        person=person,
                        organization=org,
                        category=p["category"],
                        funding_type=p["funding"],
                        post_rank="head" if k == 0 else ("deputy" if k <= p["deputies"] else ""),
                        start_date=established + datetime.timedelta(days=rng.randrange(0, 2000)),
                        document_number=f"任〔{2019 + k % 6}〕{k + 1}号",
                    )
                )
        Person.objects.bulk_create(people, batch_size=5000)
        log(f"people: {len(people)}", t0)
        # Internal bodies: the organization's three, in turn.
        body_of_org: dict[int, list[InternalBody]] = {}
        for charter_index, charter in enumerate(charters):
            body_of_org[charter.organization_id] = bodies[3 * charter_index : 3 * charter_index + 3]
        for n, a in enumerate(appointments):
            a.internal_body = body_of_org[a.organization_id][n % 3]
        Appointment.objects.bulk_create(appointments, batch_size=5000)
        log(f"appointments: {len(appointments)}", t0)

        officer, _created = User.objects.get_or_create(
            username="bench.officer", defaults={"display_name": "Bench establishment officer"}
        )
        office = Organization.objects.get(
            region__code=PROVINCE, name__endswith="机构编制委员会办公室"
        )
        RoleAssignment.objects.get_or_create(
            user=officer,
            role=Role.ESTABLISHMENT_OFFICER,
            organization=office,
            region=Region.objects.get(code=PROVINCE),
        )
        raw = ApiToken.generate()
        ApiToken.objects.create(
            user=officer, name="bench", digest=ApiToken.digest_of(raw), prefix=raw[:8]
        )

    # Planner statistics for the bulk-loaded tables, as autovacuum would gather them later.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log("analyzed", t0)

    # Pages the benchmark reads: Tonglu County's tree and one of its departments.
    county = "330122" if Region.objects.filter(code="330122").exists() else places[1990][0]
    sample = (
        Organization.objects.filter(region__code=county, kind=OrgKind.GOVERNMENT_DEPARTMENT)
        .order_by("pk")
        .first()
    )
    return {
        "token": raw,
        "county": county,
        "organization_id": sample.pk,
        "birth_places": places,
        "bench_seq_start": BENCH_SEQ_START,
        "birth_start": BIRTH_START.isoformat(),
        "birth_days": BIRTH_DAYS,
    }


def check(t0: float) -> dict:
    """Verify the invariants over the whole dataset; raise if any is broken."""
    active = {
        (r["organization_id"], r["category"], r["funding_type"]): r["n"]
        for r in Appointment.objects.filter(end_date__isnull=True)
        .values("organization_id", "category", "funding_type")
        .annotate(n=Count("id"))
    }
    bad = [
        b.pk
        for b in QuotaBalance.objects.all()
        if b.actual != active.get((b.organization_id, b.category, b.funding_type), 0)
        or b.actual > b.approved
    ]
    posts = {
        (r["organization_id"], r["post_rank"]): r["n"]
        for r in Appointment.objects.filter(end_date__isnull=True)
        .exclude(post_rank="")
        .values("organization_id", "post_rank")
        .annotate(n=Count("id"))
    }
    bad += [
        b.pk
        for b in PostBalance.objects.all()
        if b.actual != posts.get((b.organization_id, b.rank), 0) or b.actual > b.approved
    ]
    if bad:
        raise SystemExit(f"inconsistent balances: {bad[:10]}")
    sample = (
        Person.objects.order_by("?")[:2000]
        if connection.vendor != "sqlite"
        else (
            Person.objects.filter(
                pk__in=random.Random(1).sample(range(1, Person.objects.count()), 2000)
            )
        )
    )
    invalid = [p.identity_number for p in sample if not ric.is_valid(p.identity_number)]
    if invalid:
        raise SystemExit(f"invalid identity numbers: {invalid[:5]}")
    counts = {
        "organizations": Organization.objects.count(),
        "people": Person.objects.count(),
        "active_appointments": Appointment.objects.filter(end_date__isnull=True).count(),
        "vacancies": sum(
            b.approved - b.actual for b in QuotaBalance.objects.filter(approved__gt=F("actual"))
        ),
        "regions": Region.objects.count(),
    }
    log(f"checked: balances consistent, identity numbers valid; {counts}", t0)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--force", action="store_true", help="regenerate from scratch")
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    db = settings.DATABASES["default"]
    if DATASET.exists() and not args.force:
        info = json.loads(DATASET.read_text())
        if info.get("database_url") == url and info.get("staff") == args.staff:
            present = Path(db["NAME"]).exists() if db["ENGINE"].endswith("sqlite3") else True
            if present:
                print(f"Dataset present ({info['counts']}); --force regenerates it.")
                return 0
    t0 = time.monotonic()
    if db["ENGINE"].endswith("sqlite3"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db['NAME']}{suffix}").unlink(missing_ok=True)
    elif _has_tables() and Organization.objects.exists():
        call_command("flush", verbosity=0, interactive=False)
    DATASET.unlink(missing_ok=True)
    info = generate(staff=args.staff, seed=args.seed, t0=t0)
    info["counts"] = check(t0)
    info["database_url"] = url
    info["staff"] = args.staff
    info["seconds"] = round(time.monotonic() - t0, 1)
    DATASET.write_text(json.dumps(info, indent=2, ensure_ascii=False))
    DATASET.chmod(0o600)
    log(f"done: {DATASET}", t0)
    return 0


def _has_tables() -> bool:
    return "orgs_organization" in connection.introspection.table_names()


if __name__ == "__main__":
    sys.exit(main())
