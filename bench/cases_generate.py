"""Generate the service desk at scale for the benchmarks of issue 5 (acceptance 6 and 7).

    python bench/cases_generate.py                  # 1M and 10k datasets, if missing
    python bench/cases_generate.py --scale 10k      # one of them
    python bench/cases_generate.py --force          # rebuild
    DATABASE_URL=postgres://.../onevisit python bench/cases_generate.py   # on PostgreSQL

Two datasets over the same small "world", each in its own database, so that the query
benchmark can compare a department's and a citizen's lists at both sizes in one run:

  1m    1,000,000 cases of 200,000 applicants   var/bench/cases.sqlite3       (PG: <db>)
  10k      10,000 cases of   2,000 applicants   var/bench/cases-10k.sqlite3   (PG: <db>_10k)

The world is made through the services and test factories (audited): ten districts and
counties of Hangzhou, each with ten departments and a comprehensive window (110
organizations), a reviewer per department and a clerk per window, 16 published service
items routed to every county's department by their duties, and four published "one thing"
bundles of three items in three departments (出生一件事 with five applicant materials is
the bundle the submit benchmark files).

The cases are a GENERATOR, not intake: bulk inserts (executemany in one transaction on
SQLite, COPY on PostgreSQL) that skip the services, the one place in the project allowed
to. There is no audit trail, no notification and no material row for generated cases (the
submit benchmark writes all of those through HTTP). What the services would keep is kept:
every case has 2 or 3 tasks routed to its applicant's county, case numbers are unique and
the case-number sequence is moved past them, states follow the tasks (a case needs a
supplement when a task waits for one, completes after all its tasks are decided and the
results delivered), an accepted task has a due date in working days of the China holiday
calendar (onevisit.core.calendar), a task waiting for a supplement has its one notice and
its open suspension, and `Case.visits` equals its Visit rows (an intake at a window, a
pick-up). Cases are spread over two years up to today; ids rise with time. About 30% come
in at a window; 45% are bundles (3 tasks), the rest two items (2 tasks); 200,000
applicants (9 in 10 persons) each with an account.

Writes var/bench/cases-<scale>.json: counts, seconds, and the world's ids and user names
the benchmarks use.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(os.environ.get("ONEVISIT_BENCH_DIR", ROOT / "var" / "bench")).resolve()
#: scale name: (cases, applicants)
SCALES = {"1m": (1_000_000, 200_000), "10k": (10_000, 2_000)}
DAYS = 730
SEED = 20260501
#: Cases generated per round of inserts (bounds the memory).
CHUNK = 50_000
#: Generated accounts sign in with bearer tokens only (hashing a password costs ~0.1 s each).
UNUSABLE = "!bench"

COUNTIES = [
    ("330102", "上城区"),
    ("330105", "拱墅区"),
    ("330106", "西湖区"),
    ("330108", "滨江区"),
    ("330109", "萧山区"),
    ("330110", "余杭区"),
    ("330111", "富阳区"),
    ("330112", "临安区"),
    ("330122", "桐庐县"),
    ("330127", "淳安县"),
]
DEPARTMENTS = [
    "卫生健康局",
    "公安局",
    "医疗保障局",
    "人力资源和社会保障局",
    "市场监督管理局",
    "住房和城乡建设局",
    "消防救援大队",
    "自然资源和规划局",
    "税务局",
    "民政局",
]
#: (department, item name, promised limit, legal limit, applicant materials)
ITEMS = [
    (0, "出生医学证明核发", 3, 10, ["父母居民身份证", "出生医学证明申请表"]),
    (1, "出生户口登记", 5, 20, ["父母居民身份证", "户口簿", "结婚证"]),
    (2, "城乡居民医保参保登记", 5, 20, ["户口簿", "参保登记表"]),
    (3, "社会保障卡申领", 10, 20, ["居民身份证", "社会保障卡申领表"]),
    (4, "营业执照核发", 3, 15, ["公司登记申请书", "公司章程", "住所使用证明"]),
    (4, "食品经营许可", 10, 20, ["食品经营许可申请书", "食品安全管理制度"]),
    (5, "户外招牌设置审批", 5, 20, ["招牌设计效果图", "场地使用证明"]),
    (6, "公众聚集场所投入使用营业前消防安全检查", 10, 20, ["消防安全检查申报表"]),
    (7, "不动产转移登记", 5, 30, ["不动产权证书", "存量房买卖合同", "居民身份证"]),
    (8, "存量房交易税费申报", 1, 5, ["存量房买卖合同", "居民身份证"]),
    (5, "存量房买卖合同网签备案", 3, 10, ["存量房买卖合同"]),
    (9, "结婚登记", 1, 1, ["居民身份证", "户口簿", "近期半身免冠合影照片"]),
    (9, "最低生活保障申请", 20, 30, ["低保申请书", "家庭收入证明"]),
    (3, "职工退休审批", 10, 20, ["居民身份证", "职工档案"]),
    (1, "居住证申领", 7, 15, ["居民身份证", "居住证明"]),
    (2, "基本医疗保险关系转移接续", 10, 45, ["参保凭证", "转移接续申请表"]),
]
#: (code, name, event kind, item indexes); the first is the submit benchmark's bundle.
BUNDLES = [
    ("YJS-CS", "出生一件事", "life", [0, 1, 2]),
    ("YJS-CY", "开办餐饮店一件事", "business", [4, 5, 6]),
    ("YJS-FW", "二手房转让一件事", "life", [7, 8, 10]),
    ("YJS-TX", "退休一件事", "life", [13, 3, 15]),
]


# --- where each dataset lives --------------------------------------------------------
def database_url(scale: str) -> str:
    """PostgreSQL when DATABASE_URL names one (the 10k dataset in `<db>_10k` beside it),
    else a SQLite file per scale under the bench directory."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        if scale == "1m":
            return base
        parts = urlsplit(base)
        return urlunsplit(parts._replace(path=f"{parts.path}_{scale}"))
    name = "cases.sqlite3" if scale == "1m" else f"cases-{scale}.sqlite3"
    return f"sqlite:///{BENCH_DIR / name}"


