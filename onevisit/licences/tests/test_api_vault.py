"""The holder's vault through the API: their own licences (list, detail, export), who used
them, their consents; anyone else's licence or consent is a 404 in every endpoint."""

import datetime
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onevisit.core.errors import NotFound
from onevisit.core.models import Role
from onevisit.licences import services
from onevisit.licences.choices import Verdict
from onevisit.licences.models import Consent
from onevisit.orgs.models import Organization
from onevisit.testing import case_factories as kf
from onevisit.testing import factories as f
from onevisit.testing import licence_factories as lf
from onevisit.testing.api import api_client, assert_error, post_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def vault():
    org = f.organization(name="桐庐县民政局")
    user, applicant = kf.citizen_account(name="李示例")
    lt = lf.licence_type(validity_years=5, name="结婚证", name_en="Marriage certificate")
    first = lf.issue(lt, applicant, org, values={"subject": "结婚登记"})
    old = lf.issue(lf.licence_type(validity_years=1), applicant, org, on=datetime.date(2020, 5, 6))
    return org, user, applicant, first, old


def _consent(client, licence, organization, **extra):
    body = {"licence": licence.number, "organization": organization.pk, "purpose": "办理出生登记"}
    return post_json(client, "/api/vault/consents", {**body, **extra})


def test_my_licences_with_what_verifying_them_says_today(vault):
    org, user, _applicant, first, old = vault
    body = api_client(user).get("/api/vault/licences").json()
    rows = {r["number"]: r for r in body}
    assert list(rows) == [first.number, old.number]  # newest first
    assert rows[first.number] == {
        "number": first.number,
        "type": "结婚证",
        "type_code": first.licence_type.code,
        "issuer": "桐庐县民政局",
        "issuer_id": org.pk,
        "issued_on": "2026-03-02",
        "valid_until": "2031-03-02",
        "state": "valid",
        "verdict": Verdict.GENUINE,
    }
    assert rows[old.number]["verdict"] == Verdict.EXPIRED


def test_a_revoked_licence_stays_in_the_vault_marked(vault):
    org, user, _applicant, first, _old = vault
    response = post_json(
        api_client(kf.reviewer_of(org)), f"/api/licences/{first.number}/revoke", {"reason": "撤销"}
    )
    assert response.status_code == 200, response.content
    rows = {r["number"]: r for r in api_client(user).get("/api/vault/licences").json()}
    assert rows[first.number]["state"] == "revoked"
    assert rows[first.number]["verdict"] == Verdict.REVOKED
    detail = api_client(user).get(f"/api/vault/licences/{first.number}").json()
    assert detail["revoked_reason"] == "撤销" and detail["revoked_at"]


def test_the_detail_carries_the_fields_and_my_own_identity_number(vault):
    _org, user, applicant, first, _old = vault
    body = (
        api_client(user)
        .get(f"/api/vault/licences/{first.number}", headers={"Accept-Language": "zh-hans"})
        .json()
    )
    assert body["holder"] == {"kind": "person", "name": "李示例", "id": applicant.identifier}
    assert body["fields"] == [
        {"key": "holder_name", "label": "姓名", "value": "李示例"},
        {"key": "subject", "label": "事项", "value": "结婚登记"},
    ]
    assert body["kid"] == first.key.kid
    assert body["verdict"] == Verdict.GENUINE and body["reason"]
    assert body["replaces"] is None and body["replaced_by"] is None
    english = api_client(user).get(f"/api/vault/licences/{first.number}")
    assert [x["label"] for x in english.json()["fields"]] == ["Name", "Subject"]


def test_the_export_is_an_attachment_anyone_can_verify(vault):
    _org, user, _applicant, first, _old = vault
    response = api_client(user).get(f"/api/vault/licences/{first.number}/export")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="{first.number}.json"'
    document = json.loads(response.content)
    assert document == first.exported()
    assert "李示例" in response.content.decode()  # UTF-8 as is, not \u escapes
    verified = post_json(Client(), "/api/licences/verify", document).json()
    assert verified["verdict"] == Verdict.GENUINE


def test_consents_given_listed_and_withdrawn(vault):
    org, user, _applicant, first, _old = vault
    client = api_client(user)
    department = f.organization(name="桐庐县卫生健康局")
    response = _consent(client, first, department, until="2030-01-01")
    assert response.status_code == 201, response.content
    given = response.json()
    assert given["licence"] == first.number and given["licence_type"] == "结婚证"
    assert given["organization"] == department.pk
    assert given["organization_name"] == "桐庐县卫生健康局"
    assert given["purpose"] == "办理出生登记" and given["until"] == "2030-01-01"
    assert given["active"] is True and given["withdrawn_at"] is None and given["case"] is None

    listed = client.get("/api/vault/consents").json()
    assert [c["id"] for c in listed] == [given["id"]]

    response = client.post(f"/api/vault/consents/{given['id']}/withdraw")
    assert response.status_code == 200, response.content
    assert response.json()["active"] is False and response.json()["withdrawn_at"]
    again = client.post(f"/api/vault/consents/{given['id']}/withdraw")
    assert again.status_code == 200
    assert again.json()["withdrawn_at"] == response.json()["withdrawn_at"]
    assert client.get("/api/vault/consents").json()[0]["active"] is False


