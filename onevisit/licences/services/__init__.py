"""Writes of the licence vault: keys, issuance, revocation, consent and use."""

from .access import consent_give, consent_withdraw, licence_use, record_intake_uses
from .issuance import (
    issue_for_task,
    licence_document,
    licence_issue,
    licence_reissue,
    licence_revoke,
)
from .keys import active_key, signing_key_rotate

__all__ = [
    "active_key",
    "consent_give",
    "consent_withdraw",
    "issue_for_task",
    "licence_document",
    "licence_issue",
    "licence_reissue",
    "licence_revoke",
    "licence_use",
    "record_intake_uses",
    "signing_key_rotate",
]
