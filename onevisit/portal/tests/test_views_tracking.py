"""Tracking a case without login: the state and the next step, nothing personal; wrong
codes are a 404 on the form, too many a 429; never cached."""

import pytest
from django.urls import reverse

from onevisit.cases import services as case_services
from onevisit.portal import tracking
from onevisit.testing import case_factories as kf

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake():
    user, applicant = kf.citizen_account(name="林小梅", phone="13800001111")
    intake = kf.submit(user, applicant, items=[kf.online_item(name="食品经营许可")])
    intake.applicant = applicant
    return intake


def _track(client, number, code):
    return client.post(reverse("portal:track"), {"number": number, "code": code})


def test_the_form_is_never_cached(client):
    for _ in range(2):
        response = client.get(reverse("portal:track"))
        assert response.status_code == 200
        assert "X-Portal-Cache" not in response
        assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert html.count("<h1") == 1 and "csrfmiddlewaretoken" in html
    assert '<label for="id_number">' in html and '<label for="id_code">' in html


def test_a_number_from_a_link_fills_the_form_but_never_the_code(client):
    html = client.get(reverse("portal:track"), {"number": "330122-2026-00000007"}).content
    assert b'value="330122-2026-00000007"' in html


def test_the_right_code_shows_the_state_and_next_step_and_nothing_personal(client, intake):
    case = intake.case
    response = _track(client, case.number, intake.check_code.lower())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "X-Portal-Cache" not in response
    html = response.content.decode()
    result = html.split('id="tracked"')[1].split("</section>")[0]
    assert case.number in result and "食品经营许可" in result
    assert case.get_state_display() in result
    assert "nothing is needed from you" in result
    task = case.tasks.get()
    assert task.organization.name in result
    # nothing personal: not the name, the identity number or the phone
    for personal in ("林小梅", intake.applicant.identifier, "13800001111"):
        assert personal not in html
    assert intake.check_code not in html and intake.check_code.lower() not in html


def test_a_supplement_names_what_is_missing(client, intake):
    task = intake.case.tasks.get()
    case_services.task_request_supplement(
        actor=kf.reviewer_of(task.organization),
        task=task,
        missing=[{"name": "营业场所证明", "note": "林小梅的租赁合同未盖章"}],
    )
    html = _track(client, intake.case.number, intake.check_code).content.decode()
    assert "营业场所证明" in html and "Supply what is missing" in html
    assert "林小梅" not in html and "租赁合同" not in html


def test_a_wrong_code_is_not_found_on_the_form(client, intake):
    response = _track(client, intake.case.number, "000000")
    assert response.status_code == 404
    html = response.content.decode()
    assert "No case with this number and check code." in html
    assert 'role="alert"' in html and 'id="track-form"' in html
    assert 'id="tracked"' not in html and "食品经营许可" not in html
    assert f'value="{intake.case.number}"' in html  # the number is kept, the code is not
    assert 'value="000000"' not in html


def test_too_many_wrong_codes_answer_429(client, intake):
    for _ in range(tracking.MAX_FAILURES):
        assert _track(client, intake.case.number, "000000").status_code == 404
    response = _track(client, intake.case.number, intake.check_code)
    assert response.status_code == 429
    assert "Too many wrong check codes" in response.content.decode()


def test_empty_fields_are_marked(client):
    response = _track(client, "", "")
    assert response.status_code == 400
    assert "has-error" in response.content.decode()
