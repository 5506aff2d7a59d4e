"""Notices of reviewer actions: written with the change in its transaction (gone with it when
it fails), and sent by email and SMS only after the commit; phone numbers never logged.
The daily deadline reminders to departments run as a background task."""

import logging
import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from onevisit.cases import services
from onevisit.cases.choices import NotificationChannel, SuspensionKind, TaskState
from onevisit.cases.models import Notification, Task
from onevisit.cases.notifications import OutboxSmsBackend
from onevisit.cases.tasks import send_deadline_reminders
from onevisit.core.errors import Conflict
from onevisit.testing import case_factories as kf
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
EMAIL = "wang.fang@example.cn"
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = IMMEDIATE
    settings.ONEVISIT_SMS_BACKEND = "onevisit.cases.notifications.OutboxSmsBackend"
    OutboxSmsBackend.outbox.clear()
    yield
    OutboxSmsBackend.outbox.clear()


@pytest.fixture
def task():
    """A submitted task of an applicant who has an email address and a mobile number."""
    user, applicant = kf.citizen_account(name="王芳", email=EMAIL, phone=PHONE)
    item = kf.online_item(promised_limit=5, legal_limit=10)
    return kf.submit(user, applicant, items=[item], now=kf.EARLY).case.tasks.get()


def _notices(task) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(case=task.case).values_list("channel", "subject"))


def _act(capture, task, action, *subjects: str):
    """Run a reviewer action; check that its notices (app, email, SMS for each subject) exist
    before the commit and that the email and SMS leave only after it."""
    from django.core import mail

    before = set(Notification.objects.filter(case=task.case).values_list("pk", flat=True))
    mail.outbox.clear()
    OutboxSmsBackend.outbox.clear()
    with capture(execute=True) as callbacks:
        action()
        new = Notification.objects.filter(case=task.case).exclude(pk__in=before)
        app = [n.subject for n in new.filter(channel=NotificationChannel.APP).order_by("pk")]
        assert sorted(new.values_list("channel", "subject")) == sorted(
            (channel, subject) for channel in NotificationChannel.values for subject in app
        )
        assert len(app) == len(subjects)
        assert all(expected in got for expected, got in zip(subjects, app, strict=True)), app
        # Inside the transaction nothing has left yet: email and SMS wait for the commit.
        assert mail.outbox == [] and OutboxSmsBackend.outbox == []
        assert new.filter(sent_at__isnull=True).count() == 2 * len(subjects)
    assert len(callbacks) == len(subjects)
    assert sorted(m.subject for m in mail.outbox) == sorted(app)
    assert all(m.to == [EMAIL] for m in mail.outbox)
    assert [phone for phone, _text in OutboxSmsBackend.outbox] == [PHONE] * len(subjects)
    assert not new.filter(sent_at__isnull=True).exists()


def test_every_reviewer_action_notifies_in_its_transaction_and_sends_after_commit(
    task, django_capture_on_commit_callbacks
):
    reviewer = kf.reviewer_of(task.organization)
    head = kf.reviewer_of(task.organization, head=True)
    citizen = task.case.applicant.user
    c = django_capture_on_commit_callbacks

    def act(action, *subjects):
        _act(c, task, action, *subjects)

    act(lambda: services.task_accept(actor=reviewer, task=task, on=date(2026, 3, 2)), "accepted")
    act(
        lambda: services.task_request_supplement(
            actor=reviewer, task=task, missing=["户口簿"], on=date(2026, 3, 3)
        ),
        "Please supplement",
    )
    services.case_supplement(
        actor=citizen,
        case=task.case,
        uploads={"户口簿": kf.upload(citizen).pk},
        on=date(2026, 3, 4),
    )
    act(
        lambda: services.task_suspend(
            actor=reviewer,
            task=task,
            kind=SuspensionKind.EXPERT_REVIEW,
            reason="专家评审",
            on=date(2026, 3, 5),
        ),
        "paused",
    )
    act(lambda: services.task_resume(actor=reviewer, task=task, on=date(2026, 3, 9)), "runs again")
    act(
        lambda: services.task_extend(
            actor=reviewer,
            task=task,
            days=2,
            reason="补充调查",
            approved_by=head,
            on=date(2026, 3, 9),
        ),
        "extended",
    )
    # The last decision also completes the case (results to download): a second notice.
    act(
        lambda: services.task_approve(actor=reviewer, task=task, on=date(2026, 3, 10)),
        "Approved",
        "completed",
    )


