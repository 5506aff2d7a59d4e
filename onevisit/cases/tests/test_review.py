"""Reviewer actions (审查) through the services: who may act (404 for another department,
403 for the department's window clerk), one complete notice (一次性告知) and what a second
one needs, and what a refusal must carry."""

import pytest
from django.db import transaction

from onevisit.cases import services
from onevisit.cases.choices import CaseState, SuspensionKind, TaskState
from onevisit.cases.models import SupplementNotice, Task
from onevisit.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from onevisit.core.models import AuditEntry
from onevisit.testing import case_factories as kf
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def task():
    user, applicant = kf.citizen_account()
    return kf.submit(user, applicant, items=[kf.online_item()]).case.tasks.get()


@pytest.fixture
def reviewer(task):
    return kf.reviewer_of(task.organization)


def _row(task: Task) -> dict:
    return Task.objects.filter(pk=task.pk).values().get()


ACTIONS = {
    "accept": lambda actor, task: services.task_accept(actor=actor, task=task),
    "not_accept": lambda actor, task: services.task_not_accept(actor=actor, task=task, reason="r"),
    "request_supplement": lambda actor, task: services.task_request_supplement(
        actor=actor, task=task, missing=["户口簿"]
    ),
    "suspend": lambda actor, task: services.task_suspend(
        actor=actor, task=task, kind=SuspensionKind.EXPERT_REVIEW, reason="r"
    ),
    "resume": lambda actor, task: services.task_resume(actor=actor, task=task),
    "approve": lambda actor, task: services.task_approve(actor=actor, task=task),
    "deny": lambda actor, task: services.task_deny(
        actor=actor, task=task, reason="r", legal_basis="b"
    ),
}


# --- who may act ------------------------------------------------------------------------
@pytest.mark.parametrize("action", ACTIONS)
def test_a_reviewer_of_another_department_gets_not_found(task, action):
    other = kf.reviewer_of(f.organization(name="桐庐县市场监督管理局"))
    head = kf.reviewer_of(f.organization(), head=True)
    row, audit = _row(task), AuditEntry.objects.count()
    for actor in (other, head):
        with pytest.raises(NotFound):
            ACTIONS[action](actor, task)
    assert (_row(task), AuditEntry.objects.count()) == (row, audit)


@pytest.mark.parametrize("action", ACTIONS)
def test_a_window_clerk_of_the_department_is_forbidden(task, action):
    clerk = kf.clerk_of(task.organization)
    row = _row(task)
    with pytest.raises(Forbidden) as refused:
        ACTIONS[action](clerk, task)
    assert refused.value.status == 403
    assert _row(task) == row


def test_a_clerk_of_another_window_gets_not_found(task):
    clerk = kf.clerk_of(f.organization(name="桐庐县行政服务中心"))
    with pytest.raises(NotFound):
        services.task_accept(actor=clerk, task=task)


def test_a_citizen_gets_not_found_even_for_their_own_task(task):
    with pytest.raises(NotFound):
        services.task_accept(actor=task.case.applicant.user, task=task)


def test_the_department_head_may_review(task):
    head = kf.reviewer_of(task.organization, head=True)
    services.task_accept(actor=head, task=task)
    assert Task.objects.get(pk=task.pk).state == TaskState.ACCEPTED


def test_a_task_handed_to_another_department_is_checked_as_it_now_stands(task, reviewer):
    """A reviewer holding the task from before a reform moved it cannot act on it any more."""
    successor = f.organization(name="桐庐县自然资源和规划局")
    with transaction.atomic():
        services.task_transfer(
            actor=None,
            task=Task.objects.get(pk=task.pk),
            to_organization=successor,
            legal_basis="桐编〔2026〕3号",
        )
    stale = task  # still says the old department
    with pytest.raises(NotFound):
        services.task_accept(actor=reviewer, task=stale)
    assert Task.objects.get(pk=task.pk).state == TaskState.SUBMITTED
    services.task_accept(actor=kf.reviewer_of(successor), task=Task.objects.get(pk=task.pk))
    assert Task.objects.get(pk=task.pk).state == TaskState.ACCEPTED


