"""Choices of the licence vault."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HolderKind(models.TextChoices):
    """Who may hold a licence of a type."""

    PERSON = "person", _("A person")
    ENTERPRISE = "enterprise", _("An enterprise")
    ANY = "any", _("A person or an enterprise")


class LicenceState(models.TextChoices):
    """A licence's state on record (expiry is read from its dates)."""

    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class Verdict(models.TextChoices):
    """What verifying a licence says (核验结果)."""

    GENUINE = "genuine", _("Genuine")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    TAMPERED = "tampered", _("Tampered or not issued here")


class AccessBasis(models.TextChoices):
    """Why a department could (or could not) use a licence."""

    HOLDER = "holder", _("The holder's own use")
    CONSENT = "consent", _("The holder's consent")
    LEGAL_BASIS = "legal_basis", _("A legal basis on the service item")
    NONE = "none", _("No basis: refused")
