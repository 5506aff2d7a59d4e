"""Reads of the service desk: a department's task queues (with a fixed `today`), a citizen's
own cases only, and the one-visit and zero-visit rates with their filters."""

import datetime
import uuid
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onevisit.cases import selectors, services
from onevisit.cases.choices import CaseState, Channel, DeliveryMethod, SuspensionKind, TaskState
from onevisit.cases.models import Case
from onevisit.catalog.choices import CaseType
from onevisit.catalog.selectors import live_version, materials_of
from onevisit.core.errors import NotFound, ValidationFailed
from onevisit.core.models import Role
from onevisit.testing import case_factories as kf
from onevisit.testing import catalog_factories as cf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

TODAY = date(2026, 2, 12)  # Thu, before the Spring Festival (15–23 Feb off, Sat 14 worked)


def _submit(
    actor,
    applicant,
    day: date,
    *,
    items=(),
    bundle=None,
    channel=Channel.ONLINE,
    delivery=DeliveryMethod.DOWNLOAD,
) -> Case:
    """Every item here asks for one material, 申请表 (a bundle asks it once)."""
    return services.case_submit(
        actor=actor,
        applicant=applicant,
        submission=services.Submission(
            items=[i.pk for i in items],
            bundle=bundle.pk if bundle else None,
            materials=[services.MaterialInput(name="申请表", upload=kf.upload(actor).pk)],
            delivery_method=delivery,
        ),
        idempotency_key=uuid.uuid4().hex,
        channel=channel,
        now=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))),
    ).case


def _decide(case: Case, accepted: date, decided: date) -> None:
    for task in case.tasks.all():
        reviewer = kf.reviewer_of(task.organization)
        services.task_accept(actor=reviewer, task=task, on=accepted)
        services.task_approve(actor=reviewer, task=task, on=decided)


# --- task queues ----------------------------------------------------------------------
@pytest.fixture
def queues():
    """Tasks of one bureau in every queue, on 12 Feb 2026; promised limit 5 working days."""
    org = f.organization(name="桐庐县卫生健康局")
    item = kf.online_item(organization=org, promised_limit=5)
    user, applicant = kf.citizen_account()
    reviewer = kf.reviewer_of(org)
    t = {}
    for name in ("new", "soon", "today", "over", "later", "waiting", "done"):
        t[name] = _submit(user, applicant, date(2026, 2, 2), items=[item]).tasks.get()
    accepted = {
        # Tue 10 Feb: 11 (1), 12 (2), 13 (3), Sat 14 W (4), Tue 24 Feb (5).
        "soon": date(2026, 2, 10),
        # Thu 5 Feb: 6 (1), 9 (2), 10 (3), 11 (4), Thu 12 Feb (5): due today.
        "today": date(2026, 2, 5),
        # Wed 4 Feb: 5 (1), 6 (2), 9 (3), 10 (4), Wed 11 Feb (5): overdue on the 12th.
        "over": date(2026, 2, 4),
        # Wed 11 Feb: 12 (1), 13 (2), Sat 14 W (3), 24 (4), Wed 25 Feb (5).
        "later": date(2026, 2, 11),
        "waiting": date(2026, 2, 4),
        "done": date(2026, 2, 4),
    }
    for name, day in accepted.items():
        services.task_accept(actor=reviewer, task=t[name], on=day)
    services.task_suspend(
        actor=reviewer,
        task=t["waiting"],
        kind=SuspensionKind.EXPERT_REVIEW,
        reason="专家评审",
        on=date(2026, 2, 9),
    )
    services.task_approve(actor=reviewer, task=t["done"], on=date(2026, 2, 6))
    t = {name: type(task).objects.get(pk=task.pk) for name, task in t.items()}
    assert [t[n].due_date for n in ("soon", "today", "over", "later")] == [
        date(2026, 2, 24),
        date(2026, 2, 12),
        date(2026, 2, 11),
        date(2026, 2, 25),
    ]
    # Another bureau's overdue task.
    other_org = f.organization(name="桐庐县教育局")
    other = _submit(
        user, applicant, date(2026, 2, 2), items=[kf.online_item(organization=other_org)]
    ).tasks.get()
    services.task_accept(actor=kf.reviewer_of(other_org), task=other, on=date(2026, 2, 4))
    return org, reviewer, t, other


def _queue(user, name, **kw) -> list[int]:
    return [task.pk for task in selectors.task_queue(user=user, queue=name, today=TODAY, **kw)]


