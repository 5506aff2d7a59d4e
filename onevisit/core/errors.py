"""Domain errors: what a service raises when a request cannot be carried out.

Each carries a message fit to show a user, a stable machine code, and the HTTP
status the API and pages answer with. Nothing a user sends should end as a 500.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses, with a clear message (4xx)."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        if status:
            self.status = status

    def __str__(self) -> str:
        return self.message


class ValidationFailed(DomainError):
    """The input is malformed or incomplete."""

    status = 400
    code = "invalid"


class Conflict(DomainError):
    """The input is well formed but the state of the registry forbids it (409)."""

    status = 409
    code = "conflict"


class NotFound(DomainError):
    """The object does not exist or the user may not see it (404, never 403)."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """The user may see the object but may not change it."""

    status = 403
    code = "forbidden"


def required_text(text: str, what: str, *, code: str = "reason_required") -> str:
    """The stripped text, or a `ValidationFailed` saying that `what` is required."""
    from django.utils.translation import gettext as _

    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("%(what)s is required.") % {"what": what}, code=code)
    return text


def full_clean_or_raise(instance, **kwargs) -> None:
    """Run a model's validation and turn Django's ValidationError into a domain error."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        messages = []
        for field, errors in exc.message_dict.items():
            label = "" if field == "__all__" else f"{field}: "
            messages.extend(f"{label}{e}" for e in errors)
        raise ValidationFailed("; ".join(messages), code="invalid")
