"""Tracking without login: number and check code, nothing personal, guessing stopped."""

import pytest

from onevisit.cases import services as case_services
from onevisit.core.errors import NotFound, ValidationFailed
from onevisit.portal import tracking
from onevisit.testing import case_factories as kf

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake():
    user, applicant = kf.citizen_account(name="林小梅")
    return kf.submit(user, applicant, items=[kf.online_item(name="食品经营许可")])


def test_number_and_code_show_the_state_and_next_step(intake):
    found = tracking.track(number=intake.case.number, code=intake.check_code.lower())
    assert found.number == intake.case.number
    assert [t.item for t in found.tasks] == ["食品经营许可"]
    assert found.tasks[0].state == "submitted"
    assert "nothing is needed" in found.next_step
    assert "林小梅" not in repr(found)


def test_a_supplement_lists_the_names_of_what_is_missing(intake):
    task = intake.case.tasks.get()
    reviewer = kf.reviewer_of(task.organization)
    case_services.task_request_supplement(
        actor=reviewer,
        task=task,
        missing=[{"name": "营业场所证明", "note": "林小梅的租赁合同未盖章"}],
    )
    found = tracking.track(number=intake.case.number, code=intake.check_code)
    assert found.tasks[0].missing == ["营业场所证明"]
    assert "租赁合同" not in repr(found)
    assert found.state == "needs_supplement"


def test_wrong_codes_are_not_found_and_then_locked(intake):
    number = intake.case.number
    for _ in range(tracking.MAX_FAILURES):
        with pytest.raises(NotFound):
            tracking.track(number=number, code="000000")
    with pytest.raises(tracking.TooManyAttempts) as raised:
        tracking.track(number=number, code=intake.check_code)
    assert raised.value.status == 429


def test_an_unknown_number_and_empty_input(intake):
    with pytest.raises(NotFound):
        tracking.track(number="330122-2026-99999999", code=intake.check_code)
    with pytest.raises(ValidationFailed):
        tracking.track(number="", code="")
