"""Open tasks in a reform (issue 5, "Done when" 4): a merge hands the abolished bureaus'
open tasks to the new bureau with their clocks unchanged, audited under the plan's document
number; the impact report lists them before the plan is approved; a plan that leaves a
task's duty to nobody is blocked; and new applications route to the successor."""

import datetime
import uuid
from datetime import date

import pytest
from django.utils import timezone

from onevisit.cases import services
from onevisit.cases.choices import SuspensionKind, TaskState
from onevisit.cases.models import Task
from onevisit.cases.routing import route
from onevisit.cases.selectors import task_queue, tasks_visible_to
from onevisit.core.audit import verify_chain
from onevisit.core.errors import Conflict
from onevisit.core.models import AuditEntry
from onevisit.orgs.models import Organization
from onevisit.reforms import services as reforms
from onevisit.reforms.models import PlanStatus
from onevisit.testing import case_factories as kf
from onevisit.testing import catalog_factories as cf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

INTAKE = date(2026, 3, 2)  # Mon
ACCEPTED = date(2026, 3, 3)  # Tue
D = date(2026, 4, 1)  # the plan's effective date (Wed)
DOC = "桐编〔2026〕3号"
NEW = "桐庐县自然资源和规划局"


def _item(org, duty, name):
    item = cf.service_item(duty=duty, organization=org)
    version = cf.draft(item, **{**cf.COMPLETE, "name": name, "online": True})
    cf.material(version, "申请表")
    cf.publish(version)
    return item


def _file(user, applicant, item, day=INTAKE):
    now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    case = services.case_submit(
        actor=user,
        applicant=applicant,
        submission=services.Submission(
            items=[item.pk],
            materials=[services.MaterialInput(name="申请表", upload=kf.upload(user).pk)],
        ),
        idempotency_key=uuid.uuid4().hex,
        now=now,
    ).case
    return case.tasks.get()


@pytest.fixture
def world():
    """Two county bureaus, each with an item, and tasks of the land bureau in every state."""
    region = df.county("330122", "桐庐县")
    land = f.organization(name="桐庐县国土资源局", region=region, functions=["土地管理"])
    planning = f.organization(name="桐庐县规划局", region=region, functions=["城乡规划"])
    land_duty = df.local_item(name="建设用地审批", function="土地管理", region=region)
    plan_duty = df.local_item(name="建设工程规划许可", function="城乡规划", region=region)
    land_item = _item(land, land_duty, "建设用地审批")
    plan_item = _item(planning, plan_duty, "建设工程规划许可")
    user, applicant = kf.citizen_account(region=region)
    land_reviewer = kf.reviewer_of(land)
    plan_reviewer = kf.reviewer_of(planning)

    tasks = {name: _file(user, applicant, land_item) for name in ("submitted", "accepted")}
    for name in ("supplement", "suspended", "approved", "not_accepted"):
        tasks[name] = _file(user, applicant, land_item)
    tasks["planning"] = _file(user, applicant, plan_item)
    for name in ("accepted", "supplement", "suspended", "approved", "planning"):
        reviewer = plan_reviewer if name == "planning" else land_reviewer
        services.task_accept(actor=reviewer, task=tasks[name], on=ACCEPTED)
    services.task_request_supplement(
        actor=land_reviewer, task=tasks["supplement"], missing=["宗地图"], on=date(2026, 3, 5)
    )
    services.task_suspend(
        actor=land_reviewer,
        task=tasks["suspended"],
        kind=SuspensionKind.SITE_INSPECTION,
        reason="现场勘验",
        on=date(2026, 3, 6),
    )
    services.task_approve(actor=land_reviewer, task=tasks["approved"], on=date(2026, 3, 10))
    services.task_not_accept(
        actor=land_reviewer, task=tasks["not_accepted"], reason="不属于本机关职权范围", on=ACCEPTED
    )
    tasks = {name: Task.objects.get(pk=t.pk) for name, t in tasks.items()}
    return {
        "region": region,
        "land": land,
        "planning": planning,
        "land_item": land_item,
        "plan_item": plan_item,
        "land_duty": land_duty,
        "citizen": (user, applicant),
        "land_reviewer": land_reviewer,
        "tasks": tasks,
    }


def _plan(region, ops):
    plan = reforms.reform_plan_create(
        actor=None, name="县级机构改革", document_number=DOC, effective_date=D, region=region
    )
    for kind, payload in ops:
        reforms.reform_operation_add(actor=None, plan=plan, kind=kind, payload=payload)
    return reforms.reform_plan_submit(actor=None, plan=plan)


def _merge(w):
    return _plan(
        w["region"],
        [
            (
                "establish",
                {
                    "key": "new:C",
                    "name": NEW,
                    "org_kind": "government_department",
                    "region": "330122",
                    "level": "county",
                },
            ),
            ("merge", {"sources": [w["land"].pk, w["planning"].pk], "into": "new:C"}),
        ],
    )


def _label(task: Task) -> str:
    return f"{task.case.number} {task.version.name}"


