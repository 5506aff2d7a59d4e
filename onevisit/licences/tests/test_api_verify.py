"""Verification through the API and the offline command, side by side: an exported licence
is genuine both ways; any single change to what was signed makes it tampered both ways; a
revoked one says revoked, an expired one expired; a key rotation leaves what the old key
signed genuine."""

import copy
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from onevisit.licences.choices import Verdict
from onevisit.testing import case_factories as kf
from onevisit.testing import factories as f
from onevisit.testing import licence_factories as lf
from onevisit.testing.api import api_client, assert_error, post_json

pytestmark = pytest.mark.django_db

FIVE_YEARS_ON = datetime.date(2031, 3, 3)


@pytest.fixture
def issued():
    """A citizen's five-year licence with a nested payload (type, holder, issuer, fields)."""
    org = f.organization(name="桐庐县市场监督管理局")
    user, applicant = kf.citizen_account(name="李示例")
    lt = lf.licence_type(validity_years=5, name="食品经营许可证")
    licence = lf.issue(lt, applicant, org, values={"subject": "预包装食品销售"})
    return org, user, licence


def _verify_http(document) -> dict:
    response = post_json(Client(enforce_csrf_checks=True), "/api/licences/verify", document)
    assert response.status_code == 200, response.content
    return response.json()


def _keyset_file(tmp_path, name: str = "keys.json"):
    response = Client().get("/api/licences/keys")
    assert response.status_code == 200, response.content
    path = tmp_path / name
    path.write_text(json.dumps(response.json()), encoding="utf-8")
    return path


