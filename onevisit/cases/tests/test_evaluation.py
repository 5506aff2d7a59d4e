"""Evaluation (好差评) through the services: only the applicant, only after completion, only
once; a poor rating of a department opens a rectification due 15 working days later, closed
by the department's measures and then a head's recorded call-back (回访)."""

from datetime import date

import pytest

from onevisit.cases import services
from onevisit.cases.choices import Rating, RectificationState
from onevisit.cases.models import Evaluation, Rectification
from onevisit.cases.selectors import rectifications_of
from onevisit.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from onevisit.core.models import AuditEntry
from onevisit.testing import case_factories as kf
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_departments():
    """A citizen's case for two items of two departments, still in progress."""
    user, applicant = kf.citizen_account()
    case = kf.submit(user, applicant, items=[kf.online_item(), kf.online_item()]).case
    tasks = list(case.tasks.order_by("position"))
    reviewers = [kf.reviewer_of(t.organization) for t in tasks]
    return user, case, tasks, reviewers


def _complete(case, tasks, reviewers):
    for task, reviewer in zip(tasks, reviewers, strict=True):
        services.task_accept(actor=reviewer, task=task)
        services.task_approve(actor=reviewer, task=task)
    case.refresh_from_db()
    assert case.completed_on is not None


def test_only_after_completion(two_departments):
    user, case, tasks, reviewers = two_departments
    with pytest.raises(Conflict) as refused:
        services.case_evaluate(actor=user, case=case, rating=Rating.VERY_SATISFIED)
    assert refused.value.code == "case_state"
    services.task_accept(actor=reviewers[0], task=tasks[0])
    services.task_approve(actor=reviewers[0], task=tasks[0])
    with pytest.raises(Conflict):  # one department still at work
        services.case_evaluate(actor=user, case=case, rating=Rating.VERY_SATISFIED)
    assert not Evaluation.objects.exists()


def test_only_the_applicant_rates(two_departments):
    user, case, tasks, reviewers = two_departments
    _complete(case, tasks, reviewers)
    stranger, _ = kf.citizen_account()
    for actor in (stranger, reviewers[0]):
        with pytest.raises(NotFound):
            services.case_evaluate(actor=actor, case=case, rating=Rating.DISSATISFIED)
    assert not Evaluation.objects.exists()


def test_once(two_departments):
    user, case, tasks, reviewers = two_departments
    _complete(case, tasks, reviewers)
    org = tasks[0].organization_id
    rows = services.case_evaluate(
        actor=user, case=case, rating=Rating.SATISFIED, departments={org: Rating.VERY_SATISFIED}
    )
    assert [(r.organization_id, r.rating) for r in rows] == [
        (None, Rating.SATISFIED),
        (org, Rating.VERY_SATISFIED),
    ]
    with pytest.raises(Conflict) as refused:
        services.case_evaluate(actor=user, case=case, rating=Rating.VERY_DISSATISFIED)
    assert refused.value.code == "already_rated"
    assert Evaluation.objects.filter(case=case).count() == 2
    assert not Rectification.objects.exists()


@pytest.mark.parametrize("rating", [0, 6, "x", None])
def test_a_rating_is_one_to_five(two_departments, rating):
    user, case, tasks, reviewers = two_departments
    _complete(case, tasks, reviewers)
    with pytest.raises(ValidationFailed) as refused:
        services.case_evaluate(actor=user, case=case, rating=rating)
    assert refused.value.code == "rating"
    assert not Evaluation.objects.exists()


def test_only_the_departments_that_handled_it_are_rated(two_departments):
    user, case, tasks, reviewers = two_departments
    _complete(case, tasks, reviewers)
    elsewhere = f.organization()
    with pytest.raises(ValidationFailed):
        services.case_evaluate(
            actor=user, case=case, rating=Rating.BASIC, departments={elsewhere.pk: 1}
        )
    assert not Evaluation.objects.exists()


