"""Electronic licences (电子证照): types, signing keys, issued licences, consents and the
access log the holder reads (用证记录).

A licence is structured data signed with its issuing organization's Ed25519 key. What was
signed is kept byte for byte (`payload`); an exported licence is that payload with the
key id and signature, verifiable by anyone holding the published key set.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import AccessBasis, HolderKind, LicenceState
from .signing import FORMAT


class LicenceType(models.Model):
    """A kind of electronic licence (证照类型), with the schema of its structured fields.

    `fields` is a list of {"key", "label_zh", "label_en", "required"}; a licence of the type
    carries a value for every required key. Approving a task of one of `items` issues one.
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name (证照名称)"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    holder_kind = models.CharField(
        _("holder"), max_length=16, choices=HolderKind.choices, default=HolderKind.ANY
    )
    fields = models.JSONField(_("fields"), default=list, blank=True)
    #: Years a licence stays valid from issue; empty: until revoked.
    validity_years = models.PositiveSmallIntegerField(_("valid for, years"), null=True, blank=True)
    #: A holder has one at a time: a new one replaces the current one (换领).
    one_per_holder = models.BooleanField(_("one per holder"), default=False)
    items = models.ManyToManyField(
        "catalog.ServiceItem",
        blank=True,
        related_name="licence_types",
        verbose_name=_("issued by approving"),
    )

    class Meta:
        verbose_name = _("licence type")
        verbose_name_plural = _("licence types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def field_label(self, key: str, language: str = "zh-hans") -> str:
        for f in self.fields:
            if f.get("key") == key:
                if language.startswith("en"):
                    return f.get("label_en") or f.get("label_zh") or key
                return f.get("label_zh") or f.get("label_en") or key
        return key


class SigningKey(models.Model):
    """An organization's Ed25519 signing key (签章密钥). The private half is stored only
    encrypted with the key of settings.LICENCE_KEY_SECRET; a rotation retires the key,
    which stays in the published key set so that what it signed still verifies."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="signing_keys"
    )
    kid = models.CharField(_("key id"), max_length=40, unique=True)
    public_key = models.CharField(_("public key (base64url)"), max_length=64)
    private_key_encrypted = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["organization_id", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(retired_at__isnull=True),
                name="licences_one_active_key",
            )
        ]

    def __str__(self) -> str:
        return self.kid


class Licence(models.Model):
    """An issued electronic licence (电子证照). `payload` is the canonical JSON that was
    signed; the columns beside it are copies for queries. A revoked or re-issued licence
    stays on record; a re-issued one points at its successor."""

    number = models.CharField(_("licence number (证照编号)"), max_length=40, unique=True)
    licence_type = models.ForeignKey(
        LicenceType, on_delete=models.PROTECT, related_name="licences", verbose_name=_("type")
    )
    holder = models.ForeignKey(
        "cases.Applicant",
        on_delete=models.PROTECT,
        related_name="licences",
        verbose_name=_("holder"),
    )
    issued_by = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="licences")
    task = models.OneToOneField(
        "cases.Task", on_delete=models.PROTECT, null=True, blank=True, related_name="licence"
    )
    record = models.OneToOneField(
        "cases.Record", on_delete=models.PROTECT, null=True, blank=True, related_name="licence"
    )
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    payload = models.TextField(_("signed content"))
    signature = models.CharField(_("signature"), max_length=100)
    state = models.CharField(
        _("state"), max_length=16, choices=LicenceState.choices, default=LicenceState.VALID
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    replaced_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["holder_id", "-issued_on", "-id"]
        indexes = [
            models.Index(fields=["holder", "licence_type", "state"], name="licences_holder_type")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state=LicenceState.VALID) | Q(revoked_at__isnull=False),
                name="licences_revoked_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.licence_type.name} {self.number}"

    @property
    def content(self) -> dict:
        return json.loads(self.payload)

    def exported(self) -> dict:
        """The licence as a document anyone can verify with the published key set."""
        return {
            "format": FORMAT,
            "kid": self.key.kid,
            "payload": self.content,
            "signature": self.signature,
        }


class Consent(models.Model):
    """The holder's consent (授权) for a department to use a licence: for one case, or
    standing until a date or until withdrawn."""

    holder = models.ForeignKey("cases.Applicant", on_delete=models.PROTECT, related_name="+")
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="consents")
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    given_at = models.DateTimeField(_("given at"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    until = models.DateField(_("until"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-id"]
        indexes = [models.Index(fields=["licence", "organization"], name="licences_consent_use")]

    def __str__(self) -> str:
        return f"{self.licence_id} → {self.organization_id}"


class LicenceAccess(models.Model):
    """One use of a licence, or one refused attempt (用证记录): who, when, for which case
    and why, on what basis. The holder reads these ("who used my data")."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="accesses")
    holder = models.ForeignKey("cases.Applicant", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user_label = models.CharField(_("by"), max_length=150, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    basis = models.CharField(_("basis"), max_length=16, choices=AccessBasis.choices)
    granted = models.BooleanField(_("granted"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("licence use")
        verbose_name_plural = _("licence uses")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["holder", "-at"], name="licences_access_holder")]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.at:%Y-%m-%d %H:%M}"
