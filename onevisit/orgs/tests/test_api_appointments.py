"""POST /api/appointments and its end / transfer, through HTTP."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from onevisit.core.audit import verify_chain
from onevisit.core.models import ApiToken
from onevisit.orgs.choices import QuotaCategory
from onevisit.orgs.models import Appointment, Person, QuotaBalance
from onevisit.testing import factories as f
from onevisit.testing.api import api_client, bearer

pytestmark = pytest.mark.django_db

ADMIN = QuotaCategory.ADMINISTRATIVE


@pytest.fixture
def region():
    return f.RegionFactory(code="330122", name="桐庐县")


@pytest.fixture
def officer(region):
    return f.officer(region)


@pytest.fixture
def client(officer):
    return api_client(officer)


def _payload(org, **overrides):
    data = {
        "organization_id": org.pk,
        "identity_number": f.identity_number(),
        "name": "张三",
        "category": "administrative",
    }
    data.update(overrides)
    return data


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_create_answers_201_with_the_appointment(client, region):
    org = f.organization(region=region, quotas=[(ADMIN, "", 2)], bodies=[("Office", "")])
    body = org.charters.get().internal_bodies.get()
    number = f.identity_number()
    response = _post(
        client,
        "/api/appointments",
        _payload(
            org,
            identity_number=number,
            internal_body_id=body.pk,
            post_rank="head",
            start_date="2024-03-01",
            document_number="桐编〔2024〕3号",
        ),
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["organization"] == {"id": org.pk, "name": org.name}
    assert data["identity_number"] == number  # an establishment officer sees it in full
    assert data["internal_body"]["id"] == body.pk
    assert data["post_rank"] == "head"
    assert data["start_date"] == "2024-03-01"
    assert data["end_date"] is None
    appt = Appointment.objects.get(pk=data["id"])
    assert appt.person.identity_number == number
    assert QuotaBalance.objects.get(organization=org).actual == 1
    assert verify_chain() is None


def test_over_staffing_is_a_409_naming_org_category_and_numbers(client, region):
    org = f.organization(name="桐庐县自然资源和规划局", region=region, quotas=[(ADMIN, "", 1)])
    assert _post(client, "/api/appointments", _payload(org)).status_code == 201
    response = _post(client, "/api/appointments", _payload(org))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "over_staffing"
    assert "桐庐县自然资源和规划局" in body["detail"]
    assert "Administrative" in body["detail"]
    assert "1 approved" in body["detail"] and "1 already filled" in body["detail"]
    assert QuotaBalance.objects.get(organization=org).actual == 1


def test_a_category_without_quota_is_over_staffing(client, region):
    org = f.organization(region=region, quotas=[(ADMIN, "", 1)])
    response = _post(client, "/api/appointments", _payload(org, category="service_staff"))
    assert response.status_code == 409
    assert response.json()["code"] == "over_staffing"


def test_invalid_identity_number_is_a_400_with_a_clear_message(client, region):
    org = f.organization(region=region)
    response = _post(
        client, "/api/appointments", _payload(org, identity_number="330122198001011234")
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_identity_number"
    assert "not a valid resident identity number" in body["detail"]
    assert "330122198001011234" not in body["detail"]  # masked even in the refusal
    assert not Person.objects.exists()


def test_malformed_input_is_a_422_with_detail_and_code(client, region):
    org = f.organization(region=region)
    response = _post(client, "/api/appointments", {"organization_id": org.pk, "category": "x"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert "identity_number" in body["detail"] and "category" in body["detail"]


def test_unparseable_json_is_a_400(client):
    response = client.post("/api/appointments", "{nope", content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "code"}


def test_an_internal_body_of_another_organization_is_refused(client, region):
    org = f.organization(region=region)
    other = f.organization(region=region)
    foreign = other.charters.get().internal_bodies.first()
    response = _post(client, "/api/appointments", _payload(org, internal_body_id=foreign.pk))
    assert response.status_code == 400
    assert response.json()["code"] == "body_not_in_organization"


def test_an_organization_outside_the_officers_region_is_a_404(client):
    elsewhere = f.organization(region=f.RegionFactory(code="330603"))
    response = _post(client, "/api/appointments", _payload(elsewhere))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    unknown = _post(client, "/api/appointments", _payload(elsewhere, organization_id=999999))
    assert unknown.status_code == 404
    assert unknown.json()["detail"].replace("999999", "X") == response.json()["detail"].replace(
        str(elsewhere.pk), "X"
    )
    assert not Person.objects.exists()


def test_a_person_already_appointed_is_a_409(client, region):
    org = f.organization(region=region, quotas=[(ADMIN, "", 5)])
    data = _payload(org)
    assert _post(client, "/api/appointments", data).status_code == 201
    response = _post(client, "/api/appointments", data)
    assert response.status_code == 409
    assert response.json()["code"] == "already_appointed"


def test_end_frees_the_slot_and_cannot_be_repeated(client, region):
    org = f.organization(region=region, quotas=[(ADMIN, "", 1)])
    appt = f.appoint(org, start_date=datetime.date(2020, 1, 1))
    url = f"/api/appointments/{appt.pk}/end"
    response = _post(client, url, {"end_date": "2024-06-30", "reason": "retired"})
    assert response.status_code == 200, response.content
    assert response.json()["end_date"] == "2024-06-30"
    assert response.json()["end_reason"] == "retired"
    assert QuotaBalance.objects.get(organization=org).actual == 0
    again = _post(client, url, {})
    assert again.status_code == 409
    assert again.json()["code"] == "already_ended"
    before_start = f.appoint(org, start_date=datetime.date(2024, 1, 1))
    early = _post(client, f"/api/appointments/{before_start.pk}/end", {"end_date": "2023-01-01"})
    assert early.status_code == 400


def test_transfer_moves_the_person_or_changes_nothing(client, region):
    a = f.organization(region=region, quotas=[(ADMIN, "", 1)])
    b = f.organization(region=region, quotas=[(ADMIN, "", 1)])
    c = f.organization(region=region, quotas=[(ADMIN, "", 1)])
    appt = f.appoint(a, start_date=datetime.date(2020, 1, 1))
    f.appoint(c)
    url = f"/api/appointments/{appt.pk}/transfer"
    full = _post(client, url, {"to_organization_id": c.pk, "category": "administrative"})
    assert full.status_code == 409
    assert full.json()["code"] == "over_staffing"
    assert Appointment.objects.get(pk=appt.pk).end_date is None

    response = _post(
        client,
        url,
        {"to_organization_id": b.pk, "category": "administrative", "transfer_date": "2024-05-01"},
    )
    assert response.status_code == 201, response.content
    new = response.json()
    assert new["organization"]["id"] == b.pk
    assert new["start_date"] == "2024-05-01"
    assert QuotaBalance.objects.get(organization=a).actual == 0
    assert QuotaBalance.objects.get(organization=b).actual == 1
    assert Appointment.objects.get(pk=appt.pk).end_date == datetime.date(2024, 5, 1)
    assert verify_chain() is None


def test_transfer_into_another_region_is_a_404(client, region):
    a = f.organization(region=region)
    elsewhere = f.organization(region=f.RegionFactory(code="330603"))
    appt = f.appoint(a)
    response = _post(
        client,
        f"/api/appointments/{appt.pk}/transfer",
        {"to_organization_id": elsewhere.pk, "category": "administrative"},
    )
    assert response.status_code == 404
    assert Appointment.objects.get(pk=appt.pk).end_date is None


def test_no_credentials_is_a_401():
    anonymous = Client()
    for response in (
        anonymous.get("/api/organizations"),
        anonymous.post("/api/appointments", {}, content_type="application/json"),
    ):
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentication required.", "code": "unauthenticated"}


def test_a_wrong_or_revoked_token_is_a_401(officer):
    wrong = Client(headers={"Authorization": "Bearer ov_not-a-token"})
    assert wrong.get("/api/organizations").status_code == 401
    headers = bearer(officer)
    ApiToken.objects.all().delete()
    assert Client(headers=headers).get("/api/organizations").status_code == 401


def test_a_token_of_an_inactive_user_is_a_401(officer):
    headers = bearer(officer)
    officer.is_active = False
    officer.save()
    assert Client(headers=headers).get("/api/organizations").status_code == 401


def test_issue_token_prints_a_working_token_once_and_stores_its_digest(officer, region):
    out = io.StringIO()
    call_command(
        "issue_token", officer.username, "--name", "bench", stdout=out, stderr=io.StringIO()
    )
    raw = out.getvalue().strip()
    assert raw.startswith("ov_")
    token = ApiToken.objects.get(name="bench")
    assert token.digest == ApiToken.digest_of(raw) and raw not in token.digest
    org = f.organization(region=region)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert _post(client, "/api/appointments", _payload(org)).status_code == 201
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert verify_chain() is None


def test_session_auth_needs_csrf_for_writes_but_a_token_does_not(officer, region):
    org = f.organization(region=region, quotas=[(ADMIN, "", 5)])
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    assert browser.get(f"/api/organizations/{org.pk}").status_code == 200
    refused = _post(browser, "/api/appointments", _payload(org))
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    assert not Appointment.objects.exists()

    secret = _get_new_csrf_string()
    browser.cookies["csrftoken"] = secret
    accepted = browser.post(
        "/api/appointments",
        _payload(org),
        content_type="application/json",
        headers={"X-CSRFToken": secret},
    )
    assert accepted.status_code == 201, accepted.content

    token_client = Client(enforce_csrf_checks=True, headers=bearer(officer))
    assert _post(token_client, "/api/appointments", _payload(org)).status_code == 201
