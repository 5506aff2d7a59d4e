"""Writes of the shared kernel: API tokens (接口令牌). Audited like every other change."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit_record
from .errors import ValidationFailed
from .models import ApiToken, User


def api_token_issue(*, actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a bearer token for `user`; returns the token and its raw value.

    Only the SHA-256 digest is stored: the raw value is shown once, to the caller.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("A token needs a name (what it is for)."), code="name_required")
    if len(name) > 100:
        raise ValidationFailed(_("A token name has at most 100 characters."))
    if not user.is_active:
        raise ValidationFailed(
            _("%(user)s is not active.") % {"user": user.username}, code="user_inactive"
        )
    raw = ApiToken.generate()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, digest=ApiToken.digest_of(raw), prefix=raw[:8]
        )
        audit_record(
            actor=actor,
            action="api_token.issue",
            obj=token,
            after={"user": user.username, "name": name, "prefix": token.prefix},
        )
    return token, raw


def api_token_revoke(*, actor, token: ApiToken) -> None:
    """Revoke a token: it stops working at once."""
    with transaction.atomic():
        before = {"user": token.user.username, "name": token.name, "prefix": token.prefix}
        audit_record(actor=actor, action="api_token.revoke", obj=token, before=before)
        ApiToken.objects.filter(pk=token.pk).delete()