def info_path(scale: str) -> Path:
    return BENCH_DIR / f"cases-{scale}.json"


def load_info(scale: str) -> dict:
    path = info_path(scale)
    if not path.exists():
        raise SystemExit(f"no {scale} dataset: run bench/cases_generate.py first")
    return json.loads(path.read_text())


def setup_django(scale: str) -> None:
    """Point this process at the dataset of `scale` (bench.settings: DEBUG off)."""
    url = database_url(scale)
    if url.startswith("postgres"):
        _ensure_pg_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["ONEVISIT_BENCH_DIR"] = str(BENCH_DIR)
    os.environ["ONEVISIT_MEDIA_ROOT"] = str(BENCH_DIR / "media")  # the bench's uploads
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _ensure_pg_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _drop_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def log(msg: str, t0: float) -> None:
    print(f"[{time.monotonic() - t0:7.1f}s] {msg}", flush=True)


# --- the world, through the services ----------------------------------------------------
def build_world(t0: float) -> dict:
    """Regions, departments, staff, items and bundles, through the services (audited)."""
    from django.core.management import call_command
    from django.db import connection

    from onevisit.core.models import Role, User
    from onevisit.regions.models import Level
    from onevisit.testing import catalog_factories as cf
    from onevisit.testing import duty_factories as df
    from onevisit.testing import factories as f

    call_command("migrate", verbosity=0, interactive=False)
    log("migrated", t0)
    with connection.cursor() as cursor:  # the baseline of bench/urls.py's /bench/insert
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_row (id INTEGER PRIMARY KEY"
            + (
                " AUTOINCREMENT"
                if connection.vendor == "sqlite"
                else " GENERATED ALWAYS AS IDENTITY"
            )
            + ", created_at TIMESTAMP NOT NULL, payload TEXT NOT NULL)"
        )
    province = f.RegionFactory(code="33", name="浙江省", level=Level.PROVINCE)
    city = f.RegionFactory(code="3301", name="杭州市", level=Level.CITY, parent=province)
    counties = [
        f.RegionFactory(code=code, name=name, level=Level.COUNTY, parent=city)
        for code, name in COUNTIES
    ]
    departments: list[list[int]] = []  # [county][department] -> organization id
    windows, reviewers, clerks = [], {}, []
    for county in counties:
        row = []
        for dept in DEPARTMENTS:
            org = f.organization(name=f"{county.name}{dept}", region=county)
            row.append(org.pk)
            user = User.objects.create(username=f"reviewer-{org.pk}", password=UNUSABLE)
            f.grant(user, Role.DEPARTMENT_REVIEWER, region=county, organization=org)
            reviewers[org.pk] = user.pk
        departments.append(row)
        window = f.organization(name=f"{county.name}行政服务中心", region=county)
        windows.append(window.pk)
        clerk = User.objects.create(username=f"clerk-{county.code}", password=UNUSABLE)
        f.grant(clerk, Role.WINDOW_CLERK, region=county, organization=window)
        clerks.append(clerk.pk)
    log(f"{len(counties)} counties, {len(counties) * (len(DEPARTMENTS) + 1)} organizations", t0)

    from onevisit.orgs.models import Organization

    orgs = Organization.objects.in_bulk([pk for row in departments for pk in row])
    items = []
    home = COUNTIES.index(("330122", "桐庐县"))
    for n, (dept, name, promised, legal, materials) in enumerate(ITEMS):
        duty = df.base_item(
            code=f"BENCH-{n:03d}", name=name, region=province, levels=[Level.COUNTY]
        )
        for row in departments:
            df.assign(duty, orgs[row[dept]])
        item = cf.service_item(
            duty=duty,
            organization=orgs[departments[home][dept]],
            catalog_code=f"3300BENCH{n:03d}",
            implementation_code=f"11330122BENCH{n:03d}",
        )
        version = cf.draft(
            item,
            **{**cf.COMPLETE, "name": name, "promised_limit": promised, "legal_limit": legal},
            online=True,
        )
        for material in materials:
            cf.material(version, material)
        version = cf.publish(version)
        items.append(
            {
                "id": item.pk,
                "version": version.pk,
                "department": dept,
                "name": name,
                "promised": promised,
                "legal": legal,
                "result": version.result_name,
            }
        )
    from onevisit.catalog.models import ServiceItem

    by_pk = ServiceItem.objects.in_bulk([i["id"] for i in items])
    bundles = []
    for code, name, kind, members in BUNDLES:
        b = cf.bundle(
            [by_pk[items[i]["id"]] for i in members],
            region=province,
            code=code,
            name=name,
            event_kind=kind,
            publish=True,
        )
        bundles.append({"id": b.pk, "code": code, "name": name, "items": members})
    log(f"{len(items)} items, {len(bundles)} bundles published", t0)
    return {
        "counties": [c.code for c in counties],
        "county_ids": [c.pk for c in counties],
        "departments": departments,
        "department_names": DEPARTMENTS,
        "windows": windows,
        "reviewers": {str(k): v for k, v in reviewers.items()},
        "clerks": clerks,
        "items": items,
        "bundles": bundles,
    }


