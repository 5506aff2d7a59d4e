"""The demo's service desk: its catalog, bundles, logins and year of cases, seeded once at
the default (full) scale through the services. One seed carries all the checks."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.test import Client
from django.utils import timezone

from onevisit.cases import selectors
from onevisit.cases.choices import CaseState, Channel, DeliveryMethod, MaterialState, TaskState
from onevisit.cases.models import (
    Applicant,
    Case,
    CaseMaterial,
    Evaluation,
    Record,
    Rectification,
    Task,
)
from onevisit.catalog.choices import CaseType, MaterialSource, VersionState
from onevisit.catalog.models import Bundle, Material, ServiceItem, ServiceItemVersion
from onevisit.catalog.selectors import bundle_form, bundle_items, live_versions
from onevisit.core.audit import verify_chain
from onevisit.core.models import Role, RoleAssignment, User
from onevisit.demo.accounts import DEMO_PASSWORD
from onevisit.demo.cases import HISTORY_END, HISTORY_START
from onevisit.duties.models import DutyAssignment
from onevisit.licences import selectors as licence_selectors
from onevisit.licences.choices import Verdict
from onevisit.licences.indicators import vault_fill
from onevisit.licences.models import Licence, LicenceAccess, LicenceType, SigningKey

pytestmark = pytest.mark.django_db

BUNDLES = {
    "开餐馆一件事": {"营业执照", "食品经营许可证", "户外招牌设置审批决定书"},
    "出生一件事": {"出生医学证明", "居民户口簿（新生儿户口页）", "社会保障卡"},
    "二手房转移登记一件事": {"不动产权证书", "契税完税凭证", "水电气过户办理回执"},
}


def check_catalog(today: datetime.date) -> None:
    items = list(ServiceItem.objects.select_related("organization", "region"))
    assert 38 <= len(items) <= 45
    live = live_versions(items, today)
    assert set(live) == {i.pk for i in items}, "every item has a version in force today"
    assert {i.region.code for i in items} >= {"33", "3301", "330122"}
    assert sum(i.region.code == "330122" for i in items) >= 0.8 * len(items)
    for item in items:
        assert DutyAssignment.objects.filter(
            duty=item.duty_id, organization=item.organization_id, valid_to__isnull=True
        ).exists(), item
    versions = list(live.values())
    for v in versions:
        assert v.legal_limit and v.result_name and (v.materials.exists() or v.no_materials)
        if v.case_type == CaseType.PROMISED:
            assert 0 < v.promised_limit < v.legal_limit, v
        assert (v.onsite_visits == 0) or v.onsite_reason, v
    assert sum(v.onsite_visits == 1 for v in versions) >= 2
    assert sum(v.online for v in versions) >= 0.8 * len(versions)
    assert any(v.fee and v.fee_items for v in versions)
    assert {v.case_type for v in versions} == {CaseType.PROMISED, CaseType.IMMEDIATE}
    # versions: a second one ended the first on its start day, and cases kept the first
    second = ServiceItemVersion.objects.filter(number=2, state=VersionState.PUBLISHED)
    assert second.count() >= 3
    for v in second:
        first = ServiceItemVersion.objects.get(item=v.item_id, number=1)
        assert first.valid_to == v.valid_from
        assert Task.objects.filter(version=first).exists() and Task.objects.filter(version=v)
    sources = set(Material.objects.values_list("source", flat=True))
    assert sources == set(MaterialSource.values)
    assert {"business_licence", "household_register", "id_card"} <= set(
        Material.objects.exclude(licence_type="").values_list("licence_type", flat=True)
    )


def check_bundles(today: datetime.date) -> None:
    for name, results in BUNDLES.items():
        bundle = Bundle.objects.get(name=name)
        assert bundle.published
        items = bundle_items(bundle)
        versions = live_versions(items, today)
        assert results <= {v.result_name for v in versions.values()}, name
        fields = [f.key for f in bundle_form(bundle, today)]
        assert len(fields) == len(set(fields)) and "applicant_name" in fields
        shared = next(f for f in bundle_form(bundle, today) if f.key == "applicant_name")
        assert len(shared.items) == len(items), "one field for every item's applicant name"
        assert selectors.visit_rates(bundle_id=bundle.pk).completed > 5, name
    baby = Bundle.objects.get(name="出生一件事")
    assert len({i.organization_id for i in bundle_items(baby)}) >= 3
    assert Material.objects.filter(
        version__item__in=bundle_items(baby), source=MaterialSource.ISSUED_BY_ITEM
    ).exists()


def check_cases(today: datetime.date) -> None:
    assert 500 <= Case.objects.count() <= 1500
    assert set(Case.objects.values_list("state", flat=True)) == set(CaseState.values)
    assert set(Task.objects.values_list("state", flat=True)) == set(TaskState.values)
    assert set(Case.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert set(Case.objects.values_list("visits", flat=True)) >= {0, 1, 2}
    assert Case.objects.filter(
        state=CaseState.DECIDED, delivery_method=DeliveryMethod.PICKUP
    ).exists(), "decided, awaiting pick-up"
    admin = User.objects.get(username="admin")
    for queue in ("to_accept", "in_review", "waiting", "due_soon", "overdue", "decided"):
        assert selectors.task_queue(user=admin, queue=queue, today=today), queue
    assert Task.objects.filter(state=TaskState.SUSPENDED).exists()
    assert Task.objects.filter(extension_days__gt=0).exists()
    assert Task.objects.filter(decided_on__gt=F("due_date")).exists(), "some were late"

    rates = selectors.visit_rates(region_code="330122")
    assert rates.completed >= 400
    assert 0.8 <= rates.one_visit_rate <= 0.99, rates
    assert 0.2 <= rates.zero_visit_rate <= 0.9, rates
    # the year: completions spread over the months, not all dated on the day of seeding
    done = Case.objects.filter(state=CaseState.COMPLETED)
    assert not done.filter(completed_on__lt=HISTORY_START).exists()
    months = {d.strftime("%Y-%m") for d in done.values_list("completed_on", flat=True)}
    assert len(months) >= 11
    assert selectors.visit_rates(start=HISTORY_START, end=datetime.date(2026, 3, 31)).completed
    assert done.filter(completed_on__lte=HISTORY_END).count() >= 0.9 * done.count()

    # ratings: mostly good, a few poor ones, each with a rectification, open and closed
    ratings = dict(
        Evaluation.objects.filter(organization=None)
        .values_list("rating")
        .annotate(n=Count("pk"))
        .order_by()
    )
    assert ratings.get(5, 0) > 0.6 * sum(ratings.values())
    assert ratings.get(1, 0) + ratings.get(2, 0) >= 3
    states = set(Rectification.objects.values_list("state", flat=True))
    assert {"open", "closed"} <= states


def check_logins() -> None:
    client = Client()
    assert client.login(username="citizen", password=DEMO_PASSWORD)
    citizen = User.objects.get(username="citizen")
    mine = selectors.my_cases(user=citizen)
    titles = {c.title for c in mine}
    assert {"内地居民结婚登记", "出生一件事", "二手房转移登记一件事"} <= titles
    assert any(c.state == CaseState.NEEDS_SUPPLEMENT for c in mine)
    page = client.get("/cases/mine/")
    assert page.status_code == 200
    assert mine[0].number in page.content.decode()
    baby = next(c for c in mine if c.title == "出生一件事")
    assert (baby.state, baby.visits) == (CaseState.COMPLETED, 0)
    used = baby.materials.get(name="父母结婚证")
    assert used.state == MaterialState.FROM_RECORD
    assert used.record.title == "结婚证" and used.consent_at is not None
    assert Record.objects.filter(applicant__user=citizen).count() >= 5

    firm = User.objects.get(username="enterprise.tonglu")
    assert selectors.my_cases(user=firm)
    assert Client().login(username="enterprise.tonglu", password=DEMO_PASSWORD)
    clerk = User.objects.get(username="clerk.tonglu")
    assert Case.objects.filter(submitted_by=clerk, channel=Channel.WINDOW).count() > 100
    # every department with tasks has a reviewer and a head who can log in
    for username in ("reviewer.tonglu.hospital", "head.tonglu.police", "reviewer.tonglu.civil"):
        assert Client().login(username=username, password=DEMO_PASSWORD), username
    orgs = set(Task.objects.values_list("organization_id", flat=True))
    staffed = set(
        RoleAssignment.objects.filter(
            organization_id__in=orgs, role=Role.DEPARTMENT_HEAD
        ).values_list("organization_id", flat=True)
    )
    assert orgs <= staffed


def check_licences() -> None:
    """The licence vault: the types with their issuing items, the licences the province
    held before the year and those approvals issued, signed by each issuer's key; the
    year's cases took some materials from it (with consent or under the law) and not
    others, so the share is neither nothing nor everything."""
    types = {lt.code: lt for lt in LicenceType.objects.prefetch_related("items")}
    used = set(Material.objects.exclude(licence_type="").values_list("licence_type", flat=True))
    assert used <= set(types), "every licence a material names has a type"
    assert {"id_card", "household_register", "business_licence", "food_operation_permit"} <= set(
        types
    )
    assert {"birth_certificate", "property_certificate"} <= set(types)
    assert all(lt.items.exists() for lt in types.values())
    assert types["food_operation_permit"].validity_years == 5
    # the existing licences (before the first case) and those approvals issued
    existing = Licence.objects.filter(task__isnull=True)
    assert existing.filter(issued_on__gte=HISTORY_START).count() == 0
    persons = Applicant.objects.filter(kind="person", cases__isnull=False).distinct()
    assert not persons.exclude(licences__licence_type__code="id_card").exists()
    firms = Applicant.objects.filter(kind="enterprise", cases__isnull=False).distinct()
    assert not firms.exclude(licences__licence_type__code="business_licence").exists()
    issued = Licence.objects.filter(task__isnull=False)
    assert set(issued.values_list("licence_type__code", flat=True)) >= {
        "business_licence",
        "birth_certificate",
        "property_certificate",
    }
    assert not issued.exclude(task__state=TaskState.APPROVED).exists()
    keys = SigningKey.objects.filter(retired_at__isnull=True)
    issuers = Licence.objects.order_by().values("issued_by").distinct().count()
    assert keys.count() == issuers >= 5
    for licence in Licence.objects.order_by("pk")[::97]:
        verdict = licence_selectors.verify(licence.exported()).verdict
        assert verdict == Verdict.GENUINE, licence
    # materials filled from the vault, with consent and under a legal basis
    from_vault = CaseMaterial.objects.filter(
        state=MaterialState.FROM_RECORD, record__licence__isnull=False
    )
    assert from_vault.filter(consent_at__isnull=False).exists()
    assert from_vault.exclude(legal_basis="").exists()
    assert CaseMaterial.objects.filter(
        source=MaterialSource.ELECTRONIC_LICENCE,
        state__in=[MaterialState.UPLOADED, MaterialState.PAPER],
    ).exists(), "some applicants did not use the vault"
    shared = Material.objects.exclude(sharing_basis="")
    assert (
        shared.exists()
        and Material.objects.filter(
            source=MaterialSource.ELECTRONIC_LICENCE, sharing_basis=""
        ).exists()
    ), "some licences need the holder's consent"
    assert {"consent", "legal_basis"} <= set(LicenceAccess.objects.values_list("basis", flat=True))
    fill = vault_fill()
    assert 0 < fill.total.share < 1
    with_licences = {
        b.pk
        for b in Bundle.objects.filter(published=True)
        if Material.objects.filter(
            version__item__in=bundle_items(b), source=MaterialSource.ELECTRONIC_LICENCE
        ).exists()
    }
    shares = {b.pk: rate.share for b, rate in fill.by_bundle}
    assert with_licences and with_licences <= set(shares)
    for pk in with_licences:
        assert 0 < shares[pk] < 1, Bundle.objects.get(pk=pk)
    out = StringIO()
    call_command("licence_fill_report", stdout=out)
    assert "二手房转移登记一件事" in out.getvalue() and "%" in out.getvalue()


def check_portal() -> None:
    """The portal's search knows the year's services and departments, and Hot News has
    the demo's articles, each found by search."""
    from onevisit.portal import search
    from onevisit.portal.models import Article, ArticleState, EntryKind, SearchEntry

    kinds = set(SearchEntry.objects.values_list("kind", flat=True))
    assert kinds == {EntryKind.ITEM, EntryKind.BUNDLE, EntryKind.ORGANIZATION, EntryKind.NEWS}
    assert SearchEntry.objects.filter(kind=EntryKind.ITEM, popularity__gt=0).exists()
    published = Article.objects.filter(state=ArticleState.PUBLISHED)
    assert published.count() >= 4
    hits = {(h.entry.kind, h.entry.object_id) for h in search.search("开餐馆一件事")}
    assert (EntryKind.NEWS, published.get(title__startswith="开餐馆").pk) in hits
    page = Client().get("/")
    assert page.status_code == 200 and "开餐馆一件事" in page.content.decode()


def test_the_demo_service_desk(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "cases" in out.getvalue()
    today = timezone.localdate()
    check_catalog(today)
    check_bundles(today)
    check_cases(today)
    check_logins()
    check_licences()
    check_portal()
    assert verify_chain() is None
