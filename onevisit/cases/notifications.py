"""Notices to applicants and officers (消息提醒).

`notify` writes the notice rows inside the caller's transaction (so a state change and
its notice commit together) and queues their sending for after the commit. The worker
sends email through Django's email backend and SMS through the backend named by
`ONEVISIT_SMS_BACKEND`, a class with `send(phone, text)`. Phone numbers never reach a log.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.module_loading import import_string

from onevisit.core.hotpath import insert_rows
from onevisit.core.identifiers import mask_phone

from .choices import NotificationChannel
from .models import Notification

logger = logging.getLogger(__name__)


class LogSmsBackend:
    """The default SMS backend: writes a masked line to the log instead of sending."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text[:70])


class OutboxSmsBackend:
    """Keeps messages in memory (tests); `OutboxSmsBackend.outbox` is a list of (phone, text)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


def sms_backend():
    path = getattr(settings, "ONEVISIT_SMS_BACKEND", "onevisit.cases.notifications.LogSmsBackend")
    return import_string(path)()


def notify(*, subject: str, body: str, applicant=None, user=None, case=None) -> list[Notification]:
    """Write the notice for the app and, where the addressee has them, for email and SMS;
    send the latter after commit. Call inside the change's transaction."""
    channels = [NotificationChannel.APP]
    email = (applicant.email if applicant else "") or (user.email if user else "")
    if email:
        channels.append(NotificationChannel.EMAIL)
    if applicant is not None and applicant.phone:
        channels.append(NotificationChannel.SMS)
    rows = insert_rows(
        [
            Notification(
                applicant=applicant,
                user=user,
                case=case,
                channel=channel,
                subject=subject[:200],
                body=body,
                sent_at=timezone.now() if channel == NotificationChannel.APP else None,
            )
            for channel in channels
        ]
    )
    outgoing = [n.pk for n in rows if n.channel != NotificationChannel.APP]
    if outgoing:
        transaction.on_commit(lambda: send_notifications.enqueue(outgoing))
    return rows


@task()
def send_notifications(ids: list[int]) -> int:
    """Send queued email and SMS notices; a failure is kept on the row, not raised."""
    sent = 0
    rows = Notification.objects.filter(pk__in=ids, sent_at__isnull=True).select_related(
        "applicant", "user"
    )
    for n in rows:
        try:
            if n.channel == NotificationChannel.EMAIL:
                to = (n.applicant.email if n.applicant else "") or (n.user.email if n.user else "")
                send_mail(n.subject, n.body, None, [to])
            elif n.channel == NotificationChannel.SMS:
                sms_backend().send(n.applicant.phone, f"{n.subject} {n.body}")
        except Exception as exc:  # noqa: BLE001 - a failed send is kept on the row, not raised
            n.error = type(exc).__name__
            n.save(update_fields=["error"])
            continue
        n.sent_at = timezone.now()
        n.error = ""
        n.save(update_fields=["sent_at", "error"])
        sent += 1
    return sent