def _command(tmp_path, document, *args) -> tuple[int, str]:
    """Run verify_licence on the document: (exit status, what it printed)."""
    path = tmp_path / "licence.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    try:
        call_command("verify_licence", str(path), *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def _offline(tmp_path, keyset, document, *args, django_assert_num_queries):
    with django_assert_num_queries(0):
        return _command(tmp_path, document, "--keyset", str(keyset), *args)


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _leaves(item, (*path, n))
    else:
        yield path, value


def _changed(value):
    """A plausible forgery of one value: a day later, one more, another text."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if value is None:
        return "2099-12-31"
    try:
        return (datetime.date.fromisoformat(value) + datetime.timedelta(days=1)).isoformat()
    except ValueError:
        return value + "改"


def _with(document, path, value):
    forged = copy.deepcopy(document)
    target = forged["payload"]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return forged


def test_an_exported_licence_is_genuine_through_the_api_and_the_command(
    issued, tmp_path, django_assert_num_queries
):
    _org, user, licence = issued
    response = api_client(user).get(f"/api/vault/licences/{licence.number}/export")
    assert response.status_code == 200
    document = response.json()

    body = _verify_http(document)
    assert body["verdict"] == Verdict.GENUINE
    assert body["number"] == licence.number
    assert body["type"] == "食品经营许可证"
    assert body["issuer"] == "桐庐县市场监督管理局"
    assert body["holder"] == "李示例"
    assert body["valid_until"] == licence.valid_until.isoformat()
    # The verifier sees the identity number masked, never in full.
    identifier = licence.holder.identifier
    assert body["holder_id"] != identifier and body["holder_id"][-2:] == identifier[-2:]
    assert identifier not in json.dumps(body)

    keyset = _keyset_file(tmp_path)
    status, out = _offline(
        tmp_path, keyset, document, django_assert_num_queries=django_assert_num_queries
    )
    assert status == 0, out
    assert "genuine" in out and licence.number in out and identifier not in out
    status, out = _command(tmp_path, document)  # the key set from the database
    assert status == 0, out


def test_changing_any_signed_value_makes_it_tampered_both_ways(
    issued, tmp_path, django_assert_num_queries
):
    _org, _user, licence = issued
    document = licence.exported()
    keyset = _keyset_file(tmp_path)
    leaves = list(_leaves(document["payload"]))
    paths = {path for path, _value in leaves}
    # Every part of the content is covered, nested ones included.
    assert {("number",), ("issued_on",), ("valid_until",), ("replaces",)} <= paths
    assert {("holder", "id"), ("holder", "name"), ("issuer", "id"), ("type", "code")} <= paths
    assert {("fields", "holder_name"), ("fields", "subject")} <= paths
    for path, value in leaves:
        forged = _with(document, path, _changed(value))
        assert forged != document
        body = _verify_http(forged)
        assert body["verdict"] == Verdict.TAMPERED, (path, body)
        assert body["number"] is None and body["holder"] is None, path  # nothing is vouched for
        status, out = _offline(
            tmp_path, keyset, forged, django_assert_num_queries=django_assert_num_queries
        )
        assert status == 1 and "tampered" in out, (path, out)
    # The envelope too: another key id, another signature, no format.
    signature = document["signature"]
    other = ("B" if signature[0] == "A" else "A") + signature[1:]  # never the same one
    for key, value in (("kid", "o1-00000000"), ("signature", other)):
        forged = {**document, key: value}
        assert _verify_http(forged)["verdict"] == Verdict.TAMPERED, key
        assert _command(tmp_path, forged)[0] == 1, key
    forged = {k: v for k, v in document.items() if k != "format"}
    assert _verify_http(forged)["verdict"] == Verdict.TAMPERED


def test_a_revoked_licence_says_revoked(issued, tmp_path, django_assert_num_queries):
    org, _user, licence = issued
    document = licence.exported()
    before = _keyset_file(tmp_path, "before.json")
    reviewer = kf.reviewer_of(org)
    response = post_json(
        api_client(reviewer), f"/api/licences/{licence.number}/revoke", {"reason": "以欺骗手段取得"}
    )
    assert response.status_code == 200, response.content

    body = _verify_http(document)
    assert body["verdict"] == Verdict.REVOKED and body["number"] == licence.number
    keys = Client().get("/api/licences/keys").json()
    assert licence.number in keys["revoked"]
    status, out = _offline(
        tmp_path,
        _keyset_file(tmp_path),
        document,
        django_assert_num_queries=django_assert_num_queries,
    )
    assert status == 1 and "revoked" in out
    assert _command(tmp_path, document)[0] == 1
    # A key set downloaded before the revocation does not know of it: offline checks are
    # as fresh as the key set.
    status, _out = _offline(
        tmp_path, before, document, django_assert_num_queries=django_assert_num_queries
    )
    assert status == 0


def test_licences_signed_before_a_key_rotation_still_verify(
    issued, tmp_path, django_assert_num_queries
):
    org, _user, old = issued
    head = kf.reviewer_of(org, head=True)
    response = api_client(head).post(f"/api/organizations/{org.pk}/signing-keys/rotate")
    assert response.status_code == 201, response.content
    new_kid = response.json()["kid"]
    assert new_kid != old.key.kid

    keys = {k["kid"]: k for k in Client().get("/api/licences/keys").json()["keys"]}
    assert keys[old.key.kid]["status"] == "retired"
    assert keys[new_kid]["status"] == "active"
    new = lf.issue(old.licence_type, old.holder, org)
    assert new.key.kid == new_kid

    keyset = _keyset_file(tmp_path)
    for licence in (old, new):
        assert _verify_http(licence.exported())["verdict"] == Verdict.GENUINE
        status, out = _offline(
            tmp_path,
            keyset,
            licence.exported(),
            django_assert_num_queries=django_assert_num_queries,
        )
        assert status == 0, out


def test_an_expired_licence_says_expired(issued, tmp_path, django_assert_num_queries):
    org, _user, licence = issued
    keyset = _keyset_file(tmp_path)
    # Valid five years from 2 March 2026, to 2 March 2031 inclusive.
    status, out = _offline(
        tmp_path,
        keyset,
        licence.exported(),
        "--date",
        "2031-03-02",
        django_assert_num_queries=django_assert_num_queries,
    )
    assert status == 0, out
    status, out = _offline(
        tmp_path,
        keyset,
        licence.exported(),
        "--date",
        FIVE_YEARS_ON.isoformat(),
        django_assert_num_queries=django_assert_num_queries,
    )
    assert status == 1 and "expired" in out and "2031-03-02" in out

    short = lf.licence_type(validity_years=1)
    old = lf.issue(short, licence.holder, org, on=datetime.date(2020, 1, 2))
    body = _verify_http(old.exported())
    assert body["verdict"] == Verdict.EXPIRED and body["valid_until"] == "2021-01-02"
    assert _command(tmp_path, old.exported())[0] == 1
    assert _command(tmp_path, old.exported(), "--date", "2020-06-01")[0] == 0


def test_a_body_that_is_not_a_licence_object_is_a_400_and_an_odd_object_is_tampered():
    client = Client(enforce_csrf_checks=True)
    for body in ("[]", '"licence"', "42", "null", "{not json", "[" * 5000, ""):
        response = client.post("/api/licences/verify", body, content_type="application/json")
        assert_error(response, 400)
    for document in ({}, {"format": "onevisit-licence/1"}, {"payload": [1], "kid": 3}):
        assert _verify_http(document)["verdict"] == Verdict.TAMPERED
    response = client.post(
        "/api/licences/verify", "\xff\xfe".encode("latin-1"), content_type="application/json"
    )
    assert_error(response, 400)


def test_the_key_set_is_public_and_shows_nothing_personal(issued):
    _org, _user, licence = issued
    body = Client().get("/api/licences/keys").json()
    assert [k["kid"] for k in body["keys"]] == [licence.key.kid]
    key = body["keys"][0]
    assert key["kty"] == "OKP" and key["crv"] == "Ed25519" and key["x"] == licence.key.public_key
    assert "private" not in json.dumps(body) and licence.holder.identifier not in json.dumps(body)
    assert body["revoked"] == []
