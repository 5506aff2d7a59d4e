"""`seed_demo` builds a consistent, deterministic demo province through the services.

The small scale (same organizations, a few staff per quota) carries most checks; one
test runs the full default scale, the one developers get from `manage.py seed_demo`.
"""

import datetime
import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, Q
from stdnum.cn import ric, uscc

from onevisit.core.audit import verify_chain
from onevisit.core.models import AuditChainHead, AuditEntry, RoleAssignment, User
from onevisit.demo.accounts import DEMO_LOGINS, DEMO_PASSWORD
from onevisit.demo.data import province
from onevisit.demo.numbers import birthplace_fits
from onevisit.demo.seed import organization_fingerprint, registry_counts, registry_fingerprint
from onevisit.duties.models import Duty, DutyAssignment
from onevisit.orgs.choices import ORGAN_KINDS, InstitutionClass, OrgKind, QuotaCategory
from onevisit.orgs.models import (
    Appointment,
    Charter,
    Organization,
    Person,
    PostBalance,
    QuotaBalance,
    QuotaLine,
)
from onevisit.reforms.models import OrganizationLink, ReformPlan
from onevisit.regions.models import Level, Region

pytestmark = pytest.mark.django_db

#: The organizations' digest (names, kinds, regions, credit codes, dates). It changes only
#: when the demo data changes on purpose: then update it with the value the test prints.
ORGANIZATIONS_FINGERPRINT = "0a16d1ad22dd11cab76fe34202bd3e58560e005be88ffdf08aa7f8c5ec8eebba"

NAMED_PROVINCIAL_ORGANS = [
    "中共浙江省委组织部",
    "中共浙江省委机构编制委员会办公室",
    "中共浙江省委办公厅",
    "中共浙江省委宣传部",
    "中共浙江省委统战部",
    "中共浙江省委政法委员会",
    "浙江省人民政府办公厅",
    "浙江省发展和改革委员会",
    "浙江省自然资源厅",
    "浙江省生态环境厅",
    "浙江省应急管理厅",
    "浙江省市场监督管理局",
    "浙江省公安厅",
    "浙江省财政厅",
    "浙江省人力资源和社会保障厅",
    "浙江省卫生健康委员会",
    "浙江省教育厅",
    "浙江省住房和城乡建设厅",
    "浙江省交通运输厅",
    "浙江省农业农村厅",
    "浙江省商务厅",
    "浙江省文化和旅游厅",
    "浙江省司法厅",
    "浙江省民政厅",
    "浙江省退役军人事务厅",
    "浙江省审计厅",
    "浙江省外事办公室",
    "浙江省水利厅",
    "浙江省科学技术厅",
    "浙江省经济和信息化厅",
    "浙江省医疗保障局",
    "浙江省大数据发展管理局",
    "浙江省统计局",
    "浙江省体育局",
    "浙江省林业局",
    "浙江省人民政府国有资产监督管理委员会",
]
DOCUMENT = re.compile(r"^.+〔(2018|2019)〕\d+号$")


def seed(scale: str = "small") -> str:
    out = StringIO()
    call_command("seed_demo", "--scale", scale, stdout=out)
    return out.getvalue()


def organs(region_prefix: str, *, exact: bool = False):
    """Organs standing today (the abolished ones of the reform history left out)."""
    qs = Organization.objects.filter(kind__in=ORGAN_KINDS, valid_to=None)
    if exact:
        return qs.filter(region__code=region_prefix)
    return qs.filter(region__code__startswith=region_prefix)