@pytest.mark.parametrize("decision", ["deny", "not_accept"])
def test_refusals_notify_with_their_reason(task, django_capture_on_commit_callbacks, decision):
    reviewer = kf.reviewer_of(task.organization)
    if decision == "deny":
        services.task_accept(actor=reviewer, task=task)
        reason = "申请人不符合法定条件"

        def action():
            services.task_deny(
                actor=reviewer, task=task, reason=reason, legal_basis="《行政许可法》第三十八条"
            )

        subject = "Denied"
    else:
        reason = "材料不齐全"

        def action():
            services.task_not_accept(actor=reviewer, task=task, reason=reason)

        subject = "Not accepted"
    # A refusal decides the last task: the case is decided, and online results delivered.
    _act(django_capture_on_commit_callbacks, task, action, subject, "completed")
    assert Notification.objects.filter(case=task.case, body__contains=reason).count() == 3


def test_a_refused_action_writes_no_notice_and_sends_nothing(
    task, django_capture_on_commit_callbacks, mailoutbox
):
    reviewer = kf.reviewer_of(task.organization)
    before = _notices(task)
    capture = django_capture_on_commit_callbacks(execute=True)
    with capture as callbacks, pytest.raises(Conflict):
        services.task_approve(actor=reviewer, task=task)  # not accepted yet
    assert callbacks == []
    assert _notices(task) == before
    assert mailoutbox == [] and OutboxSmsBackend.outbox == []


def test_a_notice_is_rolled_back_with_its_action(
    task, django_capture_on_commit_callbacks, mailoutbox
):
    """The notice belongs to the action's transaction: when the surrounding transaction
    fails after the action, the state change, its notice and its sending all go."""
    reviewer = kf.reviewer_of(task.organization)
    before = _notices(task)
    capture = django_capture_on_commit_callbacks(execute=True)
    with capture as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        services.task_accept(actor=reviewer, task=task)
        assert len(_notices(task)) == len(before) + 3
        raise RuntimeError("the request failed after the action")
    assert callbacks == []
    assert _notices(task) == before
    assert Task.objects.get(pk=task.pk).state == TaskState.SUBMITTED
    assert mailoutbox == [] and OutboxSmsBackend.outbox == []


