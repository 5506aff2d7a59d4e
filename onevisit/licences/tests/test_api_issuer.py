"""The issuer through the API: reviewers and heads of the issuing organization revoke and
re-issue its licences, a head rotates its signing key; anyone else gets a 404, bad bodies
a 400, and the answers carry nothing personal."""

import pytest
from django.test import Client

from onevisit.licences.choices import LicenceState, Verdict
from onevisit.licences.models import Licence, SigningKey
from onevisit.testing import case_factories as kf
from onevisit.testing import factories as f
from onevisit.testing import licence_factories as lf
from onevisit.testing.api import api_client, assert_error, post_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued():
    org = f.organization(name="桐庐县市场监督管理局")
    user, applicant = kf.citizen_account(name="李示例")
    licence = lf.issue(lf.licence_type(validity_years=5), applicant, org)
    return org, user, licence


def _revoke(client, licence, reason="以欺骗手段取得"):
    return post_json(client, f"/api/licences/{licence.number}/revoke", {"reason": reason})


def _reissue(client, licence, changes, reason="经营项目变更"):
    return post_json(
        client,
        f"/api/licences/{licence.number}/reissue",
        {"changes": changes, "reason": reason},
    )


def test_a_reviewer_of_the_issuer_revokes(issued):
    org, _user, licence = issued
    client = api_client(kf.reviewer_of(org))
    response = _revoke(client, licence)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["number"] == licence.number and body["state"] == LicenceState.REVOKED
    assert body["revoked_reason"] == "以欺骗手段取得" and body["revoked_at"]
    assert body["issuer"] == "桐庐县市场监督管理局" and body["replaced_by"] is None
    assert licence.holder.identifier not in response.content.decode()
    assert Licence.objects.get(pk=licence.pk).state == LicenceState.REVOKED
    assert_error(_revoke(client, licence), 409, "conflict")


def test_nobody_else_revokes(issued):
    org, user, licence = issued
    for outsider in (
        api_client(user),  # the holder
        api_client(kf.reviewer_of(f.organization())),  # another department
        api_client(f.UserFactory()),
    ):
        assert_error(_revoke(outsider, licence), 404, "not_found")
        assert_error(_reissue(outsider, licence, {"subject": "x"}), 404, "not_found")
    assert_error(_revoke(Client(), licence), 401)
    assert_error(_revoke(api_client(kf.reviewer_of(org)), Licence(number="NO-SUCH")), 404)
    assert Licence.objects.get(pk=licence.pk).state == LicenceState.VALID


def test_bad_revocations_are_400(issued):
    org, _user, licence = issued
    client = api_client(kf.reviewer_of(org))
    assert_error(_revoke(client, licence, reason="  "), 400, "reason_required")
    assert_error(post_json(client, f"/api/licences/{licence.number}/revoke", {}), 422)
    response = client.post(
        f"/api/licences/{licence.number}/revoke", "{oops", content_type="application/json"
    )
    assert_error(response, 400)
    assert Licence.objects.get(pk=licence.pk).state == LicenceState.VALID


def test_a_head_reissues_with_changed_fields(issued):
    org, user, licence = issued
    client = api_client(kf.reviewer_of(org, head=True))
    response = _reissue(client, licence, {"subject": "餐饮服务"})
    assert response.status_code == 201, response.content
    body = response.json()
    old, new = body["old"], body["new"]
    assert old["number"] == licence.number and old["state"] == LicenceState.REVOKED
    assert old["replaced_by"] == new["number"] and old["revoked_reason"] == "经营项目变更"
    assert new["state"] == LicenceState.VALID and new["replaces"] == licence.number
    assert licence.holder.identifier not in response.content.decode()

    vault = api_client(user)
    detail = vault.get(f"/api/vault/licences/{new['number']}").json()
    assert {x["key"]: x["value"] for x in detail["fields"]}["subject"] == "餐饮服务"
    assert detail["verdict"] == Verdict.GENUINE and detail["replaces"] == licence.number
    previous = vault.get(f"/api/vault/licences/{licence.number}").json()
    assert previous["verdict"] == Verdict.REVOKED and previous["replaced_by"] == new["number"]


def test_bad_reissues_are_400(issued):
    org, _user, licence = issued
    client = api_client(kf.reviewer_of(org))
    assert_error(_reissue(client, licence, {"colour": "红"}), 400)
    assert_error(_reissue(client, licence, {"subject": "x"}, reason=""), 400, "reason_required")
    assert_error(_reissue(client, licence, {"subject": "a\x00b"}), 422)
    assert_error(_reissue(client, licence, ["subject"]), 422)
    assert Licence.objects.count() == 1
    assert Licence.objects.get().state == LicenceState.VALID
    _revoke(client, licence)
    assert_error(_reissue(client, licence, {"subject": "x"}), 409)


def test_a_head_rotates_the_signing_key(issued):
    org, _user, licence = issued
    old_kid = licence.key.kid
    for outsider in (
        api_client(kf.reviewer_of(org)),  # a reviewer, not a head
        api_client(kf.reviewer_of(f.organization(), head=True)),  # a head elsewhere
    ):
        response = outsider.post(f"/api/organizations/{org.pk}/signing-keys/rotate")
        assert_error(response, 404, "not_found")
    assert_error(Client().post(f"/api/organizations/{org.pk}/signing-keys/rotate"), 401)
    head = api_client(kf.reviewer_of(org, head=True))
    assert_error(head.post("/api/organizations/999999999/signing-keys/rotate"), 404)
    assert SigningKey.objects.get(organization=org).kid == old_kid

    response = head.post(f"/api/organizations/{org.pk}/signing-keys/rotate")
    assert response.status_code == 201, response.content
    key = response.json()
    assert key["kid"] != old_kid and key["status"] == "active"
    assert key["issuer"] == "桐庐县市场监督管理局" and key["kty"] == "OKP"
    assert SigningKey.objects.get(kid=old_kid).retired_at is not None
    assert SigningKey.objects.get(kid=key["kid"]).public_key == key["x"]
