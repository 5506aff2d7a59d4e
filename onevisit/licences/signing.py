"""Ed25519 signing and verification of licences, and the published key set (JWK Set).

Nothing here touches the database: `verify_document` needs only an exported licence and
a key set, so the same code serves the API, the public page and the offline command.
Private keys are kept encrypted (Fernet) with a key derived from LICENCE_KEY_SECRET.
"""

from __future__ import annotations

import base64
import datetime
import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .choices import Verdict

FORMAT = "onevisit-licence/1"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    text = str(text)
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical(payload: dict) -> bytes:
    """The bytes that are signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _fernet(secret: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"onevisit licence signing keys"
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def new_key_pair(secret: str) -> tuple[str, str]:
    """A fresh key pair: (public key base64url, private key encrypted with `secret`)."""
    private = Ed25519PrivateKey.generate()
    public = b64url(private.public_key().public_bytes_raw())
    return public, _fernet(secret).encrypt(private.private_bytes_raw()).decode("ascii")


class KeyUnreadable(Exception):
    """The stored private key cannot be decrypted with the configured secret."""


def sign(payload: dict, private_key_encrypted: str, secret: str) -> str:
    try:
        raw = _fernet(secret).decrypt(private_key_encrypted.encode("ascii"))
    except InvalidToken as exc:
        raise KeyUnreadable(
            "The signing key cannot be decrypted: LICENCE_KEY_SECRET differs from the one "
            "the key was stored with."
        ) from exc
    return b64url(Ed25519PrivateKey.from_private_bytes(raw).sign(canonical(payload)))


def jwk(*, kid: str, public_key: str, issuer: str, retired: bool) -> dict:
    """One public key as a JWK (RFC 8037), with who holds it."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "alg": "EdDSA",
        "use": "sig",
        "kid": kid,
        "x": public_key,
        "issuer": issuer,
        "status": "retired" if retired else "active",
    }


@dataclass(frozen=True)
class Verification:
    """The verdict on one exported licence, with the content when the signature holds."""

    verdict: str
    reason: str
    payload: dict | None = None

    @property
    def genuine(self) -> bool:
        return self.verdict == Verdict.GENUINE


def _parse_date(value) -> datetime.date | None:
    if not value:
        return None
    return datetime.date.fromisoformat(str(value))


def verify_document(document, keyset: dict, *, today: datetime.date) -> Verification:
    """Verify an exported licence against a key set ({"keys": [...], "revoked": [...]}).

    Tampered: not a licence document, an unknown key, or a signature that does not match
    the content. Then revoked (its number is on the key set's revocation list), then
    expired (its validity ended before `today`), else genuine.
    """
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return Verification(Verdict.TAMPERED, "not an onevisit licence document")
    payload, kid, signature = (
        document.get("payload"),
        document.get("kid"),
        document.get("signature"),
    )
    if not isinstance(payload, dict) or not isinstance(kid, str) or not isinstance(signature, str):
        return Verification(Verdict.TAMPERED, "payload, kid or signature missing")
    keys = {k.get("kid"): k for k in keyset.get("keys", []) if isinstance(k, dict)}
    key = keys.get(kid)
    if key is None or payload.get("kid") != kid:
        return Verification(Verdict.TAMPERED, "signed with a key that is not in the key set")
    try:
        public = Ed25519PublicKey.from_public_bytes(unb64url(key["x"]))
        public.verify(unb64url(signature), canonical(payload))
    except (InvalidSignature, ValueError, KeyError, TypeError):
        return Verification(Verdict.TAMPERED, "the signature does not match the content")
    number = payload.get("number")
    if number in set(keyset.get("revoked", [])):
        return Verification(Verdict.REVOKED, "revoked by its issuer", payload)
    try:
        until = _parse_date(payload.get("valid_until"))
    except ValueError:
        return Verification(Verdict.TAMPERED, "an unreadable validity date")
    if until is not None and until < today:
        return Verification(Verdict.EXPIRED, f"valid until {until.isoformat()}", payload)
    return Verification(Verdict.GENUINE, "the signature matches and it is in force", payload)
