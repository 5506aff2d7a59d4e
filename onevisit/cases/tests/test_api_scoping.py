"""ACCEPTANCE (issue 5, point 5) through the API: a department sees only its own tasks, a
citizen only their own cases, a window clerk the cases of their window; whatever one may
not see is a 404 for reads and for every action, and nothing changes."""

import pytest
from django.test import Client

from onevisit.cases import services
from onevisit.cases.choices import Channel, DeliveryMethod
from onevisit.cases.models import Case, SupplementNotice, Suspension, Task
from onevisit.core.models import Role
from onevisit.testing import case_factories as kf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f
from onevisit.testing.api import api_client, post_json

pytestmark = pytest.mark.django_db


def _not_found(response):
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"


@pytest.fixture
def world():
    """Two departments of Tonglu, each with an item; two citizens with a case each (one in
    department A, one in B), and a case taken in at a window for department A's item."""
    dept_a = f.organization(name="桐庐县卫生健康局", region=df.county())
    dept_b = f.organization(name="桐庐县医疗保障局", region=df.county())
    item_a = kf.online_item(organization=dept_a, materials=[{"name": "申请表"}])
    item_b = kf.online_item(organization=dept_b, materials=[{"name": "登记表"}])
    alice, alice_applicant = kf.citizen_account(name="王芳", phone="13800001234")
    bob, bob_applicant = kf.citizen_account(name="陈明")
    case_a = kf.submit(alice, alice_applicant, items=[item_a]).case
    case_b = kf.submit(bob, bob_applicant, items=[item_b]).case
    window = f.organization(name="桐庐县行政服务中心", region=df.county())
    other_window = f.organization(name="桐庐县分水镇便民服务中心", region=df.county())
    clerk = kf.clerk_of(window)
    window_case = kf.submit(
        clerk,
        alice_applicant,
        items=[item_a],
        channel=Channel.WINDOW,
        delivery_method=DeliveryMethod.PICKUP,
    ).case
    other_clerk = kf.clerk_of(other_window)
    return {
        "dept_a": dept_a,
        "dept_b": dept_b,
        "alice": alice,
        "alice_applicant": alice_applicant,
        "bob": bob,
        "case_a": case_a,
        "case_b": case_b,
        "task_a": case_a.tasks.get(),
        "task_b": case_b.tasks.get(),
        "window_case": window_case,
        "clerk": clerk,
        "other_clerk": other_clerk,
        "reviewer_a": kf.reviewer_of(dept_a),
        "head_a": kf.reviewer_of(dept_a, head=True),
    }


def test_a_reviewer_gets_404_for_another_departments_task(world):
    reviewer = api_client(world["reviewer_a"])
    head = world["head_a"]
    task_b = world["task_b"]
    before = Task.objects.values().get(pk=task_b.pk)

    assert reviewer.get(f"/api/tasks/{world['task_a'].pk}").status_code == 200
    _not_found(reviewer.get(f"/api/tasks/{task_b.pk}"))
    actions = {
        "accept": None,
        "not-accept": {"reason": "不属于本部门"},
        "request-supplement": {"missing": [{"name": "身份证"}]},
        "suspend": {"kind": "expert_review", "reason": "专家评审"},
        "resume": None,
        "extend": {"days": 2, "reason": "复杂", "approved_by": head.pk},
        "approve": {"note": "同意"},
        "deny": {"reason": "不符合", "legal_basis": "《条例》第十条"},
    }
    for action, body in actions.items():
        _not_found(post_json(reviewer, f"/api/tasks/{task_b.pk}/{action}", body))
    assert Task.objects.values().get(pk=task_b.pk) == before
    assert not SupplementNotice.objects.exists() and not Suspension.objects.exists()

    queue = reviewer.get("/api/tasks", {"queue": "to_accept"}).json()["items"]
    assert {t["organization"] for t in queue} == {world["dept_a"].pk}
    assert task_b.pk not in {t["id"] for t in queue}
    assert reviewer.get("/api/tasks", {"organization": world["dept_b"].pk}).json()["items"] == []
    # The case of department B's task is not theirs to read either; A's case is.
    _not_found(reviewer.get(f"/api/cases/{world['case_b'].number}"))
    case_a = reviewer.get(f"/api/cases/{world['case_a'].number}").json()
    identity = world["alice_applicant"].identifier
    assert case_a["applicant"]["identifier"] == identity[:4] + "*" * 12 + identity[-2:]
    assert case_a["applicant"]["phone"] == "138****1234"


