"""Intake (受理) through the services: idempotent submission, case numbers, materials asked
once and checked all at once, records used only with consent, accept-with-shortfall (容缺),
paper only at a window, and the window's visit and on-the-spot items (即办件)."""

import datetime
import re
import threading
import uuid

import pytest
from django.db import connection, transaction
from django.utils import timezone

from onevisit.cases import services
from onevisit.cases.choices import (
    CaseState,
    Channel,
    DeliveryMethod,
    MaterialState,
    TaskState,
    VisitKind,
)
from onevisit.cases.models import Case, CaseMaterial, Notification, Record, Task, Visit
from onevisit.cases.services import MaterialInput, Submission
from onevisit.catalog.choices import CaseType, MaterialSource
from onevisit.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from onevisit.core.models import AuditEntry
from onevisit.testing import case_factories as kf
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"^(?P<region>\d{6})-(?P<year>\d{4})-(?P<serial>\d{8})$")


def serial(number: str) -> int:
    return int(NUMBER.match(number)["serial"])


def immediate_item(**kwargs):
    """An on-the-spot item (即办件): promised 0 days (the law still gives it a limit)."""
    return kf.online_item(case_type=CaseType.IMMEDIATE, promised_limit=0, legal_limit=5, **kwargs)


def counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (Case, Task, CaseMaterial, Visit, Notification, AuditEntry)
    }


@pytest.fixture
def citizen():
    return kf.citizen_account()


@pytest.fixture
def item():
    return kf.online_item(materials=[{"name": "申请表"}])


def _sub(user, item, **changes) -> Submission:
    return Submission(
        items=[item.pk],
        materials=[MaterialInput(name="申请表", upload=kf.upload(user).pk)],
        **changes,
    )


# --- idempotency ----------------------------------------------------------------------
def test_the_same_key_and_body_return_the_same_case(citizen, item):
    user, applicant = citizen
    sub = _sub(user, item)
    first = services.case_submit(
        actor=user, applicant=applicant, submission=sub, idempotency_key="k-1"
    )
    written = counts()
    again = services.case_submit(
        actor=user, applicant=applicant, submission=sub, idempotency_key="k-1"
    )
    assert first.created and first.check_code
    assert (again.case.pk, again.created, again.check_code) == (first.case.pk, False, "")
    assert counts() == written  # not a row more, not even an audit entry


def test_item_order_does_not_make_a_different_submission(citizen):
    user, applicant = citizen
    a, b = (
        kf.online_item(materials=[{"name": "申请表"}]),
        kf.online_item(materials=[], no_materials=True),
    )
    up = kf.upload(user).pk
    first = services.case_submit(
        actor=user,
        applicant=applicant,
        submission=Submission(items=[a.pk, b.pk], materials=[MaterialInput("申请表", upload=up)]),
        idempotency_key="k-order",
    )
    again = services.case_submit(
        actor=user,
        applicant=applicant,
        submission=Submission(items=[b.pk, a.pk], materials=[MaterialInput("申请表", upload=up)]),
        idempotency_key="k-order",
    )
    assert again.case.pk == first.case.pk and not again.created


def test_the_same_key_with_a_different_body_is_a_conflict(citizen, item):
    user, applicant = citizen
    sub = _sub(user, item)
    services.case_submit(actor=user, applicant=applicant, submission=sub, idempotency_key="k-2")
    written = counts()
    changed = Submission(
        items=sub.items,
        materials=sub.materials,
        delivery_method=DeliveryMethod.EXPRESS,
        delivery_address="桐庐县城南街道迎春南路1号",
    )
    with pytest.raises(Conflict) as refused:
        services.case_submit(
            actor=user, applicant=applicant, submission=changed, idempotency_key="k-2"
        )
    assert (refused.value.status, refused.value.code) == (409, "idempotency_key_reused")
    assert counts() == written


def test_different_submitters_with_the_same_key_get_two_cases(item):
    cases = []
    for _ in range(2):
        user, applicant = kf.citizen_account()
        cases.append(
            services.case_submit(
                actor=user,
                applicant=applicant,
                submission=_sub(user, item),
                idempotency_key="same-key",
            )
        )
    assert all(c.created for c in cases)
    assert cases[0].case.pk != cases[1].case.pk
    assert Case.objects.filter(idempotency_key="same-key").count() == 2