def _clock(task: Task) -> tuple:
    return (task.state, task.accepted_on, task.due_date, task.extension_days)


OPEN = ("submitted", "accepted", "supplement", "suspended")
DECIDED = ("approved", "not_accepted")


def test_merge_report_lists_the_open_tasks_that_move(world):
    tasks = world["tasks"]
    plan = _merge(world)
    sections = {s.key: s for s in reforms.reform_plan_check(plan=plan).impact}
    moved = sections["tasks_moved"]
    assert moved.title == "Open tasks that move" and not moved.blocking
    assert sorted(moved.lines) == sorted(
        [f"{_label(tasks[n])}: 桐庐县国土资源局 → {NEW}" for n in OPEN]
        + [f"{_label(tasks['planning'])}: 桐庐县规划局 → {NEW}"]
    )
    assert "tasks_stranded" not in sections
    # Checking the plan changes nothing.
    assert Task.objects.get(pk=tasks["accepted"].pk).organization == world["land"]


def test_applied_merge_hands_open_tasks_to_the_successor_with_their_deadlines(world):
    tasks = world["tasks"]
    before = {name: _clock(t) for name, t in tasks.items()}
    assert before["accepted"][2] is not None
    plan = _merge(world)
    reforms.reform_plan_approve(actor=None, plan=plan, today=D)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPLIED
    successor = Organization.objects.get(name=NEW)

    for name in (*OPEN, "planning"):
        task = Task.objects.get(pk=tasks[name].pk)
        assert task.organization == successor, name
        assert _clock(task) == before[name], name
        entry = AuditEntry.objects.get(action="task.transfer", object_id=str(task.pk))
        assert entry.legal_basis == DOC
        assert entry.before["organization"] == tasks[name].organization_id
        assert entry.after["organization"] == successor.pk
        assert entry.after["due_date"] == entry.before["due_date"]
    for name in DECIDED:
        task = Task.objects.get(pk=tasks[name].pk)
        assert task.organization == world["land"]
        assert _clock(task) == before[name]
        assert not AuditEntry.objects.filter(action="task.transfer", object_id=str(task.pk))
    # The suspension log and the open notice travel with the task.
    assert Task.objects.get(pk=tasks["suspended"].pk).suspensions.filter(ended_on=None).exists()
    assert Task.objects.get(pk=tasks["supplement"].pk).notices.filter(answered_at=None).exists()

    # The successor's reviewers now see and act on them; the old bureau's do not.
    new_reviewer = kf.reviewer_of(successor)
    waiting = task_queue(user=new_reviewer, queue="waiting")
    assert {t.pk for t in waiting} == {tasks["supplement"].pk, tasks["suspended"].pk}
    assert not tasks_visible_to(world["land_reviewer"]).filter(organization=successor).exists()
    # Site inspection [Fri 6 Mar, Mon 9 Mar) stopped one working day (Fri 6): accepted Tue
    # 3 Mar with 5 days, 4 (1), 5 (2), [6 stopped], 9 (3), 10 (4), Wed 11 Mar (5).
    resumed = services.task_resume(
        actor=new_reviewer, task=Task.objects.get(pk=tasks["suspended"].pk), on=date(2026, 3, 9)
    )
    assert resumed.due_date == date(2026, 3, 11)
    assert verify_chain() is None


def test_after_the_merge_a_new_case_routes_to_the_successor(world):
    plan = _merge(world)
    reforms.reform_plan_approve(actor=None, plan=plan, today=D)
    successor = Organization.objects.get(name=NEW)
    # Routing follows the duty's assignment as the registry stood on the day.
    item, region = world["land_item"], world["region"]
    assert route([item], region, D - datetime.timedelta(days=1))[item.pk] == world["land"]
    assert route([item], region, D)[item.pk] == successor

    user, applicant = world["citizen"]
    task = _file(user, applicant, item, day=D + datetime.timedelta(days=1))
    assert task.organization == successor
    assert task.state == TaskState.SUBMITTED


def test_abolishing_a_bureau_whose_duty_nobody_takes_over_blocks_on_its_open_tasks(world):
    tasks = world["tasks"]
    plan = _plan(
        world["region"],
        [("abolish", {"organization": world["land"].pk, "functions_abolished": True})],
    )
    sections = {s.key: s for s in reforms.reform_plan_check(plan=plan).impact}
    stranded = sections["tasks_stranded"]
    assert stranded.blocking
    assert sorted(stranded.lines) == sorted(
        f"{_label(tasks[n])}, open in 桐庐县国土资源局: no organization takes its duty over"
        for n in OPEN
    )
    assert "tasks_moved" not in sections

    with pytest.raises(Conflict) as refused:
        reforms.reform_plan_approve(actor=None, plan=plan, today=D)
    assert refused.value.code == "needs_override"
    assert tasks["accepted"].case.number in refused.value.message
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert Task.objects.filter(organization=world["land"]).count() == len(OPEN) + len(DECIDED)
    assert not AuditEntry.objects.filter(action="task.transfer").exists()