def test_a_poor_rating_opens_a_rectification_closed_by_measures_and_a_call_back(
    two_departments,
):
    user, case, tasks, reviewers = two_departments
    _complete(case, tasks, reviewers)
    poor, good = tasks[0].organization, tasks[1].organization
    services.case_evaluate(
        actor=user,
        case=case,
        rating=Rating.BASIC,
        comment="窗口让我等了很久",
        departments={poor.pk: Rating.DISSATISFIED, good.pk: Rating.VERY_SATISFIED},
        on=date(2026, 2, 10),
    )
    rectification = Rectification.objects.get()
    # Rated Tue 10 Feb 2026; 15 working days: Wed 11 (1), 12 (2), 13 (3), Sat 14 W (4),
    # 15–23 Feb off (Spring Festival), Tue 24 (5), 25 (6), 26 (7), 27 (8), Sat 28 W (9),
    # Mon 2 Mar (10), 3 (11), 4 (12), 5 (13), 6 (14), Mon 9 Mar (15).
    assert (rectification.organization, rectification.state) == (poor, RectificationState.OPEN)
    assert (rectification.opened_on, rectification.due_date) == (
        date(2026, 2, 10),
        date(2026, 3, 9),
    )
    assert rectification.evaluation.rating == Rating.DISSATISFIED

    reviewer, head = reviewers[0], kf.reviewer_of(poor, head=True)
    # Another department neither sees nor acts on it.
    with pytest.raises(NotFound):
        services.rectification_record_measures(
            actor=reviewers[1], rectification=rectification, measures="x"
        )
    with pytest.raises(NotFound):
        rectifications_of(user=reviewers[1], organization_id=poor.pk)
    assert list(rectifications_of(user=reviewer, organization_id=poor.pk)) == [rectification]
    # The call-back comes after the measures, and only from a head.
    with pytest.raises(Conflict):
        services.rectification_callback(
            actor=head, rectification=rectification, note="已回访", satisfied=True
        )
    with pytest.raises(ValidationFailed):
        services.rectification_record_measures(
            actor=reviewer, rectification=rectification, measures="  "
        )
    services.rectification_record_measures(
        actor=reviewer,
        rectification=rectification,
        measures="增设取号提醒，高峰时段增开窗口",
        on=date(2026, 3, 2),
    )
    rectification.refresh_from_db()
    assert (rectification.state, rectification.rectified_on) == (
        RectificationState.RECTIFIED,
        date(2026, 3, 2),
    )
    with pytest.raises(Forbidden):
        services.rectification_callback(
            actor=reviewer, rectification=rectification, note="已回访", satisfied=True
        )
    with pytest.raises(ValidationFailed):
        services.rectification_callback(
            actor=head, rectification=rectification, note=" ", satisfied=True
        )
    services.rectification_callback(
        actor=head,
        rectification=rectification,
        note="电话回访，申请人认可整改",
        satisfied=True,
        on=date(2026, 3, 4),
    )
    rectification.refresh_from_db()
    assert (
        rectification.state,
        rectification.callback_on,
        rectification.callback_note,
        rectification.callback_satisfied,
    ) == (RectificationState.CLOSED, date(2026, 3, 4), "电话回访，申请人认可整改", True)
    with pytest.raises(Conflict):
        services.rectification_record_measures(
            actor=reviewer, rectification=rectification, measures="再次整改"
        )
    actions = list(
        AuditEntry.objects.filter(action__startswith="rectification.").values_list(
            "action", flat=True
        )
    )
    assert actions == ["rectification.measures", "rectification.callback"]


@pytest.mark.parametrize("rating", [Rating.VERY_DISSATISFIED, Rating.DISSATISFIED])
def test_every_poor_department_rating_gets_one(two_departments, rating):
    user, case, tasks, reviewers = two_departments
    _complete(case, tasks, reviewers)
    orgs = [t.organization_id for t in tasks]
    services.case_evaluate(
        actor=user, case=case, rating=rating, departments=dict.fromkeys(orgs, rating)
    )
    # One per department, and one for the case as a whole (answered by its first item's
    # department, the case being online).
    assert sorted(Rectification.objects.values_list("organization_id", flat=True)) == sorted(
        [*orgs, tasks[0].organization_id]
    )


def test_a_poor_rating_of_the_case_alone_opens_one_too(two_departments):
    user, case, tasks, reviewers = two_departments
    _complete(case, tasks, reviewers)
    services.case_evaluate(actor=user, case=case, rating=Rating.DISSATISFIED)
    rectification = Rectification.objects.get()
    assert rectification.organization_id == tasks[0].organization_id
    assert rectification.evaluation.organization_id is None


def test_basically_satisfied_opens_none(two_departments):
    user, case, tasks, reviewers = two_departments
    _complete(case, tasks, reviewers)
    services.case_evaluate(
        actor=user, case=case, rating=Rating.BASIC, departments={tasks[0].organization_id: 3}
    )
    assert not Rectification.objects.exists()