def test_a_citizen_gets_404_for_another_citizens_case(world):
    bob = api_client(world["bob"])
    number = world["case_a"].number
    _not_found(bob.get(f"/api/cases/{number}"))
    _not_found(post_json(bob, f"/api/cases/{number}/supplement", {"uploads": {"申请表": 1}}))
    _not_found(post_json(bob, f"/api/cases/{number}/evaluation", {"rating": 1}))
    _not_found(post_json(bob, f"/api/cases/{number}/pickup"))
    _not_found(post_json(bob, f"/api/cases/{number}/dispatch", {"tracking_number": "SF1"}))
    _not_found(bob.get(f"/api/tasks/{world['task_a'].pk}"))
    _not_found(post_json(bob, f"/api/tasks/{world['task_b'].pk}/accept"))  # his own case's task
    assert [c["number"] for c in bob.get("/api/cases").json()["items"]] == [world["case_b"].number]
    assert bob.get("/api/tasks").json()["items"] == []

    alice = api_client(world["alice"])
    mine = alice.get(f"/api/cases/{number}").json()
    assert mine["applicant"]["identifier"] == world["alice_applicant"].identifier
    assert {c["number"] for c in alice.get("/api/cases").json()["items"]} == {
        number,
        world["window_case"].number,
    }
    assert Client().get(f"/api/cases/{number}").status_code == 401


def test_a_clerk_sees_the_cases_of_their_window(world):
    clerk = api_client(world["clerk"])
    other = api_client(world["other_clerk"])
    number = world["window_case"].number
    detail = clerk.get(f"/api/cases/{number}")
    assert detail.status_code == 200 and detail.json()["visits"] == 1
    assert [c["number"] for c in clerk.get("/api/cases", {"scope": "window"}).json()["items"]] == [
        number
    ]
    _not_found(clerk.get(f"/api/cases/{world['case_a'].number}"))  # applied for online
    _not_found(other.get(f"/api/cases/{number}"))
    _not_found(post_json(other, f"/api/cases/{number}/pickup"))
    assert other.get("/api/cases", {"scope": "window"}).json()["items"] == []
    # A clerk reads no department's queue and acts on no task.
    assert clerk.get("/api/tasks").json()["items"] == []
    _not_found(post_json(clerk, f"/api/tasks/{world['window_case'].tasks.get().pk}/accept"))
    assert Case.objects.get(number=number).visits == 1


def test_a_supervisor_reads_the_region_but_acts_on_nothing(world):
    supervisor = f.UserFactory()
    f.grant(supervisor, Role.SUPERVISOR, region=df.county())
    client = api_client(supervisor)
    task_b = world["task_b"]
    assert client.get(f"/api/tasks/{task_b.pk}").status_code == 200
    assert client.get(f"/api/cases/{world['case_b'].number}").status_code == 200
    _not_found(post_json(client, f"/api/tasks/{task_b.pk}/accept"))
    assert Task.objects.get(pk=task_b.pk).state == "submitted"


def test_rates_are_read_within_ones_region_or_department(world):
    """Department B completes its case with no visit; department A has none completed."""
    reviewer_b = kf.reviewer_of(world["dept_b"])
    services.task_accept(actor=reviewer_b, task=world["task_b"])
    services.task_approve(actor=reviewer_b, task=world["task_b"])
    supervisor = f.UserFactory()
    f.grant(supervisor, Role.SUPERVISOR, region=df.county())
    elsewhere = f.UserFactory()
    f.grant(elsewhere, Role.SUPERVISOR, region=df.county("330603", "柯桥区"))
    admin = f.UserFactory()
    f.grant(admin, Role.SYSTEM_ADMINISTRATOR, region=df.province())

    def rates(user, **params):
        response = api_client(user).get("/api/cases/rates", params)
        assert response.status_code == 200, response.content
        return response.json()

    one = {
        "completed": 1,
        "one_visit": 1,
        "zero_visit": 1,
        "one_visit_rate": 1.0,
        "zero_visit_rate": 1.0,
    }
    none = {**one, "completed": 0, "one_visit": 0, "zero_visit": 0}
    none.update(one_visit_rate=None, zero_visit_rate=None)
    assert rates(supervisor) == one
    assert rates(supervisor, organization=world["dept_a"].pk) == none
    assert rates(admin, region="33") == rates(admin) == one
    assert rates(elsewhere) == none
    assert rates(world["reviewer_a"]) == none  # their own department's figures
    assert rates(reviewer_b) == one
    _not_found(api_client(supervisor).get("/api/cases/rates", {"region": "33"}))
    _not_found(api_client(elsewhere).get("/api/cases/rates", {"region": "330122"}))
    reviewer = api_client(world["reviewer_a"])
    _not_found(reviewer.get("/api/cases/rates", {"organization": world["dept_b"].pk}))
    _not_found(api_client(world["alice"]).get("/api/cases/rates"))
    _not_found(api_client(world["clerk"]).get("/api/cases/rates"))
