"""Evaluation (好差评): the applicant rates a completed case and each department; a poor
rating opens a rectification due in 15 working days, closed by a recorded call-back."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.core import calendar
from onevisit.core.audit import audit_record
from onevisit.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from onevisit.core.models import Role

from ..choices import POOR_RATINGS, CaseState, Rating, RectificationState
from ..models import Case, Evaluation, Rectification, Task
from .common import REVIEWERS, holds_role_in

RECTIFICATION_WORKING_DAYS = 15


def _rating(value) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = 0
    if value not in Rating.values:
        raise ValidationFailed(_("A rating is 1 to 5."), code="rating")
    return value


def case_evaluate(
    *,
    actor,
    case: Case,
    rating: int,
    comment: str = "",
    departments: dict[int, int] | None = None,
    on: datetime.date | None = None,
) -> list[Evaluation]:
    """Rate the case and, optionally, each department that handled it ({org id: rating}).
    Every poor rating opens a rectification: a department's for that department, the
    case's for the window that took it in (online: the department of the first item)."""
    day = on or timezone.localdate()
    if case.applicant.user_id != actor.pk:
        raise NotFound(_("No such case."))
    if case.state != CaseState.COMPLETED:
        raise Conflict(_("A case is rated once it is completed."), code="case_state")
    handlers = list(Task.objects.filter(case=case).values_list("organization_id", flat=True))
    handled = set(handlers)
    departments = departments or {}
    unknown = [org for org in departments if org not in handled]
    if unknown:
        raise ValidationFailed(_("Rate only the departments that handled the case."))
    wanted = [(None, _rating(rating))] + [(org, _rating(r)) for org, r in departments.items()]
    now = timezone.now()
    try:
        with transaction.atomic():
            rows = []
            for org, value in wanted:
                evaluation = Evaluation.objects.create(
                    case=case,
                    organization_id=org,
                    rating=value,
                    comment=(comment or "").strip()[:2000],
                    at=now,
                )
                rows.append(evaluation)
                if value in POOR_RATINGS:
                    Rectification.objects.create(
                        evaluation=evaluation,
                        organization_id=org or _answerable_for(case, handlers),
                        opened_on=day,
                        due_date=rectification_due(day),
                    )
            audit_record(
                actor=actor,
                action="case.evaluate",
                obj=case,
                after={"ratings": {str(o or "case"): v for o, v in wanted}},
            )
    except IntegrityError:
        raise Conflict(_("This case was already rated."), code="already_rated")
    return rows


def rectification_due(opened_on):
    """A rectification is due 15 working days after it opens."""
    return calendar.add_working_days(opened_on, RECTIFICATION_WORKING_DAYS)


def _answerable_for(case: Case, handlers: list[int]) -> int:
    """Who rectifies a poor rating of the case as a whole: the window that took it in, or
    for an online case the department of its first item (the lead of a bundle)."""
    return case.window_id or handlers[0]


def _locked(rectification: Rectification, actor) -> Rectification:
    if not holds_role_in(actor, REVIEWERS, rectification.organization_id):
        raise NotFound(_("No such rectification."))
    return Rectification.objects.select_for_update().get(pk=rectification.pk)


def rectification_record_measures(
    *, actor, rectification: Rectification, measures: str, on: datetime.date | None = None
) -> Rectification:
    """The department says what it changed (整改措施)."""
    measures = (measures or "").strip()
    if not measures:
        raise ValidationFailed(_("Describe the measures taken."), code="measures")
    with transaction.atomic():
        r = _locked(rectification, actor)
        if r.state != RectificationState.OPEN:
            raise Conflict(_("The rectification is no longer open."), code="rectification_state")
        r.measures, r.rectified_on = measures, on or timezone.localdate()
        r.state = RectificationState.RECTIFIED
        r.save()
        audit_record(actor=actor, action="rectification.measures", obj=r, after={"state": r.state})
    return r


def rectification_callback(
    *,
    actor,
    rectification: Rectification,
    note: str,
    satisfied: bool,
    on: datetime.date | None = None,
) -> Rectification:
    """The call-back to the applicant (回访), recorded by a head of the department."""
    if not holds_role_in(actor, REVIEWERS, rectification.organization_id):
        raise NotFound(_("No such rectification."))
    if not holds_role_in(actor, {Role.DEPARTMENT_HEAD}, rectification.organization_id):
        raise Forbidden(_("The call-back is recorded by a head of the department."))
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("Record what the applicant said."), code="callback_note")
    with transaction.atomic():
        r = _locked(rectification, actor)
        if r.state != RectificationState.RECTIFIED:
            raise Conflict(
                _("Record the measures before the call-back."), code="rectification_state"
            )
        r.callback_on = on or timezone.localdate()
        r.callback_note, r.callback_satisfied = note, bool(satisfied)
        r.state = RectificationState.CLOSED
        r.save()
        audit_record(
            actor=actor, action="rectification.callback", obj=r, after={"satisfied": satisfied}
        )
    return r
