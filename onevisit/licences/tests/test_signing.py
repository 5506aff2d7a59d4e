"""Signing and verification (签章与核验): the canonical bytes, every verdict of
`verify_document` on documents made here without the database, and the private keys kept
only encrypted with LICENCE_KEY_SECRET."""

import base64
import copy
import datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from onevisit.cases.models import Record
from onevisit.core.errors import DomainError
from onevisit.licences import selectors, signing
from onevisit.licences.choices import Verdict
from onevisit.licences.models import Licence, SigningKey
from onevisit.testing import case_factories as kf
from onevisit.testing import factories as f
from onevisit.testing import licence_factories as lf

SECRET = "a test secret"
TODAY = datetime.date(2026, 6, 1)
UNTIL = datetime.date(2031, 3, 1)


def _key(kid: str) -> tuple[dict, str]:
    public, private = signing.new_key_pair(SECRET)
    return signing.jwk(kid=kid, public_key=public, issuer="桐庐县测试局", retired=False), private


@pytest.fixture(scope="module")
def keys():
    """Two keys of the key set: {kid: (jwk, encrypted private key)}."""
    return {kid: _key(kid) for kid in ("o1-aaaa", "o1-bbbb")}


@pytest.fixture
def keyset(keys):
    return {"keys": [jwk for jwk, _ in keys.values()], "revoked": []}


def payload(kid: str = "o1-aaaa", **changes) -> dict:
    return {
        "v": 1,
        "number": "330122-2026-EABCDEF0123",
        "kid": kid,
        "type": {"code": "licence-x", "name": "测试证照"},
        "holder": {"kind": "person", "name": "张三", "id": "330122198001010011"},
        "issuer": {"id": 1, "name": "桐庐县测试局", "region": "330122"},
        "issued_on": "2026-03-01",
        "valid_until": UNTIL.isoformat(),
        "fields": {"holder_name": "张三", "subject": "测试"},
        "replaces": None,
        **changes,
    }


def document(keys, kid: str = "o1-aaaa", *, signed_by: str | None = None, **changes) -> dict:
    """A document signed by `signed_by`'s key (the kid's own by default)."""
    content = payload(kid, **changes)
    private = keys[signed_by or kid][1]
    return {
        "format": signing.FORMAT,
        "kid": kid,
        "payload": content,
        "signature": signing.sign(content, private, SECRET),
    }


def verdict(doc, keyset, today=TODAY) -> str:
    return signing.verify_document(doc, keyset, today=today).verdict


# --- the canonical form ---------------------------------------------------------------
def test_canonical_form_does_not_depend_on_key_order():
    a = {"b": 1, "a": {"y": [1, {"q": 1, "p": 2}], "x": "桐庐"}, "c": None}
    b = {"c": None, "a": {"x": "桐庐", "y": [1, {"p": 2, "q": 1}]}, "b": 1}
    assert signing.canonical(a) == signing.canonical(b)
    assert signing.canonical(a) == (
        '{"a":{"x":"桐庐","y":[1,{"p":2,"q":1}]},"b":1,"c":null}'.encode()
    )


def test_canonical_form_tells_different_content_apart():
    assert signing.canonical({"a": 1}) != signing.canonical({"a": "1"})
    assert signing.canonical({"a": [1, 2]}) != signing.canonical({"a": [2, 1]})


def test_a_reordered_payload_still_verifies(keys, keyset):
    doc = document(keys)
    doc["payload"] = dict(reversed(list(doc["payload"].items())))
    assert verdict(doc, keyset) == Verdict.GENUINE


# --- verdicts -------------------------------------------------------------------------
def test_a_genuine_document(keys, keyset):
    doc = document(keys)
    result = signing.verify_document(doc, keyset, today=TODAY)
    assert result.verdict == Verdict.GENUINE and result.genuine
    assert result.payload == doc["payload"]


@pytest.mark.parametrize(
    "broken",
    [
        None,
        "a string",
        ["a", "list"],
        {},
        {"format": "onevisit-licence/2"},
        {"format": None},
    ],
)
def test_not_a_licence_document_is_tampered(keys, keyset, broken):
    doc = document(keys)
    if isinstance(broken, dict):
        doc.update(broken)
        if broken == {}:
            del doc["format"]
    else:
        doc = broken
    result = signing.verify_document(doc, keyset, today=TODAY)
    assert result.verdict == Verdict.TAMPERED and not result.genuine
    assert result.payload is None