def assert_consistent_province(*, full: bool) -> None:
    # --- organizations ------------------------------------------------------------
    provincial = organs("33", exact=True)
    assert 38 <= provincial.count() <= 46
    names = set(provincial.values_list("name", flat=True))
    assert not set(NAMED_PROVINCIAL_ORGANS) - names
    assert "浙江省国土资源厅" not in names and "浙江省环境保护厅" not in names
    assert provincial.filter(kind=OrgKind.PARTY_ORGAN).count() >= 6
    living = Organization.objects.filter(valid_to=None)
    managed = living.filter(kind=OrgKind.DEPARTMENT_MANAGED)
    assert managed.filter(
        name="浙江省林业局", managing_organization__name="浙江省自然资源厅"
    ).exists()
    assert not managed.filter(managing_organization=None).exists()
    assert not living.filter(kind=OrgKind.PUBLIC_INSTITUTION, managing_organization=None).exists()
    assert not living.filter(managing_organization__valid_to__isnull=False).exists()

    assert organs("3301", exact=True).count() >= 33
    assert organs("3301", exact=True).filter(name="杭州市规划和自然资源局").exists()
    tonglu = organs("330122")
    assert tonglu.filter(region__code="330122").count() >= 30
    for name in [
        "桐庐县自然资源和规划局",
        "桐庐县综合行政执法局",
        "中共桐庐县委机构编制委员会办公室",
    ]:
        assert tonglu.filter(name=name).exists(), name
    keqiao = organs("330603")
    assert keqiao.filter(region__code="330603").count() >= 28
    assert keqiao.filter(name="绍兴市柯桥区综合行政执法局", kind=OrgKind.ENFORCEMENT_BODY).exists()
    for county in ["330122", "330603"]:
        townships = Region.objects.filter(parent__code=county, level=Level.TOWNSHIP).count()
        governments = living.filter(
            kind=OrgKind.TOWNSHIP_GOVERNMENT, region__parent__code=county, level=Level.TOWNSHIP
        )
        assert governments.count() == townships > 10
    assert Organization.objects.filter(name="桐庐县城南街道办事处").exists()
    assert Organization.objects.filter(name="桐庐县分水镇人民政府").exists()

    classes = set(
        Organization.objects.filter(kind=OrgKind.PUBLIC_INSTITUTION).values_list(
            "institution_class", flat=True
        )
    )
    assert classes == set(InstitutionClass.values)
    for name in ["浙江省自然资源厅信息中心", "桐庐县第一人民医院", "杭州市公共资源交易中心"]:
        assert Organization.objects.filter(name=name, kind=OrgKind.PUBLIC_INSTITUTION).exists()

    codes = list(
        Organization.objects.exclude(credit_code=None).values_list("credit_code", flat=True)
    )
    assert all(uscc.is_valid(code) for code in codes)
    assert len(set(codes)) == len(codes)
    # A reform plan's "establish" carries no credit code yet: only those lack one.
    plan_dates = set(ReformPlan.objects.values_list("effective_date", flat=True))
    for org in Organization.objects.filter(credit_code=None):
        assert org.valid_from in plan_dates, org

    # --- charters: today's (post-reform) ones; the earlier ones date from 2010–2015 -------
    charters = Charter.objects.filter(valid_to=None, organization__valid_to=None).annotate(
        n_functions=Count("functions", distinct=True),
        n_bodies=Count("internal_bodies", distinct=True),
    )
    assert charters.count() == living.count()
    for charter in Charter.objects.exclude(pk__in=charters.values("pk")):
        assert charter.effective_date <= datetime.date(2019, 3, 1), charter
        assert charter.effective_date >= datetime.date(2010, 1, 1), charter
    for charter in charters.select_related("organization"):
        assert 3 <= charter.n_functions <= 8, charter
        assert 3 <= charter.n_bodies <= 10, charter
        assert DOCUMENT.match(charter.document_number), charter.document_number
        assert datetime.date(2018, 1, 1) <= charter.effective_date <= datetime.date(2019, 12, 31)
        assert charter.effective_date >= charter.organization.valid_from
        posts = {p.rank: p.approved for p in charter.post_lines.all()}
        assert posts["head"] == 1 and 2 <= posts["deputy"] <= 5
    reformed = Organization.objects.filter(
        name__in=["浙江省自然资源厅", "浙江省生态环境厅", "浙江省应急管理厅"]
    )
    assert all(
        datetime.date(2018, 1, 1) <= o.valid_from <= datetime.date(2019, 12, 31) for o in reformed
    )

    # --- quotas: never over-staffed, never an institution quota in an organ --------------------
    assert not QuotaBalance.objects.filter(actual__gt=F("approved")).exists()
    assert not PostBalance.objects.filter(actual__gt=F("approved")).exists()
    institution_quota = Q(category=QuotaCategory.PUBLIC_INSTITUTION)
    assert not QuotaBalance.objects.filter(
        institution_quota, organization__kind__in=ORGAN_KINDS
    ).exists()
    assert not QuotaLine.objects.filter(
        institution_quota, charter__organization__kind__in=ORGAN_KINDS
    ).exists()
    assert not Appointment.objects.filter(
        institution_quota, organization__kind__in=ORGAN_KINDS
    ).exists()
    assert QuotaBalance.objects.filter(
        category=QuotaCategory.POLITICAL_LEGAL, organization__name="桐庐县公安局"
    ).exists()
    active = Appointment.objects.filter(end_date=None)
    for balance in QuotaBalance.objects.all():
        filled = active.filter(
            organization_id=balance.organization_id,
            category=balance.category,
            funding_type=balance.funding_type,
        ).count()
        assert filled == balance.actual
        if full:
            assert balance.actual >= 0.7 * balance.approved, (
                balance.organization,
                balance.category,
            )
    assert QuotaBalance.objects.filter(actual__lt=F("approved")).exists()  # some vacancies
    assert active.filter(post_rank="head").count() >= 0.8 * living.count()
    if full:  # at the small scale leaders (outside internal bodies) are half the staff
        assert active.exclude(internal_body=None).count() >= 0.5 * active.count()

    # --- people: fictional, valid identity numbers, born in the organization's area ---------
    for appointment in Appointment.objects.select_related("person", "organization__region"):
        number = appointment.person.identity_number
        assert ric.is_valid(number), number
        assert birthplace_fits(number, appointment.organization.region.code), (
            number,
            appointment.organization,
        )
        assert "示例" in appointment.person.name
        assert 1965 <= appointment.person.birth_date.year <= 2000
        assert appointment.start_date >= appointment.organization.valid_from

    # --- logins ---------------------------------------------------------------------------
    for login in DEMO_LOGINS:
        user = authenticate(username=login.username, password=DEMO_PASSWORD)
        assert user is not None, login.username
        assignment = RoleAssignment.objects.select_related("region", "organization").get(user=user)
        assert assignment.role == login.role
        assert assignment.region.code == login.region
        assert (assignment.organization is not None) == (login.organization is not None)
    assert User.objects.get(username="admin").is_superuser
    org_of = {
        a.user.username: a.organization.name
        for a in RoleAssignment.objects.select_related("user", "organization").exclude(
            organization=None
        )
    }
    assert org_of["bianban"] == "中共浙江省委机构编制委员会办公室"
    assert org_of["tonglu.bianban"] == "中共桐庐县委机构编制委员会办公室"
    assert org_of["clerk.tonglu"] == "桐庐县行政服务中心"
    assert org_of["reviewer.tonglu.nr"] == org_of["head.tonglu.nr"] == "桐庐县自然资源和规划局"
    assert org_of["enforcement.keqiao"] == "绍兴市柯桥区综合行政执法局"

    # --- audit -----------------------------------------------------------------------------
    assert verify_chain() is None
    audited = AuditEntry.objects.filter(action__in=["appointment.create", "appointment.transfer"])
    assert audited.count() == Appointment.objects.count()