def test_a_failed_send_is_kept_on_the_row(
    task, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ONEVISIT_SMS_BACKEND = "onevisit.cases.tests.test_notifications.BrokenSmsBackend"
    reviewer = kf.reviewer_of(task.organization)
    with django_capture_on_commit_callbacks(execute=True):
        services.task_accept(actor=reviewer, task=task)
    sms = Notification.objects.get(
        case=task.case, channel=NotificationChannel.SMS, subject__contains="accepted"
    )
    assert (sms.sent_at, sms.error) == (None, "ConnectionRefusedError")
    email = Notification.objects.get(
        case=task.case, channel=NotificationChannel.EMAIL, subject__contains="accepted"
    )
    assert email.sent_at is not None  # one channel failing does not stop the others
    assert len(mailoutbox) == 1


def test_the_phone_number_never_reaches_the_log(
    task, settings, caplog, django_capture_on_commit_callbacks
):
    settings.ONEVISIT_SMS_BACKEND = "onevisit.cases.notifications.LogSmsBackend"
    reviewer = kf.reviewer_of(task.organization)
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        services.task_accept(actor=reviewer, task=task)
    sms_lines = [r.getMessage() for r in caplog.records if r.name == "onevisit.cases.notifications"]
    assert len(sms_lines) == 1
    assert "139****5678" in sms_lines[0]
    assert PHONE not in caplog.text
    assert Notification.objects.get(
        case=task.case, channel=NotificationChannel.SMS, subject__contains="accepted"
    ).sent_at


class BrokenSmsBackend:
    """An SMS gateway that refuses the connection."""

    def send(self, phone: str, text: str) -> None:
        raise ConnectionRefusedError("gateway down")


# --- deadline reminders by the background worker --------------------------------------
REMIND_ON = date(2026, 2, 12)  # Thu; 15–23 Feb off, Sat 14 Feb worked


@pytest.fixture
def deadlines():
    """A bureau with an overdue, a due-soon, a later and a suspended task on 12 Feb 2026
    (promised 5 working days), its officers, and a bureau with nothing due soon."""
    org = f.organization(name="桐庐县卫生健康局")
    item = kf.online_item(organization=org, promised_limit=5)
    reviewer = kf.reviewer_of(org, email="reviewer@tonglu.gov.cn")
    user, applicant = kf.citizen_account()
    tasks = {}
    for name, accepted in (
        ("overdue", date(2026, 2, 4)),  # 5, 6, 9, 10, Wed 11 Feb (5)
        ("soon", date(2026, 2, 10)),  # 11, 12, 13, Sat 14 W, Tue 24 Feb (5)
        ("later", date(2026, 2, 11)),  # 12, 13, Sat 14 W, 24, Wed 25 Feb (5)
        ("suspended", date(2026, 2, 4)),
    ):
        task = kf.submit(user, applicant, items=[item], now=kf.EARLY).case.tasks.get()
        tasks[name] = services.task_accept(actor=reviewer, task=task, on=accepted)
    services.task_suspend(
        actor=reviewer,
        task=tasks["suspended"],
        kind=SuspensionKind.PUBLIC_NOTICE,
        reason="公示",
        on=date(2026, 2, 9),
    )
    quiet = f.organization(name="桐庐县教育局")
    quiet_task = kf.submit(
        user, applicant, items=[kf.online_item(organization=quiet)], now=kf.EARLY
    ).case.tasks.get()
    quiet_reviewer = kf.reviewer_of(quiet)
    services.task_accept(actor=quiet_reviewer, task=quiet_task, on=date(2026, 2, 11))
    return {
        "org": org,
        "tasks": tasks,
        "reviewer": reviewer,
        "head": kf.reviewer_of(org, head=True),
        "clerk": kf.clerk_of(org),
        "inactive": kf.reviewer_of(org, is_active=False),
        "quiet_reviewer": quiet_reviewer,
    }


def _reminders():
    return Notification.objects.filter(user__isnull=False, subject__startswith="Deadline reminder")


def test_the_daily_reminder_reaches_each_reviewer_and_head_once(
    deadlines, mailoutbox, django_capture_on_commit_callbacks
):
    d = deadlines
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_deadline_reminders", "--date", "2026-02-12", stdout=out)
        assert mailoutbox == []  # written now, sent after the commit
    assert "Queued deadline reminders" in out.getvalue()
    app = _reminders().filter(channel=NotificationChannel.APP)
    assert sorted(app.values_list("user_id", flat=True)) == sorted([d["reviewer"].pk, d["head"].pk])
    notice = app.get(user=d["reviewer"])
    assert notice.subject == "Deadline reminder for 桐庐县卫生健康局, 2026-02-12"
    assert "1 overdue and 1 due within 3 working days." in notice.body
    number = {name: t.case.number for name, t in d["tasks"].items()}
    assert f"Overdue: {number['overdue']} (2026-02-11)" in notice.body
    assert f"Due soon: {number['soon']} (2026-02-24)" in notice.body
    assert number["later"] not in notice.body and number["suspended"] not in notice.body
    assert app.get(user=d["head"]).body == notice.body
    # Email to the reviewer who has an address, after the commit.
    assert [(m.to, m.subject) for m in mailoutbox] == [(["reviewer@tonglu.gov.cn"], notice.subject)]

    # A second run the same day writes nothing new; the next day reminds again.
    before = _reminders().count()
    assert send_deadline_reminders.enqueue(today="2026-02-12").return_value == 0
    assert _reminders().count() == before
    # On Fri 13 Feb three working days reach Wed 25 Feb (Sat 14, Tue 24, Wed 25): the
    # later task is due soon too, and so is the other bureau's, whose reviewer now hears.
    assert send_deadline_reminders.enqueue(today="2026-02-13").return_value == 3
    latest = _reminders().filter(channel=NotificationChannel.APP, user=d["reviewer"]).latest("pk")
    assert "1 overdue and 2 due within 3 working days." in latest.body
    assert _reminders().filter(user=d["quiet_reviewer"]).count() == 1
    assert not _reminders().filter(user__in=[d["clerk"], d["inactive"]]).exists()


def test_the_command_only_queues_the_work_for_the_worker(deadlines, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("send_deadline_reminders", stdout=StringIO())
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "onevisit.cases.tasks.send_deadline_reminders"
    assert not _reminders().exists()


def test_nothing_due_means_no_reminder():
    assert send_deadline_reminders.enqueue(today="2026-02-12").return_value == 0
    assert not _reminders().exists()


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError):
        call_command("send_deadline_reminders", "--date", "12/02/2026")


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_queued_reminders(settings, tmp_path):
    """End to end: the command queues the job in the database and `db_worker` runs it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    org = f.organization(name="桐庐县卫生健康局")
    reviewer = kf.reviewer_of(org)  # no email: nothing leaves the machine
    user, applicant = kf.citizen_account()
    task = kf.submit(
        user, applicant, items=[kf.online_item(organization=org)], now=kf.EARLY
    ).case.tasks.get()
    services.task_accept(actor=reviewer, task=task, on=date(2026, 2, 4))  # due Wed 11 Feb
    call_command("send_deadline_reminders", "--date", "2026-02-12", stdout=StringIO())
    assert not _reminders().exists()

    db = connection.settings_dict
    url = (
        f"sqlite:///{db['NAME']}"
        if connection.vendor == "sqlite"
        else f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    )
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-reload",
            "--interval",
            "0.1",
            "--no-startup-delay",
        ],
        cwd=Path(__file__).resolve().parents[3],
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "onevisit.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    notice = _reminders().get(user=reviewer)
    assert f"Overdue: {task.case.number} (2026-02-11)" in notice.body
