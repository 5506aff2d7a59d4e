"""Background work of reform plans, run by the tasks worker (`manage.py db_worker`).

A plan approved for a future date is enqueued to run at the start of that date; a daily
sweep (`manage.py apply_due_plans`, or the task below) catches anything missed. Applying
is idempotent under a row lock, so two workers never apply a plan twice.
"""

from __future__ import annotations

import datetime

from django.tasks import task
from django.utils import timezone

from . import services
from .models import PlanStatus, ReformPlan


def start_of(date: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time.min))


@task()
def apply_reform_plan(plan_id: int) -> str:
    """Apply one approved plan if its date has come; otherwise wait for its date again."""
    plan = ReformPlan.objects.filter(pk=plan_id).first()
    if plan is None or plan.status != PlanStatus.APPROVED:
        return "nothing to do"
    if plan.effective_date > timezone.localdate():
        schedule_plan(plan)
        return "not yet due"
    return "applied" if services.reform_plan_apply(actor=None, plan=plan) else "already applied"


@task()
def apply_due_reform_plans() -> list[int]:
    """Apply every approved plan whose date has come."""
    return services.reform_plans_apply_due()


def schedule_plan(plan: ReformPlan) -> None:
    apply_reform_plan.using(run_after=start_of(plan.effective_date)).enqueue(plan.pk)