# --- bulk writing ---------------------------------------------------------------------------
class Bulk:
    """Rows into a table as fast as the database takes them: one executemany per chunk in
    one transaction (SQLite), COPY per chunk (PostgreSQL, with the tables' secondary
    indexes dropped first and built again at the end). Foreign keys are not checked
    row by row (PRAGMA foreign_keys=OFF; session_replication_role=replica, which skips the
    constraint triggers) but once over the whole tables at the end (`check_foreign_keys`)."""

    def __init__(self, models: list):
        from django.db import connection

        self.models = models
        self.indexes: list[tuple[str, str]] = []
        connection.ensure_connection()
        self.connection = connection
        self.vendor = connection.vendor
        self.raw = connection.connection
        self.rows = 0

    def begin(self) -> None:
        if self.vendor == "sqlite":
            for pragma in (
                "foreign_keys=OFF",
                "journal_mode=OFF",
                "synchronous=OFF",
                "cache_size=-1000000",
                "temp_store=MEMORY",
            ):
                self.raw.execute(f"PRAGMA {pragma}")
            self.raw.execute("BEGIN")
        else:
            self.raw.execute("SET session_replication_role = replica")
            # Secondary indexes are built once at the end, which is several times faster
            # than keeping them up to date row by row; constraints' indexes stay.
            tables = [m._meta.db_table for m in self.models]
            self.indexes = self.raw.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"
                " AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                [tables],
            ).fetchall()
            for name, _definition in self.indexes:
                self.raw.execute(f'DROP INDEX "{name}"')

    def commit(self) -> None:
        if self.vendor == "sqlite":
            self.raw.execute("COMMIT")
            self.raw.execute("PRAGMA journal_mode=WAL")
            self.raw.execute("PRAGMA synchronous=NORMAL")
            self.raw.execute("PRAGMA foreign_keys=ON")
        else:
            self.raw.execute("SET session_replication_role = origin")
            self.raw.execute("SET maintenance_work_mem = '512MB'")
            for _name, definition in self.indexes:
                self.raw.execute(definition)

    def ts(self, value: datetime.datetime) -> str:
        """An aware datetime as the column stores it."""
        utc = value.astimezone(datetime.UTC)
        if self.vendor == "sqlite":
            return utc.strftime("%Y-%m-%d %H:%M:%S.%f")
        return utc.strftime("%Y-%m-%d %H:%M:%S.%f+00")

    def write(self, model, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        table = model._meta.db_table
        names = ", ".join(columns)
        if self.vendor == "sqlite":
            marks = ", ".join("?" * len(columns))
            self.raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608
        else:
            lines = "".join("\t".join(map(_pg_text, row)) + "\n" for row in rows)
            with (
                self.raw.cursor() as cursor,
                cursor.copy(f"COPY {table} ({names}) FROM STDIN") as c,
            ):
                c.write(lines)
        self.rows += len(rows)


def _pg_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


def _columns(model, columns: tuple[str, ...]) -> tuple[str, ...]:
    """`columns`, checked to be exactly the model's: a model change fails loudly here."""
    actual = {f.column for f in model._meta.concrete_fields}
    if set(columns) != actual:
        raise SystemExit(
            f"{model._meta.db_table}: generator columns differ from the model: "
            f"missing {sorted(actual - set(columns))}, unknown {sorted(set(columns) - actual)}"
        )
    return columns


def _next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def generate_cases(world: dict, *, cases: int, applicants: int, t0: float) -> dict:
    """Applicants with their accounts, then cases with their tasks, suspensions, notices
    and visits, in chunks of CHUNK cases."""
    from django.utils import timezone
    from stdnum.cn import ric, uscc

    from onevisit.cases.choices import (
        ApplicantKind,
        CaseState,
        Channel,
        DeliveryMethod,
        SuspensionKind,
        TaskState,
        VisitKind,
    )
    from onevisit.cases.models import Applicant, Case, SupplementNotice, Suspension, Task, Visit
    from onevisit.core import calendar
    from onevisit.core.models import Role, RoleAssignment, User

    rng = random.Random(SEED)
    bulk = Bulk([User, RoleAssignment, Applicant, Case, Task, Suspension, SupplementNotice, Visit])
    tz = timezone.get_current_timezone()
    now = timezone.now()
    today = timezone.localdate(now)
    start = now - datetime.timedelta(days=DAYS)
    county_ids, counties = world["county_ids"], world["counties"]
    departments, windows, clerks = world["departments"], world["windows"], world["clerks"]
    reviewers = {int(k): v for k, v in world["reviewers"].items()}
    items, bundles = world["items"], world["bundles"]

    user_cols = _columns(
        User,
        ("id", "password", "last_login", "is_superuser", "username", "first_name", "last_name",
         "email", "is_staff", "is_active", "date_joined", "display_name"),
    )  # fmt: skip
    role_cols = _columns(RoleAssignment, ("id", "user_id", "role", "organization_id", "region_id"))
    applicant_cols = _columns(
        Applicant,
        ("id", "kind", "name", "identifier", "phone", "email", "address", "region_id",
         "user_id", "created_at"),
    )  # fmt: skip
    case_cols = _columns(
        Case,
        ("id", "number", "applicant_id", "bundle_id", "title", "channel", "region_id",
         "window_id", "submitted_by_id", "idempotency_key", "submission_digest", "submitted_at",
         "intake_date", "state", "form_data", "delivery_method", "delivery_address",
         "decided_at", "delivered_at", "completed_on", "visits", "check_code_digest"),
    )  # fmt: skip
    task_cols = _columns(
        Task,
        ("id", "case_id", "position", "item_id", "version_id", "organization_id", "state",
         "immediate", "promised_limit", "legal_limit", "accepted_on", "due_date",
         "extension_days", "extension_reason", "extension_approved_by_id", "decided_at",
         "decided_on", "decided_by_id", "decision_reason", "legal_basis", "result_name"),
    )  # fmt: skip
    suspension_cols = _columns(
        Suspension, ("id", "task_id", "kind", "reason", "started_on", "ended_on", "started_by_id")
    )
    notice_cols = _columns(
        SupplementNotice,
        ("id", "task_id", "number", "missing", "new_fact", "reason", "issued_at", "issued_by_id",
         "answered_at", "answered_in_person"),
    )  # fmt: skip
    visit_cols = _columns(
        Visit, ("id", "case_id", "kind", "at", "recorded_by_id", "organization_id")
    )

    ids = {
        m: _next_id(m)
        for m in (User, RoleAssignment, Applicant, Case, Task, Suspension, SupplementNotice, Visit)
    }
    bulk.begin()

    # Applicants, each with an account and the citizen role.
    surnames, given = (
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高",
        "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平",
    )
    joined = bulk.ts(start - datetime.timedelta(days=30))
    birth0 = datetime.date(1950, 1, 1)
    applicant_county: list[int] = []
    applicant_user: list[int] = []
    users, roles, people = [], [], []
    first_applicant = ids[Applicant]
    for n in range(applicants):
        c = rng.randrange(len(counties))
        uid, aid = ids[User] + n, first_applicant + n
        applicant_county.append(c)
        applicant_user.append(uid)
        users.append(
            (uid, UNUSABLE, None, False, f"citizen{n:07d}", "", "", "", False, True,
             joined, "")
        )  # fmt: skip
        roles.append((ids[RoleAssignment] + n, uid, Role.CITIZEN, None, county_ids[c]))
        if n % 10 == 9:
            body = f"91{counties[c]}{n:09d}"
            kind, ident = ApplicantKind.ENTERPRISE, body + uscc.calc_check_digit(body)
            name = f"杭州{rng.choice(surnames)}{given[n % len(given)]}商贸有限公司{n}"
        else:
            birth = birth0 + datetime.timedelta(days=n % 20_000)
            body = f"{counties[c]}{birth:%Y%m%d}{n // 20_000:03d}"
            kind, ident = ApplicantKind.PERSON, body + ric.calc_check_digit(body + "0")
            name = rng.choice(surnames) + rng.choice(given) + rng.choice(given)
        people.append((aid, kind, name, ident, "", "", "", county_ids[c], uid, joined))
        if len(people) == CHUNK:
            bulk.write(User, user_cols, users)
            bulk.write(RoleAssignment, role_cols, roles)
            bulk.write(Applicant, applicant_cols, people)
            users, roles, people = [], [], []
    bulk.write(User, user_cols, users)
    bulk.write(RoleAssignment, role_cols, roles)
    bulk.write(Applicant, applicant_cols, people)
    log(f"{applicants:,} applicants with accounts", t0)

    @functools.cache
    def due(accepted: datetime.date, limit: int) -> datetime.date:
        return calendar.add_working_days(accepted, limit)

    def at(day: datetime.date, hour: int) -> str:
        return bulk.ts(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=tz))

    offsets = sorted(rng.random() for _ in range(cases))
    span = (now - start).total_seconds()
    decided_states = {TaskState.APPROVED, TaskState.DENIED, TaskState.NOT_ACCEPTED}
    stats = {"states": {}, "task_states": {}, "channels": {}, "visits": 0}
    task_id, suspension_id = ids[Task], ids[Suspension]
    notice_id, visit_id = ids[SupplementNotice], ids[Visit]
    case_rows, task_rows, suspension_rows, notice_rows, visit_rows = [], [], [], [], []
    missing = json.dumps(
        [{"name": "户口簿", "note": "请提供户主页和本人页的清晰扫描件"}], ensure_ascii=False
    )
    for n in range(cases):
        cid = ids[Case] + n
        submitted = start + datetime.timedelta(seconds=offsets[n] * span)
        intake = submitted.astimezone(tz).date()
        age = (today - intake).days
        a = rng.randrange(applicants)
        c = applicant_county[a]
        window = rng.random() < 0.3
        if rng.random() < 0.45:
            bundle = bundles[0] if rng.random() < 0.4 else rng.choice(bundles)
            members = bundle["items"]
            title, bundle_id = bundle["name"], bundle["id"]
        else:
            members = rng.sample(range(len(items)), 2)
            title, bundle_id = items[members[0]]["name"], None
        states, last_decided = [], None
        for position, i in enumerate(members):
            item = items[i]
            org = departments[c][item["department"]]
            accepted = due_on = decided_at = decided_on = decided_by = None
            reason = basis = ""
            r = rng.random()
            if (age == 0 and r < 0.85) or (age <= 2 and r < 0.3):
                state = TaskState.SUBMITTED
            else:
                state = TaskState.NOT_ACCEPTED if rng.random() < 0.02 else ""
            if state == TaskState.NOT_ACCEPTED:
                decided_on = intake + datetime.timedelta(days=min(age, 1))
                reason = "申请事项不属于本机关职权范围"
            elif state != TaskState.SUBMITTED:
                accepted = intake + datetime.timedelta(days=min(age, rng.choice((0, 0, 1, 1, 2))))
                due_on = due(accepted, item["promised"])
                limit_days = max((due_on - accepted).days, 1)
                elapsed = (today - accepted).days
                frac = elapsed / limit_days
                p = 0.15 if frac < 0.5 else 0.6 if frac < 1 else 0.97 if frac < 3 else 0.999
                if rng.random() < p:
                    state = TaskState.APPROVED if rng.random() < 0.96 else TaskState.DENIED
                    decided_on = accepted + datetime.timedelta(
                        days=rng.randint(0, max(0, min(elapsed, limit_days)))
                    )
                    if state == TaskState.DENIED:
                        reason = "申请人不符合法定条件"
                        basis = "《中华人民共和国行政许可法》第三十八条第二款"
                else:
                    r = rng.random()
                    state = (
                        TaskState.ACCEPTED
                        if r < 0.75
                        else TaskState.SUPPLEMENT
                        if r < 0.9
                        else TaskState.SUSPENDED
                    )
                    if state != TaskState.ACCEPTED:
                        since = accepted + datetime.timedelta(days=rng.randint(0, max(elapsed, 0)))
                        kind = (
                            SuspensionKind.SUPPLEMENT
                            if state == TaskState.SUPPLEMENT
                            else SuspensionKind.EXPERT_REVIEW
                        )
                        suspension_rows.append(
                            (
                                suspension_id,
                                task_id,
                                kind,
                                "",
                                since.isoformat(),
                                None,
                                reviewers[org],
                            )
                        )
                        suspension_id += 1
                        if state == TaskState.SUPPLEMENT:
                            notice_rows.append(
                                (notice_id, task_id, 1, missing, "", "", at(since, 10),
                                 reviewers[org], None, False)
                            )  # fmt: skip
                            notice_id += 1
            if decided_on is not None:
                decided_on = min(decided_on, today)
                decided_at = at(decided_on, rng.randint(9, 16))
                decided_by = reviewers[org]
                last_decided = max(last_decided or decided_on, decided_on)
            states.append(state)
            stats["task_states"][state] = stats["task_states"].get(state, 0) + 1
            task_rows.append(
                (task_id, cid, position, item["id"], item["version"], org, state, False,
                 item["promised"], item["legal"], accepted and accepted.isoformat(),
                 due_on and due_on.isoformat(), 0, "", None, decided_at,
                 decided_on and decided_on.isoformat(), decided_by, reason, basis, item["result"])
            )  # fmt: skip
            task_id += 1
        if window:
            delivery = rng.choices(
                [DeliveryMethod.PICKUP, DeliveryMethod.EXPRESS, DeliveryMethod.DOWNLOAD],
                [5, 2, 3],
            )[0]
        else:
            delivery = rng.choices(
                [DeliveryMethod.DOWNLOAD, DeliveryMethod.EXPRESS, DeliveryMethod.PICKUP],
                [75, 20, 5],
            )[0]
        decided_at = delivered_at = completed_on = None
        if TaskState.SUPPLEMENT in states:
            case_state = CaseState.NEEDS_SUPPLEMENT
        elif all(s in decided_states for s in states):
            decided_at = at(last_decided, 17)
            waited = (today - last_decided).days
            if rng.random() < (0.998 if waited > 30 else 0.9 if waited >= 2 else 0.4):
                case_state = CaseState.COMPLETED
                completed_on = min(last_decided + datetime.timedelta(days=rng.randint(0, 2)), today)
                delivered_at = at(completed_on, 11)
            else:
                case_state = CaseState.DECIDED
        else:
            case_state = CaseState.IN_PROGRESS
        visits = 0
        if window:
            visit_rows.append(
                (visit_id, cid, VisitKind.INTAKE, bulk.ts(submitted), clerks[c], windows[c])
            )
            visit_id, visits = visit_id + 1, visits + 1
        if delivery == DeliveryMethod.PICKUP and completed_on is not None:
            visit_rows.append(
                (visit_id, cid, VisitKind.PICKUP, delivered_at, clerks[c], windows[c])
            )
            visit_id, visits = visit_id + 1, visits + 1
        stats["visits"] += visits
        stats["states"][case_state] = stats["states"].get(case_state, 0) + 1
        channel = Channel.WINDOW if window else Channel.ONLINE
        stats["channels"][channel] = stats["channels"].get(channel, 0) + 1
        case_rows.append(
            (cid, f"{counties[c]}-{intake.year}-{cid:08d}", first_applicant + a, bundle_id, title,
             channel, county_ids[c], windows[c] if window else None,
             clerks[c] if window else applicant_user[a], f"generated-{cid}", "0" * 64,
             bulk.ts(submitted), intake.isoformat(), case_state, "{}", delivery,
             "浙江省杭州市示例路1号" if delivery == DeliveryMethod.EXPRESS else "", decided_at,
             delivered_at, completed_on and completed_on.isoformat(), visits, "")
        )  # fmt: skip
        if len(case_rows) == CHUNK or n == cases - 1:
            bulk.write(Case, case_cols, case_rows)
            bulk.write(Task, task_cols, task_rows)
            bulk.write(Suspension, suspension_cols, suspension_rows)
            bulk.write(SupplementNotice, notice_cols, notice_rows)
            bulk.write(Visit, visit_cols, visit_rows)
            case_rows, task_rows, suspension_rows, notice_rows, visit_rows = [], [], [], [], []
            if (n + 1) % (CHUNK * 4) == 0 or n == cases - 1:
                log(f"{n + 1:,} cases, {task_id - ids[Task]:,} tasks", t0)
    bulk.commit()
    stats["tasks"] = task_id - ids[Task]
    stats["rows"] = bulk.rows
    stats["serial"] = ids[Case] + cases
    return stats