# --- states ---------------------------------------------------------------------------
def test_actions_follow_the_task_states(task, reviewer):
    with pytest.raises(Conflict) as refused:
        services.task_approve(actor=reviewer, task=task)
    assert refused.value.code == "task_state"
    with pytest.raises(Conflict):
        services.task_suspend(actor=reviewer, task=task, kind=SuspensionKind.HEARING, reason="听证")
    services.task_accept(actor=reviewer, task=task)
    with pytest.raises(Conflict):
        services.task_accept(actor=reviewer, task=task)
    with pytest.raises(Conflict):
        services.task_not_accept(actor=reviewer, task=task, reason="迟了")
    services.task_approve(actor=reviewer, task=task)
    for action in ("accept", "request_supplement", "suspend", "approve", "deny"):
        with pytest.raises(Conflict):
            ACTIONS[action](reviewer, task)


def test_a_suspension_needs_a_kind_and_a_reason(task, reviewer):
    services.task_accept(actor=reviewer, task=task)
    with pytest.raises(ValidationFailed) as kind:
        services.task_suspend(
            actor=reviewer, task=task, kind=SuspensionKind.SUPPLEMENT, reason="补正"
        )
    assert kind.value.code == "suspension_kind"
    with pytest.raises(ValidationFailed) as reason:
        services.task_suspend(
            actor=reviewer, task=task, kind=SuspensionKind.PUBLIC_NOTICE, reason=" "
        )
    assert reason.value.code == "reason_required"
    assert not Task.objects.get(pk=task.pk).suspensions.exists()


# --- one complete notice --------------------------------------------------------------
def test_one_notice_lists_everything_and_must_be_answered_whole(task, reviewer):
    services.task_accept(actor=reviewer, task=task)
    notice = services.task_request_supplement(
        actor=reviewer,
        task=task,
        missing=[
            {"name": "户口簿", "note": "户主页和本人页"},
            "结婚证",
            {"name": "  ", "note": "ignored"},
        ],
    )
    assert notice.number == 1
    assert notice.missing == [
        {"name": "户口簿", "note": "户主页和本人页"},
        {"name": "结婚证", "note": ""},
    ]
    case = task.case
    case.refresh_from_db()
    assert case.state == CaseState.NEEDS_SUPPLEMENT
    citizen = case.applicant.user
    with pytest.raises(ValidationFailed) as incomplete:
        services.case_supplement(
            actor=citizen, case=case, uploads={"户口簿": kf.upload(citizen).pk}
        )
    assert incomplete.value.code == "supplement_incomplete"
    assert "结婚证" in incomplete.value.message
    assert Task.objects.get(pk=task.pk).state == TaskState.SUPPLEMENT
    services.case_supplement(
        actor=citizen,
        case=case,
        uploads={"户口簿": kf.upload(citizen).pk, "结婚证": kf.upload(citizen).pk},
    )
    notice.refresh_from_db()
    assert notice.answered_at is not None and not notice.answered_in_person
    assert Task.objects.get(pk=task.pk).state == TaskState.ACCEPTED
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS


def test_an_empty_notice_is_refused(task, reviewer):
    with pytest.raises(ValidationFailed) as refused:
        services.task_request_supplement(actor=reviewer, task=task, missing=[" ", {"note": "x"}])
    assert refused.value.code == "notice_empty"
    assert not SupplementNotice.objects.exists()


def test_a_notice_before_acceptance_stops_no_clock(task, reviewer):
    services.task_request_supplement(actor=reviewer, task=task, missing=["户口簿"])
    task.refresh_from_db()
    assert (task.state, task.accepted_on) == (TaskState.SUPPLEMENT, None)
    assert not task.suspensions.exists()
    citizen = task.case.applicant.user
    services.case_supplement(
        actor=citizen, case=task.case, uploads={"户口簿": kf.upload(citizen).pk}
    )
    assert Task.objects.get(pk=task.pk).state == TaskState.SUBMITTED