def test_task_queues_of_a_department(queues):
    _org, reviewer, t, other = queues
    assert _queue(reviewer, "to_accept") == [t["new"].pk]
    # Due soon: at most 3 working days left (13, Sat 14, 24 Feb), due today included.
    assert _queue(reviewer, "due_soon") == [t["today"].pk, t["soon"].pk]
    assert _queue(reviewer, "overdue") == [t["over"].pk]
    assert _queue(reviewer, "in_review") == [
        t["over"].pk,
        t["today"].pk,
        t["soon"].pk,
        t["later"].pk,
    ]
    # A suspended task's clock is stopped: waiting, never overdue.
    assert _queue(reviewer, "waiting") == [t["waiting"].pk]
    assert _queue(reviewer, "decided") == [t["done"].pk]
    assert other.pk not in _queue(reviewer, "overdue")


def test_due_soon_moves_with_today_and_within(queues):
    _org, reviewer, t, _other = queues
    # On Fri 13 Feb the 12th's task is overdue; 24 Feb is 2 working days away.
    tasks = selectors.task_queue(user=reviewer, queue="overdue", today=date(2026, 2, 13))
    assert [x.pk for x in tasks] == [t["over"].pk, t["today"].pk]
    assert _queue(reviewer, "due_soon", within=1) == [t["today"].pk]
    assert _queue(reviewer, "due_soon", within=4) == [t["today"].pk, t["soon"].pk, t["later"].pk]


def test_queues_page_by_keyset(queues):
    _org, reviewer, t, _other = queues
    first = _queue(reviewer, "in_review", limit=2)
    assert first == [t["over"].pk, t["today"].pk]
    assert _queue(reviewer, "in_review", limit=2, after=first[-1]) == [t["soon"].pk, t["later"].pk]


def test_another_department_sees_only_its_own(queues):
    org, _reviewer, t, other = queues
    other_reviewer = kf.reviewer_of(other.organization)
    assert _queue(other_reviewer, "overdue") == [other.pk]
    assert _queue(other_reviewer, "to_accept") == []
    with pytest.raises(NotFound):
        selectors.task_get(user=other_reviewer, pk=t["over"].pk)
    # Asking for the other department's list gives nothing, not its tasks.
    assert _queue(other_reviewer, "in_review", organization_id=org.pk) == []


def test_a_supervisor_sees_the_region_and_a_citizen_nothing(queues):
    org, _reviewer, t, other = queues
    supervisor = f.UserFactory()
    f.grant(supervisor, Role.SUPERVISOR, region=org.region)
    assert set(_queue(supervisor, "overdue")) == {t["over"].pk, other.pk}
    citizen = t["new"].case.applicant.user
    assert _queue(citizen, "to_accept") == []
    with pytest.raises(NotFound):
        selectors.task_queue(user=supervisor, queue="everything")


# --- my cases -------------------------------------------------------------------------
def test_my_cases_are_only_my_own(queues):
    _org, reviewer, t, _other = queues
    mine = t["new"].case.applicant.user
    stranger, theirs = kf.citizen_account()
    their_case = kf.submit(stranger, theirs, items=[t["new"].item]).case
    got = selectors.my_cases(user=mine)
    assert [c.pk for c in got] == sorted(
        Case.objects.filter(applicant__user=mine).values_list("pk", flat=True), reverse=True
    )
    assert their_case.pk not in [c.pk for c in got]
    assert all(len(c.task_list) == 1 for c in got)
    assert [c.pk for c in selectors.my_cases(user=stranger)] == [their_case.pk]
    # Pages: newest first, then before the last one seen.
    page = selectors.my_cases(user=mine, limit=3)
    rest = selectors.my_cases(user=mine, before=page[-1].pk)
    assert [c.pk for c in page + rest] == [c.pk for c in got]
    # Officers have no cases of their own.
    assert selectors.my_cases(user=reviewer) == []
    # A case of someone else is a 404, for the citizen and for an unrelated department.
    with pytest.raises(NotFound):
        selectors.case_get(user=mine, number=their_case.number)
    with pytest.raises(NotFound):
        selectors.case_detail(user=kf.reviewer_of(f.organization()), number=their_case.number)
    detail = selectors.case_detail(user=stranger, number=their_case.number)
    assert detail.is_applicant and [x.pk for x in detail.tasks] == [their_case.tasks.get().pk]
    # The department handling it reads it, but is not the applicant.
    handling = kf.reviewer_of(their_case.tasks.get().organization)
    assert not selectors.case_detail(user=handling, number=their_case.number).is_applicant