def check_foreign_keys(cursor, models) -> None:
    """Every foreign key of the bulk-loaded tables points at a row (they were not checked
    row by row while loading)."""
    if cursor.db.vendor == "sqlite":
        cursor.execute("PRAGMA foreign_key_check")
        broken = cursor.fetchall()
        if broken:
            raise SystemExit(f"foreign keys broken: {broken[:5]}")
        return
    for model in models:
        for field in model._meta.concrete_fields:
            if not field.is_relation:
                continue
            target = field.related_model._meta
            cursor.execute(
                f"SELECT count(*) FROM {model._meta.db_table} c"  # noqa: S608
                f" WHERE c.{field.column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
                f" {target.db_table} p WHERE p.{target.pk.column} = c.{field.column})"
            )
            if broken := cursor.fetchone()[0]:
                raise SystemExit(f"{broken} rows of {model._meta.db_table}.{field.column} dangle")


def finish(stats: dict, t0: float) -> dict:
    """Sequences past the generated ids, planner statistics, and a check of the rows."""
    from django.core.management.color import no_style
    from django.db import connection

    from onevisit.cases import sequence
    from onevisit.cases.models import Applicant, Case, SupplementNotice, Suspension, Task, Visit
    from onevisit.core.models import RoleAssignment, User

    models = [User, RoleAssignment, Applicant, Case, Task, Suspension, SupplementNotice, Visit]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
            cursor.execute("SELECT setval(%s, %s)", [sequence.SEQUENCE, stats["serial"]])
        else:
            cursor.execute(
                f"INSERT INTO {sequence.SEQUENCE} (id) VALUES (%s)",  # noqa: S608
                [stats["serial"]],
            )
        cursor.execute("ANALYZE")
        log("analyzed", t0)
        check_foreign_keys(cursor, models)
        log("foreign keys checked", t0)
        cursor.execute(
            "SELECT n, count(*) FROM (SELECT case_id, count(*) AS n FROM cases_task"
            " GROUP BY case_id) t GROUP BY n ORDER BY n"
        )
        per_case = dict(cursor.fetchall())
    counts = {
        "cases": Case.objects.count(),
        "tasks": Task.objects.count(),
        "applicants": Applicant.objects.count(),
        "visits": Visit.objects.count(),
        "suspensions": Suspension.objects.count(),
        "notices": SupplementNotice.objects.count(),
        "tasks_per_case": {str(k): v for k, v in per_case.items()},
    }
    if set(per_case) - {2, 3} or sum(per_case.values()) != counts["cases"]:
        raise SystemExit(f"a case without 2 or 3 tasks: {per_case}")
    log(f"checked: {counts}", t0)
    return counts