def wipe() -> None:
    """Empty the database as if fresh (inside the test's transaction)."""
    if connection.vendor == "postgresql":
        # The ORM's cascade walk over thousands of rows takes minutes on PostgreSQL;
        # TRUNCATE is transactional there and empties the same tables at once.
        tables = [
            model._meta.db_table
            for label in ("core", "regions", "orgs", "reforms", "duties")
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        return
    DutyAssignment.objects.all().delete()
    Duty.objects.filter(base__isnull=False).delete()
    Duty.objects.all().delete()
    OrganizationLink.objects.all().delete()
    ReformPlan.objects.all().delete()
    RoleAssignment.objects.all().delete()
    User.objects.all().delete()
    Appointment.objects.all().delete()
    Person.objects.all().delete()
    Organization.objects.update(managing_organization=None)
    Organization.objects.all().delete()
    AuditEntry.objects.all().delete()
    AuditChainHead.objects.all().delete()
    Region.objects.update(parent=None)
    Region.objects.all().delete()


def test_small_seed_builds_a_consistent_province_once():
    output = seed("small")
    assert "Demo province seeded" in output
    assert_consistent_province(full=False)

    fingerprint = organization_fingerprint()
    print(f"organization fingerprint: {fingerprint}")
    assert fingerprint == ORGANIZATIONS_FINGERPRINT

    counts, entries = registry_counts(), AuditEntry.objects.count()
    assert "already present" in seed("small")
    assert registry_counts() == counts
    assert AuditEntry.objects.count() == entries


def test_two_runs_on_empty_databases_are_identical():
    seed("small")
    first = registry_fingerprint(), registry_counts()
    wipe()
    assert Organization.objects.count() == 0
    seed("small")
    assert (registry_fingerprint(), registry_counts()) == first
    assert verify_chain() is None


def test_history_notes_split_the_provincial_list():
    """The data already says what existed before 2018, for the reform-plan issue."""
    changes = {spec.history.change for spec in province.ORGANS}
    assert changes <= {"kept", "renamed", "merged", "new"}
    before = {n for spec in province.ORGANS for n in spec.history.predecessors}
    before |= {spec.name for spec in province.ORGANS if spec.history.change == "kept"}
    assert {"浙江省国土资源厅", "浙江省环境保护厅", "浙江省安全生产监督管理局"} <= before
    assert "浙江省应急管理厅" not in before
    for spec in province.ORGANS:
        if spec.history.change in ("renamed", "merged", "new"):
            assert (
                datetime.date(2018, 1, 1) <= spec.history.established <= datetime.date(2019, 12, 31)
            )


def test_full_seed_is_consistent_and_realistic():
    """The default scale: quotas filled to 70–100 %, a few thousand staff."""
    output = seed("full")
    assert "Demo province seeded" in output
    assert 3000 <= Person.objects.count() <= 6000
    assert_consistent_province(full=True)
    assert "already present" in seed("full")