def test_my_cases_cost_the_same_queries_however_many_cases():
    user, applicant = kf.citizen_account()
    item = kf.online_item()
    kf.submit(user, applicant, items=[item])

    def queries() -> int:
        user_fresh = type(user).objects.get(pk=user.pk)
        with CaptureQueriesContext(connection) as ctx:
            cases = selectors.my_cases(user=user_fresh)
            for case in cases:
                [t.organization.name for t in case.task_list]
        return len(ctx.captured_queries)

    few = queries()
    for _ in range(5):
        kf.submit(user, applicant, items=[item, kf.online_item()])
    assert queries() == few


# --- visit rates ----------------------------------------------------------------------
@pytest.fixture
def history():
    """Five cases completed in March and April 2026 and one in progress, in two counties
    (the visits and completion day of each are on its line)."""
    tonglu = df.county("330122", "桐庐县")
    chunan = df.county("330127", "淳安县", parent=tonglu.parent)
    x_org = f.organization(name="桐庐县民政局", region=tonglu)
    y_org = f.organization(name="桐庐县医疗保障局", region=tonglu)
    z_org = f.organization(name="淳安县民政局", region=chunan)
    ix = kf.online_item(organization=x_org)
    iy = kf.online_item(organization=y_org, case_type=CaseType.IMMEDIATE, promised_limit=0)
    iz = kf.online_item(organization=z_org)
    bundle = cf.bundle([ix, iy], publish=True)
    window = f.organization(name="桐庐县行政服务中心", region=tonglu)
    clerk = kf.clerk_of(window)
    user, applicant = kf.citizen_account(region=tonglu)
    far_user, far_applicant = kf.citizen_account(region=chunan)
    cases = {}
    # c0: online, results downloaded on Tue 10 Mar: 0 visits.
    cases["c0"] = _submit(user, applicant, date(2026, 3, 2), items=[ix])
    _decide(cases["c0"], date(2026, 3, 3), date(2026, 3, 10))
    # c1: at the window, an on-the-spot item, downloaded: 1 visit, done on Wed 11 Mar.
    cases["c1"] = _submit(clerk, applicant, date(2026, 3, 11), items=[iy], channel=Channel.WINDOW)
    # c2: at the window, picked up at the window on Thu 12 Mar: 2 visits.
    cases["c2"] = _submit(
        clerk,
        applicant,
        date(2026, 3, 2),
        items=[ix],
        channel=Channel.WINDOW,
        delivery=DeliveryMethod.PICKUP,
    )
    _decide(cases["c2"], date(2026, 3, 3), date(2026, 3, 9))
    services.case_pickup(actor=clerk, case=cases["c2"], on=date(2026, 3, 12))
    # c3: the bundle online, decided on Wed 1 Apr: 0 visits.
    cases["c3"] = _submit(user, applicant, date(2026, 3, 23), bundle=bundle)
    _decide(cases["c3"], date(2026, 3, 24), date(2026, 4, 1))
    # c4: in Chun'an, online, done on Tue 10 Mar: 0 visits.
    cases["c4"] = _submit(far_user, far_applicant, date(2026, 3, 2), items=[iz])
    _decide(cases["c4"], date(2026, 3, 3), date(2026, 3, 10))
    # c5: still in progress at the window: its visit counts for nothing yet.
    cases["c5"] = _submit(clerk, applicant, date(2026, 3, 2), items=[ix], channel=Channel.WINDOW)
    for case in cases.values():
        case.refresh_from_db()
    assert [(c.state, c.visits, c.completed_on) for c in cases.values()] == [
        (CaseState.COMPLETED, 0, date(2026, 3, 10)),
        (CaseState.COMPLETED, 1, date(2026, 3, 11)),
        (CaseState.COMPLETED, 2, date(2026, 3, 12)),
        (CaseState.COMPLETED, 0, date(2026, 4, 1)),
        (CaseState.COMPLETED, 0, date(2026, 3, 10)),
        (CaseState.IN_PROGRESS, 1, None),
    ]
    return {"x": x_org, "y": y_org, "z": z_org, "ix": ix, "iy": iy, "bundle": bundle}


def _rates(**filters) -> tuple[int, int, int]:
    r = selectors.visit_rates(**filters)
    return (r.completed, r.one_visit, r.zero_visit)


def test_visit_rates_count_one_visit_and_zero_visit(history):
    everything = selectors.visit_rates()
    assert (everything.completed, everything.one_visit, everything.zero_visit) == (5, 4, 3)
    assert everything.one_visit_rate == pytest.approx(0.8)
    assert everything.zero_visit_rate == pytest.approx(0.6)


