"""The department's rectifications after poor ratings (差评整改), through the page and the
API: the list shows each open rectification with its rating, comment, case number and due
date; a reviewer records the measures, a head records the call-back that closes it; a
reviewer's call-back is refused with its reason (403); another department gets a 404."""

from datetime import date

import pytest
from django.urls import reverse

from onevisit.cases import services
from onevisit.cases.choices import Rating, RectificationState
from onevisit.cases.models import Rectification
from onevisit.testing import case_factories as kf
from onevisit.testing import factories as f
from onevisit.testing.api import api_client, assert_error, post_json

pytestmark = pytest.mark.django_db

COMMENT = "窗口让我等了很久"
HEAD_ONLY = "The call-back is recorded by a head of the department."


@pytest.fixture
def poor(settings, tmp_path):
    """A completed case rated poorly for the market bureau: one open rectification."""
    settings.MEDIA_ROOT = tmp_path
    bureau = f.organization(name="桐庐县市场监督管理局")
    other = f.organization(name="桐庐县公安局")
    citizen, applicant = kf.citizen_account(name="陈敏")
    reviewer = kf.reviewer_of(bureau)
    case = kf.submit(citizen, applicant, items=[kf.online_item(organization=bureau)]).case
    task = case.tasks.get()
    services.task_accept(actor=reviewer, task=task)
    services.task_approve(actor=reviewer, task=task)
    case.refresh_from_db()
    services.case_evaluate(
        actor=citizen,
        case=case,
        rating=Rating.SATISFIED,
        comment=COMMENT,
        departments={bureau.pk: Rating.VERY_DISSATISFIED},
        on=date(2026, 2, 10),
    )
    return {
        "bureau": bureau,
        "case": case,
        "reviewer": reviewer,
        "head": kf.reviewer_of(bureau, head=True),
        "outsider": kf.reviewer_of(other, head=True),
        "other": other,
        "rectification": Rectification.objects.get(),
    }


def _page(client, **params):
    return client.get(reverse("cases:rectifications"), params)


# --- the page --------------------------------------------------------------------------------
def test_the_list_shows_the_open_rectification(client, poor):
    client.force_login(poor["reviewer"])
    response = _page(client)
    assert response.status_code == 200
    html = response.content.decode()
    r = poor["rectification"]
    assert poor["case"].number in html
    assert COMMENT in html
    assert str(Rating.VERY_DISSATISFIED.label) in html
    assert r.due_date.isoformat() == "2026-03-09" and "2026-03-09" in html
    assert reverse("cases:rectification_measures", args=[r.pk]) in html
    assert f'for="id_m{r.pk}-measures"' in html  # a labelled control
    queue = client.get(reverse("cases:tasks")).content.decode()
    assert reverse("cases:rectifications") in queue