@pytest.mark.parametrize("key", ["", "   ", "k" * 81])
def test_an_idempotency_key_is_required(citizen, item, key):
    user, applicant = citizen
    with pytest.raises(ValidationFailed) as refused:
        services.case_submit(
            actor=user, applicant=applicant, submission=_sub(user, item), idempotency_key=key
        )
    assert refused.value.code == "idempotency_key"


@pytest.mark.django_db(transaction=True)
def test_five_concurrent_retries_create_one_case(citizen, item):
    """Five requests with the same key at the same moment (a double click, a retry storm):
    one case, the same for all, and no error."""
    user, applicant = citizen
    sub = _sub(user, item)
    barrier = threading.Barrier(5)
    results, errors = [], []

    def submit():
        try:
            barrier.wait()
            results.append(
                services.case_submit(
                    actor=user, applicant=applicant, submission=sub, idempotency_key="storm"
                )
            )
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len({r.case.pk for r in results}) == 1 and len(results) == 5
    assert sum(r.created for r in results) == 1
    assert Case.objects.count() == 1 and Task.objects.count() == 1
    assert AuditEntry.objects.filter(action="case.submit").count() == 1


# --- case numbers ---------------------------------------------------------------------
def test_case_numbers_read_region_year_serial_and_are_never_reused(citizen, item):
    user, applicant = citizen
    day = timezone.make_aware(datetime.datetime(2025, 6, 3, 10))

    def file(**kw):
        return services.case_submit(
            actor=user,
            applicant=applicant,
            submission=_sub(user, item),
            idempotency_key=uuid.uuid4().hex,
            now=day,
            **kw,
        ).case.number

    numbers = [file() for _ in range(3)]
    for number in numbers:
        assert NUMBER.match(number)["region"] == "330122"
        assert NUMBER.match(number)["year"] == "2025"
    serials = [serial(n) for n in numbers]
    assert serials == sorted(set(serials))

    # A refused submission draws no number at all.
    with pytest.raises(ValidationFailed):
        services.case_submit(
            actor=user,
            applicant=applicant,
            submission=Submission(items=[item.pk]),
            idempotency_key="refused",
        )
    # A submission that fails after drawing its number is rolled back whole.
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = file()
        raise RuntimeError("the request failed")
    assert not Case.objects.filter(number=lost).exists()

    later = file()
    assert later not in numbers
    assert serial(later) > serials[-1]
    if connection.vendor == "postgresql":
        # nextval() is outside transactions: the lost serial stays a gap.
        assert serial(later) > serial(lost)
    assert Case.objects.values("number").distinct().count() == Case.objects.count() == 4


# --- materials ------------------------------------------------------------------------
def test_every_missing_material_is_listed_at_once_and_nothing_is_written(citizen):
    user, applicant = citizen
    item = kf.online_item(
        materials=[
            {"name": "营业执照"},
            {"name": "法定代表人身份证"},
            {"name": "场地使用证明"},
            {"name": "补充说明", "required": False},
        ]
    )
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        kf.submit(
            user,
            applicant,
            items=[item],
            materials={"营业执照": None, "法定代表人身份证": None, "场地使用证明": None},
        )
    assert refused.value.code == "materials"
    for name in ("营业执照", "法定代表人身份证", "场地使用证明"):
        assert f"“{name}” is required." in refused.value.message
    assert "补充说明" not in refused.value.message  # optional
    assert counts() == before
    # An optional material left out is recorded as missing, and does not block.
    case = kf.submit(user, applicant, items=[item], materials={"补充说明": None}).case
    assert case.materials.get(name="补充说明").state == MaterialState.MISSING


def test_an_unknown_material_is_refused(citizen, item):
    user, applicant = citizen
    sub = _sub(user, item)
    sub.materials.append(MaterialInput(name="户口簿", upload=kf.upload(user).pk))
    with pytest.raises(ValidationFailed) as refused:
        services.case_submit(actor=user, applicant=applicant, submission=sub, idempotency_key="u")
    assert refused.value.code == "materials"
    assert "“户口簿” is not a material of this application." in refused.value.message
    assert not Case.objects.exists()