def test_visit_rates_filter(history):
    h = history
    assert _rates(organization_id=h["x"].pk) == (3, 2, 2)  # c0, c2, c3
    assert _rates(organization_id=h["z"].pk) == (1, 1, 1)  # c4
    assert _rates(item_id=h["iy"].pk) == (2, 2, 1)  # c1, c3
    assert _rates(bundle_id=h["bundle"].pk) == (1, 1, 1)  # c3
    assert _rates(region_code="330122") == (4, 3, 2)  # c0–c3
    assert _rates(region_code="330127") == (1, 1, 1)  # c4
    assert _rates(region_code="3301") == (5, 4, 3)
    march = {"start": date(2026, 3, 1), "end": date(2026, 3, 31)}
    assert _rates(**march) == (4, 3, 2)  # c0, c1, c2, c4
    assert _rates(start=date(2026, 4, 1), end=date(2026, 4, 30)) == (1, 1, 1)  # c3
    assert _rates(start=date(2026, 3, 11), end=date(2026, 3, 11)) == (1, 1, 0)  # c1
    assert _rates(organization_id=h["x"].pk, **march) == (2, 1, 1)  # c0, c2
    assert _rates(region_code="330122", item_id=h["ix"].pk, end=date(2026, 3, 31)) == (2, 1, 1)


def test_no_completed_case_has_no_rate():
    rates = selectors.visit_rates(region_code="330122")
    assert (rates.completed, rates.one_visit_rate, rates.zero_visit_rate) == (0, None, None)


# --- who reads which figures -------------------------------------------------------------
def test_rates_scope_follows_the_roles(history):
    h = history
    tonglu, chunan = h["x"].region, h["z"].region
    supervisor = f.UserFactory()
    f.grant(supervisor, Role.SUPERVISOR, region=tonglu)
    officer = f.UserFactory()
    f.grant(officer, Role.ESTABLISHMENT_OFFICER, region=tonglu.parent)
    admin = f.UserFactory()
    f.grant(admin, Role.SYSTEM_ADMINISTRATOR, region=df.province())
    reviewer = kf.reviewer_of(h["x"])
    head = kf.reviewer_of(h["y"], head=True)
    two = kf.reviewer_of(h["x"])
    f.grant(two, Role.DEPARTMENT_REVIEWER, region=tonglu, organization=h["y"])
    both = f.UserFactory()
    f.grant(both, Role.SUPERVISOR, region=tonglu)
    f.grant(both, Role.SUPERVISOR, region=chunan)

    assert selectors.rates_scope(admin) == (None, None)
    assert selectors.rates_scope(admin, "330127", h["z"].pk) == ("330127", h["z"].pk)
    assert selectors.rates_scope(supervisor) == ("330122", None)
    assert selectors.rates_scope(supervisor, "330122", h["y"].pk) == ("330122", h["y"].pk)
    assert selectors.rates_scope(officer) == ("3301", None)
    assert selectors.rates_scope(officer, "330127") == ("330127", None)
    assert selectors.rates_scope(reviewer) == (None, h["x"].pk)
    assert selectors.rates_scope(reviewer, "330122") == ("330122", h["x"].pk)
    assert selectors.rates_scope(head) == (None, h["y"].pk)
    assert selectors.rates_scope(two, None, h["y"].pk) == (None, h["y"].pk)
    refused = [
        (supervisor, "3301", None),
        (supervisor, "330127", None),
        (reviewer, None, h["y"].pk),
        (kf.clerk_of(h["x"]), None, None),
        (kf.citizen_account()[0], None, None),
    ]
    for user, region, organization in refused:
        with pytest.raises(NotFound):
            selectors.rates_scope(user, region, organization)
    for user in (two, both):  # several departments, or regions: which one?
        with pytest.raises(ValidationFailed):
            selectors.rates_scope(user)


def test_rates_breakdown_counts_within_the_scope(history):
    h = history
    march = {"start": date(2026, 3, 1), "end": date(2026, 4, 30)}
    supervisor = f.UserFactory()
    f.grant(supervisor, Role.SUPERVISOR, region=h["x"].region.parent)
    report = selectors.rates_breakdown(user=supervisor, region_code="3301", **march)
    counts = {r.code: (v.completed, v.one_visit, v.zero_visit) for r, v in report.by_region}
    assert counts == {"3301": (5, 4, 3), "330122": (4, 3, 2), "330127": (1, 1, 1)}
    by_org = {o.pk: v.completed for o, v in report.by_organization}
    assert by_org == {h["x"].pk: 3, h["y"].pk: 2, h["z"].pk: 1}
    assert [o.pk for o, _v in report.by_organization][0] == h["x"].pk  # the busiest first
    assert {b.pk: v.completed for b, v in report.by_bundle} == {h["bundle"].pk: 1}
    # A reviewer reads their department's figures only, whatever region they ask for.
    reviewer = kf.reviewer_of(h["y"])
    own = selectors.rates_breakdown(user=reviewer, region_code="3301", **march)
    assert own.organization == h["y"]
    assert [(o.pk, v.completed) for o, v in own.by_organization] == [(h["y"].pk, 2)]
    assert {i.pk for i, _v in own.by_item} == {h["iy"].pk}
    assert own.by_region[0][1].completed == 2
    with pytest.raises(NotFound):
        selectors.rates_breakdown(
            user=reviewer, region_code="3301", organization_id=h["x"].pk, **march
        )