@pytest.mark.parametrize("part", ["payload", "kid", "signature"])
@pytest.mark.parametrize("how", ["missing", "wrong type"])
def test_a_missing_part_is_tampered(keys, keyset, part, how):
    doc = document(keys)
    if how == "missing":
        del doc[part]
    else:
        doc[part] = ["not", "a", "string or object"]
    result = signing.verify_document(doc, keyset, today=TODAY)
    assert result.verdict == Verdict.TAMPERED
    assert "missing" in result.reason


def test_an_unknown_key_is_tampered(keys, keyset):
    stranger_jwk, stranger_private = _key("o9-zzzz")
    content = payload("o9-zzzz")
    doc = {
        "format": signing.FORMAT,
        "kid": "o9-zzzz",
        "payload": content,
        "signature": signing.sign(content, stranger_private, SECRET),
    }
    assert verdict(doc, keyset) == Verdict.TAMPERED
    # The same document verifies once its key is published.
    assert verdict(doc, {"keys": [*keyset["keys"], stranger_jwk]}) == Verdict.GENUINE


def test_a_kid_that_differs_between_document_and_payload_is_tampered(keys, keyset):
    # Signed by key A with A in the payload, but the document claims key B.
    doc = document(keys)
    doc["kid"] = "o1-bbbb"
    assert verdict(doc, keyset) == Verdict.TAMPERED
    # The payload claims B while A signed it, and the document says A.
    doc = document(keys, "o1-bbbb", signed_by="o1-aaaa")
    doc["kid"] = "o1-aaaa"
    result = signing.verify_document(doc, keyset, today=TODAY)
    assert result.verdict == Verdict.TAMPERED
    assert "key" in result.reason


def test_a_signature_by_another_published_key_is_tampered(keys, keyset):
    doc = document(keys, "o1-bbbb", signed_by="o1-aaaa")
    result = signing.verify_document(doc, keyset, today=TODAY)
    assert result.verdict == Verdict.TAMPERED
    assert "signature" in result.reason


def _flip(signature: str) -> str:
    raw = bytearray(signing.unb64url(signature))
    raw[10] ^= 0x01
    return signing.b64url(bytes(raw))


@pytest.mark.parametrize(
    "change",
    [
        _flip,
        lambda s: s[:-4],
        lambda s: "",
        lambda s: "!!!not base64!!!",
        lambda s: s + "AAAA",
        lambda s: signing.b64url(b"\0" * 64),
    ],
    ids=["flipped bit", "truncated", "empty", "garbage", "extended", "zeros"],
)
def test_a_changed_signature_is_tampered(keys, keyset, change):
    doc = document(keys)
    doc["signature"] = change(doc["signature"])
    result = signing.verify_document(doc, keyset, today=TODAY)
    assert result.verdict == Verdict.TAMPERED and result.payload is None


@pytest.mark.parametrize(
    "edit",
    [
        lambda p: p["fields"].update(subject="别的事项"),
        lambda p: p["holder"].update(name="李四"),
        lambda p: p.update(valid_until="2099-12-31"),
        lambda p: p.update(number="330122-2026-EFFFFFFFFFF"),
        lambda p: p.update(extra="added"),
        lambda p: p.pop("replaces"),
    ],
    ids=["field", "holder", "validity", "number", "key added", "key removed"],
)
def test_changed_content_is_tampered(keys, keyset, edit):
    doc = document(keys)
    edit(doc["payload"])
    result = signing.verify_document(doc, keyset, today=TODAY)
    assert result.verdict == Verdict.TAMPERED
    assert result.reason == "the signature does not match the content"


def test_a_damaged_public_key_in_the_key_set_is_tampered_not_an_error(keys, keyset):
    broken = copy.deepcopy(keyset)
    broken["keys"][0]["x"] = "AAAA"
    assert verdict(document(keys), broken) == Verdict.TAMPERED
    del broken["keys"][0]["x"]
    assert verdict(document(keys), broken) == Verdict.TAMPERED


