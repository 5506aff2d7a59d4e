"""A department reads a citizen's licence through the API (用证): refused (404) without the
holder's consent or a legal basis, and the attempt is in the holder's access log; allowed
with the consent given through the vault until it is withdrawn; allowed without consent
under the legal basis on the material of the holder's case at the department."""

import logging

import pytest
from django.test import Client

from onevisit.catalog.choices import MaterialSource
from onevisit.licences.choices import AccessBasis, Verdict
from onevisit.licences.models import LicenceAccess
from onevisit.testing import case_factories as kf
from onevisit.testing import factories as f
from onevisit.testing import licence_factories as lf
from onevisit.testing.api import api_client, assert_error, post_json

pytestmark = pytest.mark.django_db

PURPOSE = "核验婚姻状况"
BASIS = "《测试条例》第十条"


@pytest.fixture
def setting():
    issuer = f.organization(name="桐庐县民政局")
    department = f.organization(name="桐庐县卫生健康局")
    citizen, applicant = kf.citizen_account(name="李示例")
    licence = lf.issue(lf.licence_type(name="结婚证"), applicant, issuer)
    officer = kf.reviewer_of(department, username="reviewer.health")
    return {
        "department": department,
        "citizen": api_client(citizen),
        "licence": licence,
        "officer": api_client(officer),
    }


def _read(client, licence, **params):
    return client.get(f"/api/licences/{licence.number}", {"purpose": PURPOSE, **params})


def _uses(citizen) -> list[dict]:
    response = citizen.get("/api/vault/uses")
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_consent_given_and_withdrawn_through_the_vault(setting):
    citizen, officer = setting["citizen"], setting["officer"]
    licence, department = setting["licence"], setting["department"]

    assert_error(_read(officer, licence), 404, "not_found")
    [refused] = _uses(citizen)
    assert refused["granted"] is False and refused["basis"] == AccessBasis.NONE
    assert refused["department"] == "桐庐县卫生健康局"
    assert refused["department_id"] == department.pk
    assert refused["user_label"] == "reviewer.health"
    assert refused["purpose"] == PURPOSE and refused["licence"] == licence.number
    assert refused["licence_type"] == "结婚证" and refused["case"] is None and refused["at"]

    response = post_json(
        citizen,
        "/api/vault/consents",
        {"licence": licence.number, "organization": department.pk, "purpose": "出生登记"},
    )
    assert response.status_code == 201, response.content
    consent = response.json()["id"]

    response = _read(officer, licence)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["number"] == licence.number and body["verdict"] == Verdict.GENUINE
    assert {x["key"]: x["value"] for x in body["fields"]}["holder_name"] == "李示例"
    # A lawful use: the licence as signed, the identity number included.
    assert body["holder"]["id"] == licence.holder.identifier
    used, refused_again = _uses(citizen)
    assert used["granted"] is True and used["basis"] == AccessBasis.CONSENT
    assert used["department"] == "桐庐县卫生健康局" and used["purpose"] == PURPOSE
    assert refused_again == refused

    response = citizen.post(f"/api/vault/consents/{consent}/withdraw")
    assert response.status_code == 200, response.content
    assert_error(_read(officer, licence), 404, "not_found")
    assert [(u["granted"], u["basis"]) for u in _uses(citizen)] == [
        (False, AccessBasis.NONE),
        (True, AccessBasis.CONSENT),
        (False, AccessBasis.NONE),
    ]


def test_consent_to_another_department_does_not_let_this_one_read(setting):
    citizen, officer, licence = setting["citizen"], setting["officer"], setting["licence"]
    response = post_json(
        citizen,
        "/api/vault/consents",
        {"licence": licence.number, "organization": f.organization().pk, "purpose": "x"},
    )
    assert response.status_code == 201
    assert_error(_read(officer, licence), 404)
    assert _uses(citizen)[0]["granted"] is False


def test_a_legal_basis_on_the_case_reads_without_consent(setting):
    citizen, officer = setting["citizen"], setting["officer"]
    licence, department = setting["licence"], setting["department"]
    item = kf.online_item(
        organization=department,
        materials=[
            {
                "name": "结婚证",
                "source": MaterialSource.ELECTRONIC_LICENCE,
                "licence_type": licence.licence_type.code,
                "sharing_basis": BASIS,
            }
        ],
    )
    case = kf.submit(licence.holder.user, licence.holder, items=[item]).case
    assert case.tasks.get().organization == department
    before = {u["id"] for u in _uses(citizen)}  # intake's own use of the material

    # Without the case the department has no basis.
    assert_error(_read(officer, licence), 404)
    response = _read(officer, licence, case=case.number)
    assert response.status_code == 200, response.content
    assert response.json()["number"] == licence.number
    new = [u for u in _uses(citizen) if u["id"] not in before]
    assert [(u["granted"], u["basis"], u["case"]) for u in new] == [
        (True, AccessBasis.LEGAL_BASIS, case.number),
        (False, AccessBasis.NONE, None),
    ]
    assert new[0]["purpose"] == PURPOSE


def test_a_case_of_another_applicant_gives_no_basis(setting):
    officer, licence, department = setting["officer"], setting["licence"], setting["department"]
    item = kf.online_item(
        organization=department,
        materials=[
            {
                "name": "结婚证",
                "source": MaterialSource.ELECTRONIC_LICENCE,
                "licence_type": licence.licence_type.code,
                "sharing_basis": BASIS,
            }
        ],
    )
    other_user, other = kf.citizen_account()
    case = kf.submit(
        other_user, other, items=[item], materials={"结婚证": {"upload": kf.upload(other_user).pk}}
    ).case
    assert_error(_read(officer, licence, case=case.number), 404)


def test_who_may_ask_and_how(setting):
    citizen, officer, licence = setting["citizen"], setting["officer"], setting["licence"]
    # Not a department: no attempt to log, nothing to see.
    assert_error(_read(citizen, licence), 404)
    assert_error(_read(api_client(f.UserFactory()), licence), 404)
    assert_error(
        _read(api_client(kf.reviewer_of(setting["department"])), licence, purpose=" "), 400
    )
    assert_error(officer.get(f"/api/licences/{licence.number}"), 422)  # no purpose
    assert_error(_read(officer, licence, purpose="x" * 301), 422)
    assert_error(officer.get("/api/licences/NO-SUCH", {"purpose": PURPOSE}), 404)
    assert_error(_read(Client(), licence), 401)
    assert LicenceAccess.objects.filter(granted=True).count() == 0
    assert _uses(citizen) == []


def test_identity_numbers_in_a_purpose_are_masked_and_nothing_personal_is_logged(setting, caplog):
    citizen, officer, licence = setting["citizen"], setting["officer"], setting["licence"]
    post_json(
        citizen,
        "/api/vault/consents",
        {
            "licence": licence.number,
            "organization": setting["department"].pk,
            "purpose": "出生登记",
        },
    )
    identifier = licence.holder.identifier
    with caplog.at_level(logging.DEBUG):
        response = _read(officer, licence, purpose=f"核验 {identifier} 的婚姻状况")
        assert response.status_code == 200
        stranger = lf.issue(licence.licence_type, kf.citizen_account()[1], licence.issued_by)
        assert_error(_read(officer, stranger, purpose=f"核验 {identifier}"), 404)
    assert identifier in response.content.decode()  # the lawful answer carries it
    assert identifier not in caplog.text
    [used] = [u for u in _uses(citizen) if u["granted"]]
    assert identifier not in used["purpose"] and identifier[-2:] in used["purpose"]