@pytest.fixture
def earlier_result():
    """An item whose result is a birth certificate, and an item that asks for it."""
    first = kf.online_item(materials=[{"name": "申请表"}])
    second = kf.online_item(
        materials=[
            {
                "name": "出生医学证明",
                "source": MaterialSource.ISSUED_BY_ITEM,
                "source_item": first,
            }
        ]
    )
    return first, second


def _record_of(user, applicant, item) -> Record:
    task = kf.submit(user, applicant, items=[item]).case.tasks.get()
    reviewer = kf.reviewer_of(task.organization)
    services.task_accept(actor=reviewer, task=task)
    services.task_approve(actor=reviewer, task=task)
    return Record.objects.get(task=task)


def test_a_record_is_used_only_with_consent(citizen, earlier_result):
    first, second = earlier_result
    user, applicant = citizen
    record = _record_of(user, applicant, first)
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        kf.submit(
            user, applicant, items=[second], materials={"出生医学证明": {"record": record.pk}}
        )
    assert "consent" in refused.value.message
    assert counts() == before
    case = kf.submit(
        user,
        applicant,
        items=[second],
        materials={"出生医学证明": {"record": record.pk, "consent": True}},
    ).case
    material = case.materials.get()
    assert (material.state, material.record, material.upload) == (
        MaterialState.FROM_RECORD,
        record,
        None,
    )
    assert material.consent_at is not None


def test_a_record_of_another_applicant_is_refused(citizen, earlier_result):
    first, second = earlier_result
    other_user, other = kf.citizen_account()
    theirs = _record_of(other_user, other, first)
    user, applicant = citizen
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        kf.submit(
            user,
            applicant,
            items=[second],
            materials={"出生医学证明": {"record": theirs.pk, "consent": True}},
        )
    assert "not one of the applicant's records" in refused.value.message
    assert counts() == before


def test_a_record_that_is_not_the_material_asked_is_refused(citizen, earlier_result):
    first, second = earlier_result
    user, applicant = citizen
    unrelated = _record_of(user, applicant, kf.online_item(materials=[{"name": "申请表"}]))
    with pytest.raises(ValidationFailed) as refused:
        kf.submit(
            user,
            applicant,
            items=[second],
            materials={"出生医学证明": {"record": unrelated.pk, "consent": True}},
        )
    assert "出生医学证明" in refused.value.message


def test_another_departments_data_is_fetched_only_with_consent(citizen):
    user, applicant = citizen
    item = kf.online_item(
        materials=[{"name": "户籍信息", "source": MaterialSource.OTHER_DEPARTMENT}]
    )
    with pytest.raises(ValidationFailed) as refused:
        kf.submit(user, applicant, items=[item], materials={"户籍信息": None})
    assert "户籍信息" in refused.value.message
    case = kf.submit(user, applicant, items=[item], materials={"户籍信息": {"consent": True}}).case
    material = case.materials.get()
    assert material.state == MaterialState.SHARED and material.consent_at is not None


# --- accept with shortfall ----------------------------------------------------------
@pytest.fixture
def lease_item():
    return kf.online_item(
        materials=[
            {"name": "营业执照"},
            {"name": "租赁合同", "shortfall_allowed": True},
        ]
    )


def test_a_minor_material_may_be_promised_for_a_later_date(citizen, lease_item):
    user, applicant = citizen
    promised = timezone.localdate() + datetime.timedelta(days=10)
    case = kf.submit(
        user, applicant, items=[lease_item], materials={"租赁合同": {"promised_on": promised}}
    ).case
    material = case.materials.get(name="租赁合同")
    assert (material.state, material.promised_on) == (MaterialState.SHORTFALL, promised)
    assert case.tasks.get().state == TaskState.SUBMITTED


@pytest.mark.parametrize("days", [0, -3])
def test_the_promised_date_must_be_in_the_future(citizen, lease_item, days):
    user, applicant = citizen
    promised = timezone.localdate() + datetime.timedelta(days=days)
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        kf.submit(
            user, applicant, items=[lease_item], materials={"租赁合同": {"promised_on": promised}}
        )
    assert "must be after today" in refused.value.message
    assert counts() == before