def generate_one(scale: str, force: bool) -> dict:
    cases, applicants = SCALES[scale]
    url = database_url(scale)
    path = info_path(scale)
    if path.exists() and not force:
        info = json.loads(path.read_text())
        present = not url.startswith("sqlite") or Path(url.removeprefix("sqlite:///")).exists()
        if info.get("database_url") == url and info.get("cases") == cases and present:
            return {"scale": scale, "skipped": True, "counts": info["counts"]}
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    if url.startswith("postgres"):
        _ensure_pg_database(url)
    _drop_database(url)
    t0 = time.monotonic()
    setup_django(scale)
    world = build_world(t0)
    world_s = round(time.monotonic() - t0, 1)
    stats = generate_cases(world, cases=cases, applicants=applicants, t0=t0)
    bulk_s = round(time.monotonic() - t0 - world_s, 1)
    counts = finish(stats, t0)
    from django.utils import timezone

    info = {
        "scale": scale,
        "database_url": url,
        "cases": cases,
        "applicants": applicants,
        "generated_on": timezone.localdate().isoformat(),
        "counts": counts,
        "stats": stats,
        "world": world,
        "seconds": {
            "world": world_s,
            "bulk": bulk_s,
            "total": round(time.monotonic() - t0, 1),
        },
    }
    path.write_text(json.dumps(info, indent=1, ensure_ascii=False))
    log(f"done: {path}", t0)
    return {"scale": scale, "seconds": info["seconds"], "counts": counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES))
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    if args.scale:
        print(json.dumps(generate_one(args.scale, args.force), ensure_ascii=False))
        return
    # One process per database: Django's settings are fixed once per process.
    for scale in ("10k", "1m"):
        command = [sys.executable, __file__, "--scale", scale]
        subprocess.run(command + (["--force"] if args.force else []), check=True)


if __name__ == "__main__":
    main()