def test_a_number_on_the_revocation_list_is_revoked(keys, keyset):
    doc = document(keys)
    listed = {**keyset, "revoked": ["330122-2026-EOTHER", doc["payload"]["number"]]}
    result = signing.verify_document(doc, listed, today=TODAY)
    assert result.verdict == Verdict.REVOKED
    assert result.payload == doc["payload"]
    # Revocation is told before expiry.
    assert verdict(doc, listed, today=UNTIL + datetime.timedelta(days=1)) == Verdict.REVOKED
    # A forged document carrying a revoked number is tampered, not "revoked".
    doc["payload"]["fields"]["subject"] = "forged"
    assert verdict(doc, listed) == Verdict.TAMPERED


def test_validity_ends_after_the_valid_until_day(keys, keyset):
    doc = document(keys)
    assert verdict(doc, keyset, today=UNTIL - datetime.timedelta(days=1)) == Verdict.GENUINE
    assert verdict(doc, keyset, today=UNTIL) == Verdict.GENUINE
    result = signing.verify_document(doc, keyset, today=UNTIL + datetime.timedelta(days=1))
    assert result.verdict == Verdict.EXPIRED
    assert UNTIL.isoformat() in result.reason
    assert result.payload == doc["payload"]


def test_without_a_validity_date_a_licence_does_not_expire(keys, keyset):
    doc = document(keys, valid_until=None)
    assert verdict(doc, keyset, today=datetime.date(2099, 1, 1)) == Verdict.GENUINE


def test_a_signed_but_unreadable_validity_date_is_tampered(keys, keyset):
    doc = document(keys, valid_until="soon")
    assert verdict(doc, keyset) == Verdict.TAMPERED


# --- keys kept encrypted ----------------------------------------------------------------
def _raw_private(encrypted: str, secret: str) -> bytes:
    return signing._fernet(secret).decrypt(encrypted.encode())


def test_a_new_key_pair_is_stored_encrypted_and_works():
    public, encrypted = signing.new_key_pair(SECRET)
    raw = _raw_private(encrypted, SECRET)
    assert len(raw) == 32
    for form in (
        signing.b64url(raw),
        base64.b64encode(raw).decode(),
        raw.hex(),
        raw.hex().upper(),
    ):
        assert form not in encrypted
    derived = Ed25519PrivateKey.from_private_bytes(raw).public_key().public_bytes_raw()
    assert signing.b64url(derived) == public
    # Two pairs never share a private key.
    assert _raw_private(signing.new_key_pair(SECRET)[1], SECRET) != raw


def test_signing_with_another_secret_is_a_clear_error():
    _public, encrypted = signing.new_key_pair(SECRET)
    with pytest.raises(signing.KeyUnreadable, match="LICENCE_KEY_SECRET"):
        signing.sign(payload(), encrypted, "another secret")


@pytest.mark.django_db
def test_the_stored_key_is_encrypted_with_the_configured_secret(settings):
    settings.LICENCE_KEY_SECRET = "the configured secret"
    org = f.organization()
    _user, applicant = kf.citizen_account()
    licence = lf.issue(lf.licence_type(), applicant, org)
    key = SigningKey.objects.get(organization=org)
    raw = _raw_private(key.private_key_encrypted, "the configured secret")
    for form in (signing.b64url(raw), base64.b64encode(raw).decode(), raw.hex()):
        assert form not in key.private_key_encrypted
    public = Ed25519PrivateKey.from_private_bytes(raw).public_key().public_bytes_raw()
    assert signing.b64url(public) == key.public_key
    assert selectors.verify(licence.exported(), today=TODAY).verdict == Verdict.GENUINE


@pytest.mark.django_db
def test_another_secret_cannot_sign_and_writes_nothing(settings):
    org = f.organization()
    _user, applicant = kf.citizen_account()
    lt = lf.licence_type()
    lf.issue(lt, applicant, org)  # makes the organization's key with the configured secret
    counts = (Licence.objects.count(), Record.objects.count(), SigningKey.objects.count())
    settings.LICENCE_KEY_SECRET = "a different secret"
    with pytest.raises(DomainError) as raised:
        lf.issue(lt, applicant, org)
    assert raised.value.status == 503
    assert (Licence.objects.count(), Record.objects.count(), SigningKey.objects.count()) == counts