# --- what the pages read beside the lists --------------------------------------------------
def test_page_reads_start_from_what_the_user_may_see(queues, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org, reviewer, t, other = queues
    services.task_request_supplement(actor=reviewer, task=t["later"], missing=["户口簿"])
    waiting = type(t["later"]).objects.get(pk=t["later"].pk)
    assert waiting.state == TaskState.SUPPLEMENT
    applicant_user = waiting.case.applicant.user
    stranger, _theirs = kf.citizen_account()
    other_reviewer = kf.reviewer_of(other.organization)
    # The open notice: the applicant and the department read it, nobody else.
    for user in (applicant_user, reviewer):
        found = selectors.open_notices_by_task(user=user, tasks=[waiting, t["new"]])
        assert list(found) == [waiting.pk] and found[waiting.pk]
    for user in (stranger, other_reviewer):
        assert selectors.open_notices_by_task(user=user, tasks=[waiting]) == {}
    # Materials promised for later, the same way.
    case = kf.submit(
        applicant_user,
        waiting.case.applicant,
        items=[kf.online_item(materials=[{"name": "参保登记表", "shortfall_allowed": True}])],
        materials={"参保登记表": {"promised_on": timezone.localdate() + datetime.timedelta(7)}},
    ).case
    assert [
        m.name
        for m in selectors.promised_materials(user=applicant_user, case_ids=[case.pk])[case.pk]
    ] == ["参保登记表"]
    assert selectors.promised_materials(user=stranger, case_ids=[case.pk]) == {}
    # Uploads: one's own only.
    mine = kf.upload(applicant_user)
    assert selectors.uploads_of(user=applicant_user, ids=[str(mine.pk), "x", None]) == {
        mine.pk: mine
    }
    assert selectors.uploads_of(user=stranger, ids=[mine.pk]) == {}
    assert selectors.upload_same(user=applicant_user, sha256=mine.sha256, name="scan.pdf") == mine
    assert selectors.upload_same(user=stranger, sha256=mine.sha256, name="scan.pdf") is None
    # The heads who may approve an extension: for those who see the department's tasks.
    head = kf.reviewer_of(org, head=True)
    assert list(selectors.department_heads(user=reviewer, organization=org)) == [head]
    assert list(selectors.department_heads(user=other_reviewer, organization=org)) == []
    assert list(selectors.department_heads(user=stranger, organization=org)) == []


def test_an_applicants_records_are_read_by_them_or_at_a_window():
    marriage = kf.online_item(materials=[{"name": "结婚登记申请书"}], result_name="结婚证")
    hukou = kf.online_item(
        materials=[{"name": "结婚证", "source": "issued_by_item", "source_item": marriage}]
    )
    user, applicant = kf.citizen_account(name="林晓")
    task = kf.submit(user, applicant, items=[marriage]).case.tasks.get()
    reviewer = kf.reviewer_of(task.organization)
    services.task_accept(actor=reviewer, task=task)
    services.task_approve(actor=reviewer, task=task)
    materials = materials_of([live_version(hukou)])
    clerk = kf.clerk_of(f.organization(name="桐庐县行政服务中心"))
    stranger, _theirs = kf.citizen_account()
    # A window clerk finds the applicant present by the identity number they checked.
    found = selectors.applicant_find(user=clerk, kind="person", identifier=applicant.identifier)
    assert found == applicant
    assert (
        selectors.applicant_find(user=clerk, kind="person", identifier=f.identity_number("330122"))
        is None
    )
    with pytest.raises(ValidationFailed):
        selectors.applicant_find(user=clerk, kind="person", identifier="330122198001010000")
    for nobody in (stranger, reviewer):
        assert (
            selectors.applicant_find(user=nobody, kind="person", identifier=applicant.identifier)
            is None
        )
    for reader in (user, clerk):
        records = selectors.matching_records(user=reader, applicant=applicant, materials=materials)
        assert [r.title for r in records[0]] == ["结婚证"]
    assert selectors.matching_records(user=stranger, applicant=applicant, materials=materials) == {}
    assert selectors.matching_records(user=clerk, applicant=None, materials=materials) == {}