def test_measures_then_a_heads_call_back_close_it(client, poor):
    r = poor["rectification"]
    client.force_login(poor["reviewer"])
    url = reverse("cases:rectification_measures", args=[r.pk])
    response = client.post(url, {f"m{r.pk}-measures": "  "})
    assert response.status_code == 400
    r.refresh_from_db()
    assert r.state == RectificationState.OPEN
    response = client.post(url, {f"m{r.pk}-measures": "高峰时段增开窗口"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("cases:rectifications"))
    r.refresh_from_db()
    assert (r.state, r.measures) == (RectificationState.RECTIFIED, "高峰时段增开窗口")
    assert "高峰时段增开窗口" in client.get(response["Location"]).content.decode()
    # Measures again: refused with the service's reason, not a 500.
    response = client.post(url, {f"m{r.pk}-measures": "再次整改"})
    assert response.status_code == 409
    assert "The rectification is no longer open." in response.content.decode()

    client.force_login(poor["head"])
    html = _page(client).content.decode()
    callback = reverse("cases:rectification_callback", args=[r.pk])
    assert callback in html
    response = client.post(
        callback, {f"c{r.pk}-note": "电话回访，认可整改", f"c{r.pk}-satisfied": "yes"}
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert (r.state, r.callback_note, r.callback_satisfied) == (
        RectificationState.CLOSED,
        "电话回访，认可整改",
        True,
    )
    assert "电话回访，认可整改" in client.get(response["Location"]).content.decode()


def test_a_reviewers_call_back_is_refused_with_the_reason(client, poor):
    r = poor["rectification"]
    services.rectification_record_measures(actor=poor["reviewer"], rectification=r, measures="m")
    client.force_login(poor["reviewer"])
    url = reverse("cases:rectification_callback", args=[r.pk])
    response = client.post(url, {f"c{r.pk}-note": "已回访", f"c{r.pk}-satisfied": "yes"})
    assert response.status_code == 403
    assert HEAD_ONLY in response.content.decode()
    r.refresh_from_db()
    assert r.state == RectificationState.RECTIFIED


def test_another_department_gets_404(client, poor):
    r = poor["rectification"]
    client.force_login(poor["outsider"])
    assert _page(client, org=poor["bureau"].pk).status_code == 404
    assert _page(client).status_code == 200  # their own list, empty
    assert poor["case"].number not in _page(client).content.decode()
    for name, data in [
        ("cases:rectification_measures", {f"m{r.pk}-measures": "x"}),
        ("cases:rectification_callback", {f"c{r.pk}-note": "x", f"c{r.pk}-satisfied": "yes"}),
    ]:
        assert client.post(reverse(name, args=[r.pk]), data).status_code == 404
    assert client.post(reverse("cases:rectification_measures", args=[10**6])).status_code == 404
    r.refresh_from_db()
    assert r.state == RectificationState.OPEN


# --- the API ---------------------------------------------------------------------------------
def test_api_list_measures_and_call_back(poor):
    r = poor["rectification"]
    reviewer = api_client(poor["reviewer"])
    response = reviewer.get("/api/rectifications", {"organization": poor["bureau"].pk})
    assert response.status_code == 200, response.content
    [row] = response.json()
    assert (row["id"], row["state"], row["case"], row["rating"], row["comment"]) == (
        r.pk,
        "open",
        poor["case"].number,
        Rating.VERY_DISSATISFIED,
        COMMENT,
    )
    assert row["due_date"] == "2026-03-09"
    assert reviewer.get("/api/rectifications").json() == [row]  # their department by default

    url = f"/api/rectifications/{r.pk}"
    assert_error(post_json(reviewer, f"{url}/measures", {"measures": " "}), 400, "measures")
    head = api_client(poor["head"])
    assert_error(  # the call-back comes after the measures
        post_json(head, f"{url}/callback", {"note": "x", "satisfied": True}),
        409,
        "rectification_state",
    )
    response = post_json(reviewer, f"{url}/measures", {"measures": "增设取号提醒"})
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["measures"]) == ("rectified", "增设取号提醒")
    body = assert_error(
        post_json(reviewer, f"{url}/callback", {"note": "已回访", "satisfied": True}), 403
    )
    assert body["detail"] == HEAD_ONLY
    response = post_json(head, f"{url}/callback", {"note": "已回访", "satisfied": False})
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["callback_satisfied"]) == ("closed", False)


def test_api_hides_another_departments_rectifications(poor):
    r = poor["rectification"]
    outsider = api_client(poor["outsider"])
    assert_error(outsider.get("/api/rectifications", {"organization": poor["bureau"].pk}), 404)
    assert outsider.get("/api/rectifications").json() == []
    assert_error(
        post_json(outsider, f"/api/rectifications/{r.pk}/measures", {"measures": "x"}), 404
    )
    assert_error(
        post_json(
            outsider, f"/api/rectifications/{r.pk}/callback", {"note": "x", "satisfied": True}
        ),
        404,
    )
    assert_error(post_json(outsider, "/api/rectifications/999999/measures", {"measures": "x"}), 404)
    citizen = api_client(poor["case"].applicant.user)
    assert_error(citizen.get("/api/rectifications"), 404)
    r.refresh_from_db()
    assert r.state == RectificationState.OPEN