def test_bad_consents_are_refused(vault):
    _org, user, _applicant, first, _old = vault
    client = api_client(user)
    department = f.organization()
    assert_error(_consent(client, first, department, purpose="   "), 400, "purpose")
    assert_error(_consent(client, first, department, until="2020-01-01"), 400, "until")
    response = post_json(
        client,
        "/api/vault/consents",
        {"licence": first.number, "organization": 10**9, "purpose": "x"},
    )
    assert_error(response, 400, "organization")
    abolished = f.organization()
    Organization.objects.filter(pk=abolished.pk).update(valid_to=datetime.date(2025, 12, 31))
    assert_error(_consent(client, first, abolished), 400, "organization")
    assert_error(post_json(client, "/api/vault/consents", {"licence": first.number}), 422)
    assert_error(post_json(client, "/api/vault/consents", "not an object"), 400)
    response = post_json(
        client,
        "/api/vault/consents",
        {"licence": "NO-SUCH", "organization": department.pk, "purpose": "x"},
    )
    assert_error(response, 404)
    assert not Consent.objects.exists()


def test_another_citizens_licences_are_404_everywhere(vault):
    org, user, _applicant, first, _old = vault
    consent = _consent(api_client(user), first, f.organization()).json()
    other_user, other = kf.citizen_account()
    mine = lf.issue(first.licence_type, other, org)
    client = api_client(other_user)
    assert [r["number"] for r in client.get("/api/vault/licences").json()] == [mine.number]
    assert_error(client.get(f"/api/vault/licences/{first.number}"), 404, "not_found")
    assert_error(client.get(f"/api/vault/licences/{first.number}/export"), 404, "not_found")
    assert_error(_consent(client, first, f.organization()), 404, "not_found")
    assert_error(client.post(f"/api/vault/consents/{consent['id']}/withdraw"), 404)
    assert client.get("/api/vault/consents").json() == []
    assert client.get("/api/vault/uses").json()["items"] == []
    assert Consent.objects.get(pk=consent["id"]).withdrawn_at is None


def test_users_without_a_vault_get_404_and_strangers_401(vault):
    org, _user, _applicant, first, _old = vault
    reviewer = api_client(kf.reviewer_of(org))  # even of the issuer: the vault is the holder's
    for url in (
        "/api/vault/licences",
        f"/api/vault/licences/{first.number}",
        f"/api/vault/licences/{first.number}/export",
        "/api/vault/uses",
        "/api/vault/consents",
    ):
        assert_error(reviewer.get(url), 404, "not_found")
        assert_error(Client().get(url), 401, "unauthenticated")
    assert_error(_consent(reviewer, first, org), 404)
    assert_error(_consent(Client(), first, org), 401)


def test_an_enterprise_reads_its_own_vault():
    org = f.organization()
    user, company = lf.enterprise_account(name="桐庐示例餐饮管理有限公司")
    licence = lf.issue(lf.licence_type(name="营业执照"), company, org)
    client = api_client(user)
    assert [r["number"] for r in client.get("/api/vault/licences").json()] == [licence.number]
    body = client.get(f"/api/vault/licences/{licence.number}").json()
    assert body["holder"] == {
        "kind": "enterprise",
        "name": "桐庐示例餐饮管理有限公司",
        "id": company.identifier,
    }
    assert any(a.role == Role.ENTERPRISE for a in user.role_assignments.all())


def test_the_session_needs_csrf_for_writes(vault):
    _org, user, _applicant, first, _old = vault
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/api/vault/licences").status_code == 200
    assert_error(_consent(client, first, f.organization()), 403, "csrf_failed")


def test_the_vault_reads_in_a_fixed_number_of_queries(vault):
    org, user, applicant, first, _old = vault
    client = api_client(user)
    client.get("/api/vault/licences")  # the token's first use is written once

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = {url: count(url) for url in ("/api/vault/licences", "/api/vault/uses")}
    reviewer = kf.reviewer_of(org)
    for _n in range(4):
        lf.issue(first.licence_type, applicant, org)
        with pytest.raises(NotFound):  # refused, and logged all the same
            services.licence_use(actor=reviewer, number=first.number, purpose="x")
    assert len(client.get("/api/vault/uses").json()["items"]) == 4
    assert {url: count(url) for url in before} == before