def test_a_material_without_shortfall_cannot_be_promised(citizen, lease_item):
    user, applicant = citizen
    promised = timezone.localdate() + datetime.timedelta(days=10)
    with pytest.raises(ValidationFailed) as refused:
        kf.submit(
            user, applicant, items=[lease_item], materials={"营业执照": {"promised_on": promised}}
        )
    assert "“营业执照” cannot be promised for later" in refused.value.message


# --- paper and the window -------------------------------------------------------------
@pytest.fixture
def window():
    return f.organization(name="桐庐县行政服务中心")


def test_paper_is_taken_only_at_a_window(citizen, item, window):
    user, applicant = citizen
    with pytest.raises(ValidationFailed) as refused:
        kf.submit(user, applicant, items=[item], materials={"申请表": {"paper": True}})
    assert "only at a window" in refused.value.message
    clerk = kf.clerk_of(window)
    case = kf.submit(
        clerk,
        applicant,
        items=[item],
        channel=Channel.WINDOW,
        materials={"申请表": {"paper": True}},
    ).case
    assert case.materials.get().state == MaterialState.PAPER
    assert (case.channel, case.window, case.visits) == (Channel.WINDOW, window, 1)


def test_window_intake_counts_one_visit_and_completes_immediate_items(citizen, window):
    _user, applicant = citizen
    clerk = kf.clerk_of(window)
    now_item, later_item = immediate_item(), kf.online_item()
    case = kf.submit(
        clerk,
        applicant,
        items=[now_item, later_item],
        channel=Channel.WINDOW,
        delivery_method=DeliveryMethod.PICKUP,
    ).case
    assert case.visits == 1
    visit = Visit.objects.get(case=case)
    assert (visit.kind, visit.organization, visit.recorded_by) == (VisitKind.INTAKE, window, clerk)
    done, waiting = case.tasks.order_by("position")
    day = case.intake_date
    assert (done.state, done.accepted_on, done.decided_on, done.due_date) == (
        TaskState.APPROVED,
        day,
        day,
        day,
    )
    assert done.decided_by == clerk
    assert Record.objects.get(task=done).applicant == applicant
    assert (waiting.state, waiting.accepted_on) == (TaskState.SUBMITTED, None)
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS


def test_an_immediate_item_at_the_window_with_download_completes_with_one_visit(citizen, window):
    _user, applicant = citizen
    case = kf.submit(
        kf.clerk_of(window), applicant, items=[immediate_item()], channel=Channel.WINDOW
    ).case
    case.refresh_from_db()
    assert (case.state, case.visits, case.one_visit) == (CaseState.COMPLETED, 1, True)


def test_an_immediate_item_online_waits_for_the_department(citizen):
    user, applicant = citizen
    case = kf.submit(user, applicant, items=[immediate_item()]).case
    assert case.tasks.get().state == TaskState.SUBMITTED
    assert case.visits == 0


def test_only_a_window_clerk_takes_in_at_a_window(citizen, item, window):
    user, applicant = citizen
    reviewer = kf.reviewer_of(window)
    for actor in (user, reviewer):
        with pytest.raises(Forbidden):
            kf.submit(actor, applicant, items=[item], channel=Channel.WINDOW)
    assert not Case.objects.exists()


def test_online_one_applies_only_for_oneself(citizen, item):
    _user, applicant = citizen
    stranger, _theirs = kf.citizen_account()
    with pytest.raises(NotFound):
        kf.submit(stranger, applicant, items=[item])
    assert not Case.objects.exists()


def test_an_item_not_offered_online_is_taken_at_a_window(citizen, window):
    user, applicant = citizen
    offline = kf.online_item(online=False)
    with pytest.raises(Conflict) as refused:
        kf.submit(user, applicant, items=[offline])
    assert refused.value.code == "not_online"
    case = kf.submit(kf.clerk_of(window), applicant, items=[offline], channel=Channel.WINDOW).case
    assert case.tasks.count() == 1
