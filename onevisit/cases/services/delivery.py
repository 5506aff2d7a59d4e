"""Supplements from the applicant, delivery of results (送达), and visits (跑动).

Every in-person visit is a `Visit` row and increments `Case.visits` in the same
transaction: intake at a window, a supplement brought in person, a pick-up. Results
delivered online or by express cost no visit.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.core.audit import audit_record
from onevisit.core.errors import Conflict, NotFound, ValidationFailed

from ..choices import CaseState, DeliveryMethod, MaterialState, TaskState, VisitKind
from ..models import Case, CaseMaterial, Task, Upload, Visit
from ..notifications import notify
from .common import clerk_window


def _complete(case: Case, actor, how: str, day: datetime.date | None = None) -> None:
    now = timezone.now()
    case.delivered_at = now
    case.completed_on = day or timezone.localdate(now)
    case.state = CaseState.COMPLETED
    case.save(update_fields=["delivered_at", "completed_on", "state"])
    audit_record(actor=actor, action="case.deliver", obj=case, after={"how": how})
    notify(
        applicant=case.applicant,
        case=case,
        subject=_("Application %(number)s completed") % {"number": case.number},
        body=_("Your results are delivered (%(how)s). Please rate the service.")
        % {"how": DeliveryMethod(how).label},
    )


def deliver_if_online(*, actor, case: Case) -> None:
    """Results to download are delivered the moment the last task is decided (on its
    decision day)."""
    if case.delivery_method == DeliveryMethod.DOWNLOAD and case.delivered_at is None:
        last = Task.objects.filter(case=case).aggregate(day=Max("decided_on"))["day"]
        _complete(case, actor, DeliveryMethod.DOWNLOAD, last)


def _locked_case(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("applicant").get(pk=case.pk)


def visit_record(*, actor, case: Case, kind: str, organization=None, at=None) -> Visit:
    """Record an in-person visit and count it on the case."""
    visit = Visit.objects.create(
        case=case,
        kind=kind,
        at=at or timezone.now(),
        recorded_by=actor,
        organization=organization,
    )
    Case.objects.filter(pk=case.pk).update(visits=F("visits") + 1)
    case.refresh_from_db(fields=["visits"])
    audit_record(actor=actor, action="case.visit", obj=case, after={"kind": kind})
    return visit


def case_dispatch(
    *, actor, case: Case, tracking_number: str, on: datetime.date | None = None
) -> Case:
    """Send the results by express mail (快递送达) on `on` (default today); no visit."""
    window = clerk_window(actor)
    tracking_number = (tracking_number or "").strip()
    if not tracking_number:
        raise ValidationFailed(_("The tracking number is required."), code="tracking_number")
    with transaction.atomic():
        case = _locked_case(case)
        if window is not None and case.window_id not in (None, window.pk):
            raise NotFound(_("No such case."))
        _ready(case, DeliveryMethod.EXPRESS)
        case.form_data = {**case.form_data, "_tracking_number": tracking_number}
        case.save(update_fields=["form_data"])
        _complete(case, actor, DeliveryMethod.EXPRESS, on)
    return case


def case_pickup(*, actor, case: Case, on: datetime.date | None = None) -> Case:
    """The applicant picks up the results at the window on `on` (default today): one visit
    (窗口领取)."""
    window = clerk_window(actor)
    with transaction.atomic():
        case = _locked_case(case)
        if window is not None and case.window_id not in (None, window.pk):
            raise NotFound(_("No such case."))
        _ready(case, DeliveryMethod.PICKUP)
        visit_record(actor=actor, case=case, kind=VisitKind.PICKUP, organization=window)
        _complete(case, actor, DeliveryMethod.PICKUP, on)
    return case


def _ready(case: Case, method: str) -> None:
    if case.state != CaseState.DECIDED:
        raise Conflict(
            _("The case is %(state)s; results are delivered once every item is decided.")
            % {"state": case.get_state_display()},
            code="case_state",
        )
    if case.delivery_method != method:
        raise Conflict(
            _("This case's results are delivered by %(method)s.")
            % {"method": case.get_delivery_method_display()},
            code="delivery_method",
        )


def case_supplement(
    *,
    actor,
    case: Case,
    uploads: dict[str, int],
    in_person: bool = False,
    on: datetime.date | None = None,
) -> Case:
    """The applicant supplies what the open notices ask: {material name: upload id}.
    Online by the applicant; in person at a window by a clerk (one visit). Every name an
    open notice lists must be supplied at once; the clocks then run again."""
    from .review import _refresh_case, supplement_received

    day = on or timezone.localdate()
    with transaction.atomic():
        case = _locked_case(case)
        if in_person:
            window = clerk_window(actor)
        elif case.applicant.user_id != actor.pk:
            raise NotFound(_("No such case."))
        tasks = list(
            Task.objects.select_for_update()
            .filter(case=case, state=TaskState.SUPPLEMENT)
            .select_related("case__applicant", "organization", "version")
        )
        if not tasks:
            raise Conflict(_("Nothing is waiting for a supplement."), code="nothing_to_supplement")
        asked = []
        for task in tasks:
            notice = task.notices.filter(answered_at__isnull=True).order_by("-number").first()
            asked += [row["name"] for row in (notice.missing if notice else [])]
        given = {name.strip(): pk for name, pk in uploads.items() if pk}
        missing = [name for name in dict.fromkeys(asked) if name not in given]
        if missing:
            raise ValidationFailed(
                _("Still missing: %(names)s.") % {"names": "、".join(missing)},
                code="supplement_incomplete",
            )
        found = Upload.objects.in_bulk(list(given.values()))
        if any(
            found.get(pk) is None or found[pk].uploaded_by_id != actor.pk for pk in given.values()
        ):
            raise ValidationFailed(_("A file of the supplement was not found."), code="upload")
        for name, pk in given.items():
            CaseMaterial.objects.update_or_create(
                case=case,
                name=name,
                defaults={
                    "upload": found[pk],
                    "state": MaterialState.UPLOADED,
                    "source": "applicant",
                    "promised_on": None,
                },
            )
        if in_person:
            visit_record(actor=actor, case=case, kind=VisitKind.SUPPLEMENT, organization=window)
        for task in tasks:
            supplement_received(actor=actor, task=task, day=day, in_person=in_person)
        audit_record(
            actor=actor, action="case.supplement", obj=case, after={"materials": sorted(given)}
        )
        _refresh_case(case, actor=actor)
    return case
