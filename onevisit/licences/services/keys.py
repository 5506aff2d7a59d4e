"""Signing keys of the issuing organizations (签章密钥): created on first use, rotated on
demand; a retired key stays published so that what it signed still verifies."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.cases.services.common import holds_role_in
from onevisit.core.audit import audit_record
from onevisit.core.errors import NotFound
from onevisit.core.models import Role

from ..models import SigningKey
from ..signing import new_key_pair


def key_secret() -> str:
    """The secret the private keys are encrypted with (settings.LICENCE_KEY_SECRET)."""
    return settings.LICENCE_KEY_SECRET


def _new_key(organization, actor) -> SigningKey:
    public, private = new_key_pair(key_secret())
    key = SigningKey.objects.create(
        organization=organization,
        kid=f"o{organization.pk}-{secrets.token_hex(4)}",
        public_key=public,
        private_key_encrypted=private,
    )
    audit_record(
        actor=actor,
        action="licence.key_created",
        obj=key,
        after={"organization": organization.pk, "kid": key.kid, "public_key": public},
    )
    return key


def active_key(organization, *, actor=None) -> SigningKey:
    """The organization's signing key, made on its first licence (inside the caller's
    transaction). Only that first time is the organization's row locked, so that two first
    licences cannot make two keys; later approvals do not queue behind each other."""
    from onevisit.orgs.models import Organization

    active = SigningKey.objects.filter(organization=organization, retired_at__isnull=True)
    key = active.first()
    if key is None:
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        key = active.first()
    return key or _new_key(organization, actor)


def signing_key_rotate(*, actor, organization) -> SigningKey:
    """Retire the organization's key and start a new one (密钥轮换). Licences signed with
    the old key keep verifying: it stays in the published key set, marked retired."""
    if not holds_role_in(actor, {Role.DEPARTMENT_HEAD}, organization.pk):
        raise NotFound(_("No such organization."))
    with transaction.atomic():
        old = SigningKey.objects.select_for_update().filter(
            organization=organization, retired_at__isnull=True
        )
        for key in old:
            key.retired_at = timezone.now()
            key.save(update_fields=["retired_at"])
            audit_record(actor=actor, action="licence.key_retired", obj=key, after={"kid": key.kid})
        return _new_key(organization, actor)