def test_a_second_notice_needs_a_new_fact_and_a_reason(task, reviewer):
    services.task_accept(actor=reviewer, task=task)
    services.task_request_supplement(actor=reviewer, task=task, missing=["户口簿"])
    citizen = task.case.applicant.user
    services.case_supplement(
        actor=citizen, case=task.case, uploads={"户口簿": kf.upload(citizen).pk}
    )
    for new_fact, reason in (("", ""), ("户口簿显示已迁出", ""), ("", "需核实"), ("  ", "  ")):
        with pytest.raises(Conflict) as refused:
            services.task_request_supplement(
                actor=reviewer,
                task=task,
                missing=["迁移证明"],
                new_fact=new_fact,
                reason=reason,
            )
        assert refused.value.code == "second_notice"
    assert SupplementNotice.objects.filter(task=task).count() == 1
    second = services.task_request_supplement(
        actor=reviewer,
        task=task,
        missing=["迁移证明"],
        new_fact="补正的户口簿显示户籍已迁出本县",
        reason="需核实现户籍所在地",
    )
    assert (second.number, second.new_fact, second.reason) == (
        2,
        "补正的户口簿显示户籍已迁出本县",
        "需核实现户籍所在地",
    )


def test_a_notice_in_person_counts_a_visit(task, reviewer):
    services.task_accept(actor=reviewer, task=task)
    services.task_request_supplement(actor=reviewer, task=task, missing=["户口簿"])
    window = f.organization(name="桐庐县行政服务中心")
    clerk = kf.clerk_of(window)
    services.case_supplement(
        actor=clerk, case=task.case, uploads={"户口簿": kf.upload(clerk).pk}, in_person=True
    )
    case = task.case
    case.refresh_from_db()
    assert case.visits == 1
    assert task.notices.get().answered_in_person


# --- decisions ------------------------------------------------------------------------
def test_deny_needs_a_reason_and_a_legal_basis(task, reviewer):
    services.task_accept(actor=reviewer, task=task)
    for reason, basis in (("", "《行政许可法》第三十八条"), ("不符合条件", ""), (" ", " ")):
        with pytest.raises(ValidationFailed) as refused:
            services.task_deny(actor=reviewer, task=task, reason=reason, legal_basis=basis)
        assert refused.value.code == "reason_required"
    assert Task.objects.get(pk=task.pk).state == TaskState.ACCEPTED
    services.task_deny(
        actor=reviewer,
        task=task,
        reason="申请人不具备法定条件",
        legal_basis="《中华人民共和国行政许可法》第三十八条第二款",
    )
    task.refresh_from_db()
    assert (task.state, task.decision_reason, task.legal_basis, task.decided_by) == (
        TaskState.DENIED,
        "申请人不具备法定条件",
        "《中华人民共和国行政许可法》第三十八条第二款",
        reviewer,
    )
    entry = AuditEntry.objects.get(action="task.denied", object_id=str(task.pk))
    assert entry.legal_basis == "《中华人民共和国行政许可法》第三十八条第二款"
    assert not hasattr(task, "record") or task.record is None


def test_not_accept_needs_a_reason(task, reviewer):
    with pytest.raises(ValidationFailed):
        services.task_not_accept(actor=reviewer, task=task, reason="  ")
    services.task_not_accept(actor=reviewer, task=task, reason="不属于本机关职权范围")
    task.refresh_from_db()
    assert (task.state, task.decision_reason) == (TaskState.NOT_ACCEPTED, "不属于本机关职权范围")


def test_approval_issues_the_result_to_the_applicants_records(task, reviewer):
    services.task_accept(actor=reviewer, task=task)
    services.task_approve(actor=reviewer, task=task, note="同意")
    task.refresh_from_db()
    assert task.state == TaskState.APPROVED
    record = task.record
    assert (record.applicant, record.source_item, record.issued_by) == (
        task.case.applicant,
        task.item,
        task.organization,
    )
    case = task.case
    case.refresh_from_db()
    assert case.state == CaseState.COMPLETED  # results to download: delivered at once
