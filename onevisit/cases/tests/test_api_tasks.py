"""A department's tasks through the API: the queues (to accept, in review, waiting, due
soon, overdue, decided) paged by keyset, and each reviewer action with its refusals — an
extension needs a head and stops at the legal limit, a denial needs its legal basis."""

import datetime

import pytest
from django.utils import timezone

from onevisit.cases import services
from onevisit.core import calendar
from onevisit.testing import case_factories as kf
from onevisit.testing.api import api_client, assert_error, post_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen():
    user, applicant = kf.citizen_account(name="王芳")
    return user, applicant, api_client(user)


def _accepted_task(citizen, **item_changes):
    user, applicant, _client = citizen
    item = kf.online_item(materials=[{"name": "申请表"}], **item_changes)
    case = kf.submit(user, applicant, items=[item]).case
    task = case.tasks.get()
    reviewer = api_client(kf.reviewer_of(task.organization))
    assert post_json(reviewer, f"/api/tasks/{task.pk}/accept").status_code == 200
    return task, reviewer


def test_extension_needs_a_head_and_stops_at_the_legal_limit(citizen):
    task, reviewer = _accepted_task(citizen, promised_limit=5, legal_limit=20)
    head = kf.reviewer_of(task.organization, head=True)
    url = f"/api/tasks/{task.pk}/extend"
    other = kf.reviewer_of(task.organization)
    assert_error(
        post_json(reviewer, url, {"days": 3, "reason": "专家论证", "approved_by": other.pk}), 403
    )
    assert_error(
        post_json(reviewer, url, {"days": 3, "reason": "专家论证", "approved_by": 987654}), 403
    )
    assert_error(
        post_json(reviewer, url, {"days": 3, "approved_by": head.pk}), 400, "reason_required"
    )
    beyond = post_json(reviewer, url, {"days": 16, "reason": "专家论证", "approved_by": head.pk})
    assert "legal limit" in assert_error(beyond, 409, "extension_beyond_legal_limit")["detail"]
    before = reviewer.get(f"/api/tasks/{task.pk}").json()
    extended = post_json(reviewer, url, {"days": 15, "reason": "专家论证", "approved_by": head.pk})
    assert extended.status_code == 200, extended.content
    after = extended.json()
    assert after["extension_days"] == 15 and after["due_date"] > before["due_date"]
    more = post_json(reviewer, url, {"days": 1, "reason": "再延", "approved_by": head.pk})
    assert_error(more, 409, "extension_beyond_legal_limit")


def test_deny_needs_a_reason_and_a_legal_basis(citizen):
    task, reviewer = _accepted_task(citizen)
    url = f"/api/tasks/{task.pk}/deny"
    assert_error(post_json(reviewer, url, {"reason": "不符合条件"}), 400, "reason_required")
    assert_error(
        post_json(reviewer, url, {"legal_basis": "《条例》第十条"}), 400, "reason_required"
    )
    denied = post_json(reviewer, url, {"reason": "不符合条件", "legal_basis": "《条例》第十条"})
    assert denied.status_code == 200, denied.content
    body = denied.json()
    assert (body["state"], body["legal_basis"]) == ("denied", "《条例》第十条")
    assert_error(post_json(reviewer, f"/api/tasks/{task.pk}/approve"), 409, "task_state")
    task.case.refresh_from_db()
    assert task.case.state == "completed"


def test_suspend_and_resume_move_the_due_date(citizen):
    task, reviewer = _accepted_task(citizen)
    assert_error(post_json(reviewer, f"/api/tasks/{task.pk}/resume"), 409, "task_state")
    assert_error(post_json(reviewer, f"/api/tasks/{task.pk}/suspend", {"kind": "hearing"}), 400)
    assert_error(post_json(reviewer, f"/api/tasks/{task.pk}/suspend", {"kind": "supplement"}), 422)
    suspended = post_json(
        reviewer, f"/api/tasks/{task.pk}/suspend", {"kind": "expert_review", "reason": "专家评审"}
    )
    assert suspended.status_code == 200, suspended.content
    assert suspended.json()["state"] == "suspended"
    assert reviewer.get("/api/tasks", {"queue": "waiting"}).json()["items"][0]["id"] == task.pk
    resumed = post_json(reviewer, f"/api/tasks/{task.pk}/resume")
    assert resumed.status_code == 200, resumed.content
    body = resumed.json()
    assert body["state"] == "accepted"
    assert [(s["kind"], bool(s["ended_on"])) for s in body["suspensions"]] == [
        ("expert_review", True)
    ]


