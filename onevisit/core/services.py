"""Writes of the shared kernel: API tokens (接口令牌) and the holiday arrangements of the
working-day calendar (节假日安排). Audited like every other change."""

from __future__ import annotations

import datetime
import re

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import arrangements, calendar
from .audit import audit_record
from .errors import Conflict, Forbidden, ValidationFailed, required_text
from .models import ApiToken, HolidayArrangement, Role, User
from .scoping import has_role


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


def holiday_arrangement_publish(
    *,
    actor,
    year: int,
    source: str,
    days_off: str | list,
    weekend_working_days: str | list,
    today: datetime.date | None = None,
) -> tuple[HolidayArrangement, dict[str, int]]:
    """Publish the State Council's holiday arrangement for `year` (发布节假日安排), or an
    amended one in its place; returns it with the deadlines each app moved.

    Days come as text (ISO dates and ranges, `arrangements.parse_days`) or lists. In one
    transaction: the arrangement, its audit entry (before and after), and every open
    deadline the calendar change moves (the apps' hooks, each audited). The publishing
    process uses it at once; the others within `calendar.PUBLISHED_TTL`. Only a system
    administrator may publish.
    """
    if not (getattr(actor, "is_superuser", False) or has_role(actor, Role.SYSTEM_ADMINISTRATOR)):
        raise Forbidden(
            _("Only a system administrator publishes holiday arrangements."),
            code="not_administrator",
        )
    if isinstance(year, str):
        year = int(year.strip()) if re.fullmatch(r"[0-9]{4}", year.strip()) else None
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        raise ValidationFailed(_("The year must lie between 2000 and 2100."), code="invalid_year")
    source = required_text(
        source if isinstance(source, str) else "",
        _("The notice (title and document number)"),
        code="source_required",
    )
    if len(source) > 300:
        raise ValidationFailed(_("The notice has at most 300 characters."), code="source_too_long")
    off = arrangements.parse_days(days_off, what=_("Days off"))
    worked = arrangements.parse_days(weekend_working_days, what=_("Weekend days worked"))
    if not off:
        raise ValidationFailed(_("An arrangement gives at least one day off."), code="no_days_off")
    arrangements.check(year, off, worked)
    today = today or timezone.localdate()
    after = {
        "year": year,
        "source": source,
        "days_off": [d.isoformat() for d in off],
        "weekend_working_days": [d.isoformat() for d in worked],
    }
    try:
        with transaction.atomic():
            _one_publication_at_a_time()
            existing = HolidayArrangement.objects.select_for_update().filter(year=year).first()
            before = None
            if existing is None:
                arrangement = HolidayArrangement(year=year)
            else:
                arrangement = existing
                before = {
                    "year": year,
                    "source": existing.source,
                    "days_off": existing.days_off,
                    "weekend_working_days": existing.weekend_working_days,
                    "revision": existing.revision,
                }
                if {k: before[k] for k in after} == after:
                    raise _already_published(year)
                arrangement.revision = existing.revision + 1
            arrangement.source = source
            arrangement.days_off = after["days_off"]
            arrangement.weekend_working_days = after["weekend_working_days"]
            arrangement.published_at = timezone.now()
            arrangement.published_by = actor if getattr(actor, "pk", None) else None
            try:
                with transaction.atomic():
                    arrangement.save()
            except IntegrityError:  # published meanwhile (no lock serializes it here)
                raise _already_published(year) from None
            # The deadlines are recomputed under the arrangements as this transaction sees
            # them, in this thread only; the other threads go on with the committed ones.
            # The hooks lock their rows before they write any audit entry: the
            # publication's own entry comes last (reviewer actions lock a row, then the
            # audit chain's head; so does this).
            with calendar.using(arrangements.load_published()):
                moved = arrangements.arrangement_published(
                    actor=actor, year=year, source=source, today=today
                )
            audit_record(
                actor=actor,
                action="calendar.arrangement_publish",
                obj=arrangement,
                before=before,
                after={**after, "revision": arrangement.revision, "moved": dict(moved)},
                legal_basis=source[:200],
            )
            # A deadline another process set under the old calendar while this one ran (or
            # within a second of the commit) is caught by a second pass.
            revision = arrangement.revision
            transaction.on_commit(
                lambda: schedule_settle(year=year, revision=revision, actor=actor), robust=True
            )
    finally:
        # Committed or rolled back, the next use reads what the database now holds.
        calendar.forget_published()
    return arrangement, dict(moved)


def _already_published(year: int) -> Conflict:
    return Conflict(
        _("This arrangement for %(year)s is already published.") % {"year": year},
        code="already_published",
    )


#: Key of the PostgreSQL advisory lock that serializes publications and second passes.
CALENDAR_LOCK = 0x6F76_6361_6C00


def _one_publication_at_a_time() -> None:
    """Publications and their second passes run one at a time, each under the arrangements
    the one before committed (PostgreSQL: an advisory lock until commit; SQLite takes its
    write lock at the start of the transaction already)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CALENDAR_LOCK])


def holiday_arrangement_settle(
    *, year: int, revision: int | None = None, actor=None, today=None
) -> dict[str, int]:
    """The second pass after publishing `revision` of `year` (run by the worker a few
    seconds later): the deadlines still computed under the old calendar are recomputed and
    audited; usually none. Nothing happens if the arrangement is gone or was published
    again since (that publication has its own second pass)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _one_publication_at_a_time()
        arrangement = HolidayArrangement.objects.filter(year=year).first()
        if arrangement is None or revision not in (None, arrangement.revision):
            return {}
        with calendar.using(arrangements.load_published()):
            return dict(
                arrangements.arrangement_published(
                    actor=actor, year=year, source=arrangement.source, today=today
                )
            )


#: The second pass waits until every process has read the new arrangements.
SETTLE_AFTER = datetime.timedelta(seconds=10)


def schedule_settle(*, year: int, revision: int, actor) -> None:
    from .tasks import settle_holiday_arrangement

    settle_holiday_arrangement.using(run_after=timezone.now() + SETTLE_AFTER).enqueue(
        year, revision, getattr(actor, "pk", None)
    )
