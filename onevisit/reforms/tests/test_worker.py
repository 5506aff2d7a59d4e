"""End to end through the real tasks worker: a future-dated plan is applied when its date
has come, exactly once, even with two workers running at the same time."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from onevisit.core.models import AuditEntry
from onevisit.reforms import services
from onevisit.reforms.models import PlanStatus
from onevisit.testing import factories as f

ROOT = Path(__file__).resolve().parents[3]


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def _workers(n: int) -> list[subprocess.CompletedProcess]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "onevisit.settings",
    }
    procs = [
        subprocess.Popen(
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
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(n)
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return results


def _rename_plan(org, date):
    plan = services.reform_plan_create(
        actor=None,
        name="更名",
        document_number="桐编〔2026〕9号",
        effective_date=date,
        region=org.region,
    )
    services.reform_operation_add(
        actor=None,
        plan=plan,
        kind="rename",
        payload={"organization": org.pk, "name": org.name + "（新）"},
    )
    return services.reform_plan_submit(actor=None, plan=plan)


@pytest.mark.django_db(transaction=True)
def test_future_plan_is_applied_by_the_worker_exactly_once():
    today = timezone.localdate()
    org = f.organization(name="桐庐县测试局")
    later = f.organization(name="桐庐县未来局")
    due = _rename_plan(org, today)
    future = _rename_plan(later, today + datetime.timedelta(days=1))
    # Approved "yesterday": both wait for their date, each as an enqueued task.
    services.reform_plan_approve(actor=None, plan=due, today=today - datetime.timedelta(days=1))
    services.reform_plan_approve(actor=None, plan=future, today=today - datetime.timedelta(days=1))
    assert DBTaskResult.objects.count() == 2
    # A second copy of the due task, as a retry or a sweep would create.
    from onevisit.reforms.tasks import apply_reform_plan

    apply_reform_plan.enqueue(due.pk)

    for result in _workers(2):
        assert result.returncode == 0, result.stderr

    due.refresh_from_db()
    future.refresh_from_db()
    org.refresh_from_db()
    assert due.status == PlanStatus.APPLIED and org.name == "桐庐县测试局（新）"
    assert future.status == PlanStatus.APPROVED  # its date has not come
    applied = AuditEntry.objects.filter(action="reform_plan.apply", object_id=str(due.pk))
    assert applied.count() == 1
    assert (
        AuditEntry.objects.filter(action="organization.rename", object_id=str(org.pk)).count() == 1
    )

    # The future plan's task is still waiting for tomorrow; pretend its hour has come early:
    # the worker leaves it alone and schedules it again.
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    for result in _workers(1):
        assert result.returncode == 0, result.stderr
    future.refresh_from_db()
    assert future.status == PlanStatus.APPROVED
    assert DBTaskResult.objects.filter(status="READY").count() == 1