def test_not_accept_needs_a_reason(citizen):
    user, applicant, _client = citizen
    item = kf.online_item(materials=[{"name": "申请表"}])
    task = kf.submit(user, applicant, items=[item]).case.tasks.get()
    reviewer = api_client(kf.reviewer_of(task.organization))
    assert_error(
        post_json(reviewer, f"/api/tasks/{task.pk}/not-accept", {}), 400, "reason_required"
    )
    refused = post_json(reviewer, f"/api/tasks/{task.pk}/not-accept", {"reason": "不属于本部门"})
    assert refused.status_code == 200 and refused.json()["state"] == "not_accepted"
    decided = reviewer.get("/api/tasks", {"queue": "decided"}).json()["items"]
    assert [t["id"] for t in decided] == [task.pk]


def _queue(client, queue, **params) -> list[int]:
    response = client.get("/api/tasks", {"queue": queue, **params})
    assert response.status_code == 200, response.content
    return [t["id"] for t in response.json()["items"]]


def _accepted_for(wanted, limit: int = 5) -> datetime.date:
    """The latest day of acceptance whose due date (after `limit` working days) is wanted."""
    day = timezone.localdate()
    while not wanted(calendar.add_working_days(day, limit)):
        day -= datetime.timedelta(days=1)
    return day


def test_queues_sort_a_departments_tasks_by_state_and_deadline(citizen):
    user, applicant, _client = citizen
    item = kf.online_item(materials=[{"name": "申请表"}], promised_limit=5, legal_limit=20)
    tasks = [
        kf.submit(user, applicant, items=[item], now=kf.EARLY).case.tasks.get() for _ in range(5)
    ]
    reviewer = kf.reviewer_of(tasks[0].organization)
    client = api_client(reviewer)
    assert _queue(client, "to_accept") == [t.pk for t in reversed(tasks)]

    today = timezone.localdate()
    services.task_accept(actor=reviewer, task=tasks[0], on=_accepted_for(lambda due: due < today))
    services.task_accept(actor=reviewer, task=tasks[1])  # due in 5 working days
    soon = calendar.add_working_days(today, 2)
    services.task_accept(actor=reviewer, task=tasks[2], on=_accepted_for(lambda due: due <= soon))
    services.task_request_supplement(actor=reviewer, task=tasks[3], missing=["身份证"])

    assert _queue(client, "overdue") == [tasks[0].pk]
    assert _queue(client, "due_soon") == [tasks[2].pk]
    assert _queue(client, "in_review") == [tasks[0].pk, tasks[2].pk, tasks[1].pk]
    assert _queue(client, "waiting") == [tasks[3].pk]
    assert _queue(client, "to_accept") == [tasks[4].pk]
    assert _queue(client, "decided") == []
    assert_error(client.get("/api/tasks", {"queue": "everything"}), 422, "invalid")

    # Keyset pages: by due date in review, newest first to accept.
    page = client.get("/api/tasks", {"queue": "in_review", "limit": 2}).json()
    assert [t["id"] for t in page["items"]] == [tasks[0].pk, tasks[2].pk]
    rest = _queue(client, "in_review", limit=2, after=page["next_after"])
    assert rest == [tasks[1].pk]
    detail = client.get(f"/api/tasks/{tasks[3].pk}").json()
    assert detail["notices"][0]["missing"] == [{"name": "身份证", "note": ""}]
    assert detail["materials"][0]["name"] == "申请表"
    assert detail["applicant"]["name"] == "王芳" and "*" in detail["applicant"]["identifier"]


def test_a_due_date_in_a_year_without_its_holiday_arrangement_is_marked_provisional(citizen):
    from onevisit.core.models import Role
    from onevisit.core.services import holiday_arrangement_publish
    from onevisit.testing import factories as f

    # Accepted on Mon 8 Jan 2090: no holidays release has that year's arrangement.
    user, applicant, _client = citizen
    item = kf.online_item(materials=[{"name": "申请表"}], promised_limit=10)
    task = kf.submit(user, applicant, items=[item], now=kf.EARLY).case.tasks.get()
    reviewer_user = kf.reviewer_of(task.organization)
    services.task_accept(actor=reviewer_user, task=task, on=datetime.date(2090, 1, 8))
    reviewer = api_client(reviewer_user)
    body = reviewer.get(f"/api/tasks/{task.pk}").json()
    assert body["due_date"].startswith("2090-01") and body["due_date_provisional"] is True
    admin = f.UserFactory()
    f.grant(admin, Role.SYSTEM_ADMINISTRATOR, region=f.RegionFactory())
    holiday_arrangement_publish(  # a test fixture: the statutory holidays alone, no notice
        actor=admin,
        year=2090,
        source="test fixture, not a notice",
        days_off=[d.isoformat() for d in calendar.statutory_holidays(2090)],
        weekend_working_days=[],
    )
    body = reviewer.get(f"/api/tasks/{task.pk}").json()
    assert body["due_date_provisional"] is False
    denied = post_json(
        reviewer, f"/api/tasks/{task.pk}/deny", {"reason": "不符合条件", "legal_basis": "第十条"}
    )
    assert denied.json()["due_date_provisional"] is False  # a decided task never moves
