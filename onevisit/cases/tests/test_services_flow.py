"""The service desk end to end through the services: intake, parallel tasks, one notice,
supplement, decisions, delivery and visits."""

import pytest

from onevisit.cases import services
from onevisit.cases.choices import CaseState, Channel, DeliveryMethod, TaskState
from onevisit.cases.models import Case, Record
from onevisit.catalog.choices import MaterialSource
from onevisit.core.audit import verify_chain
from onevisit.testing import case_factories as kf
from onevisit.testing import catalog_factories as cf
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_items():
    earlier = kf.online_item(materials=[{"name": "出生医学证明申请表"}])
    items = [
        earlier,
        kf.online_item(
            materials=[
                {"name": "户口簿"},
                {
                    "name": "出生医学证明",
                    "source": MaterialSource.ISSUED_BY_ITEM,
                    "source_item": earlier,
                },
            ]
        ),
        kf.online_item(materials=[{"name": "户口簿"}, {"name": "医保登记表"}]),
    ]
    return items


def test_bundle_online_completes_with_zero_visits(three_items):
    user, applicant = kf.citizen_account()
    # An earlier case issued the birth medical certificate.
    first = kf.submit(user, applicant, items=[three_items[0]]).case
    task = first.tasks.get()
    reviewer = kf.reviewer_of(task.organization)
    services.task_accept(actor=reviewer, task=task)
    services.task_approve(actor=reviewer, task=task)
    record = Record.objects.get(applicant=applicant)

    bundle = cf.bundle(three_items[1:], publish=True)
    intake = kf.submit(
        user,
        applicant,
        bundle=bundle,
        materials={"出生医学证明": {"record": record.pk, "consent": True}},
    )
    case = intake.case
    assert intake.created and intake.check_code
    assert case.number.startswith(f"{case.region.code}-")
    tasks = list(case.tasks.all())
    assert len(tasks) == 2
    assert case.materials.count() == 3  # 户口簿 asked once

    reviewers = {t.pk: kf.reviewer_of(t.organization) for t in tasks}
    for t in tasks:
        services.task_accept(actor=reviewers[t.pk], task=t)
    services.task_request_supplement(
        actor=reviewers[tasks[0].pk],
        task=tasks[0],
        missing=[{"name": "户口簿首页", "note": "清晰"}],
    )
    case.refresh_from_db()
    assert case.state == CaseState.NEEDS_SUPPLEMENT
    services.case_supplement(actor=user, case=case, uploads={"户口簿首页": kf.upload(user).pk})
    with pytest.raises(Exception, match="second one"):
        services.task_request_supplement(
            actor=reviewers[tasks[0].pk], task=tasks[0], missing=["另一份"]
        )
    for t in tasks:
        services.task_approve(actor=reviewers[t.pk], task=t)
    case.refresh_from_db()
    assert case.state == CaseState.COMPLETED
    assert case.visits == 0
    assert verify_chain() is None


def test_window_case_with_pickup_counts_two_visits(three_items):
    window = f.organization(name="桐庐县行政服务中心")
    clerk = kf.clerk_of(window)
    _user, applicant = kf.citizen_account()
    intake = kf.submit(
        clerk,
        applicant,
        items=[three_items[2]],
        channel=Channel.WINDOW,
        delivery_method=DeliveryMethod.PICKUP,
    )
    case = intake.case
    task = case.tasks.get()
    reviewer = kf.reviewer_of(task.organization)
    services.task_accept(actor=reviewer, task=task)
    services.task_approve(actor=reviewer, task=task)
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED
    services.case_pickup(actor=clerk, case=case)
    case.refresh_from_db()
    assert (case.state, case.visits, case.one_visit) == (CaseState.COMPLETED, 2, False)


def test_retry_returns_the_same_case(three_items):
    user, applicant = kf.citizen_account()
    a = kf.submit(user, applicant, items=[three_items[0]], key="k1")
    b = services.case_submit(
        actor=user,
        applicant=applicant,
        submission=services.Submission(
            items=[three_items[0].pk],
            materials=[
                services.MaterialInput(
                    name="出生医学证明申请表", upload=a.case.materials.get().upload_id
                )
            ],
        ),
        idempotency_key="k1",
    )
    assert not b.created or b.case.pk == a.case.pk
    assert Case.objects.count() == 1
    assert a.case.tasks.get().state == TaskState.SUBMITTED
