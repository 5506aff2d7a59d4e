"""The demo's service desk at work: one case at a time, through the case services only.

`Desk.run(story)` submits a case (online, or at the Tonglu window by `clerk.tonglu`) on
the story's day and plays what happens to it — acceptance, one complete supplement
notice and its answer, suspensions, an extension, decisions, delivery, the rating and its
rectification — each action on its own date (`on=`), in date order. A story may stop
early (`stop`), which leaves the case open in the state the demo wants to show.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from onevisit.cases import services as case_services
from onevisit.cases.choices import (
    CaseState,
    Channel,
    DeliveryMethod,
    SuspensionKind,
    TaskState,
)
from onevisit.cases.models import Case, Record, Rectification, Task
from onevisit.cases.services import MaterialInput, Submission
from onevisit.catalog.choices import MaterialSource
from onevisit.catalog.models import Bundle, ServiceItem, ServiceItemVersion
from onevisit.catalog.selectors import live_versions, materials_of
from onevisit.core import calendar
from onevisit.licences.services.issuance import add_years

from .data.catalog_types import V2_FROM
from .data.licences import NOT_THE_APPLICANTS
from .people import Party, People, Staff
from .values import FormValues


def wd(day: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `day`."""
    return calendar.add_working_days(day, n)


def wd_back(day: datetime.date, n: int) -> datetime.date:
    """The n-th working day before `day` (n = 0: `day`, or the working day before it)."""
    while not calendar.is_working_day(day):
        day -= datetime.timedelta(days=1)
    while n > 0:
        day -= datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


@dataclass
class Target:
    """What a case applies for: one item, or a bundle's items."""

    label: str
    items: list[ServiceItem]
    bundle: Bundle | None = None
    #: The item keys (for the data's issuers and the stories).
    keys: tuple[str, ...] = ()


@dataclass
class Story:
    """One case: who applies for what, when and where, and what happens to it.

    `twist` is the one thing that departs from the plain path (on the task `twist_task`):
    plain, supplement_online, supplement_window, pre_notice, suspended, extended, denied,
    not_accepted, late. `stop` ends the story early: submitted, accepted, notice, suspended,
    decided (undelivered), or "" to play it to the end (delivery and rating).
    """

    party: Party
    target: Target
    day: datetime.date
    channel: str = Channel.ONLINE
    delivery: str = DeliveryMethod.DOWNLOAD
    twist: str = "plain"
    twist_task: int = 0
    rating: int | None = None
    department_ratings: bool = False
    stop: str = ""
    #: The working day each task is accepted, counted from intake (None: drawn).
    accept_after: int | None = None
    #: Working days from acceptance to decision (None: drawn within the promise).
    decide_after: int | None = None
    #: Tasks left open when the others are decided (a bundle half done).
    open_tasks: tuple[int, ...] = ()
    hour: int = 9


@dataclass
class Tally:
    """What the desk did (for the seeder's report)."""

    cases: int = 0
    actions: int = 0
    by_twist: dict[str, int] = field(default_factory=dict)


#: How applicants who hold the licence a material asks for provide it: most consent to the
#: vault online, about half at a window (the others hand in a copy); where the law lets
#: the department fetch it (`sharing_basis`), most give nothing and a few upload a copy
#: all the same (or hand in paper at the window).
CONSENT_ONLINE, CONSENT_AT_WINDOW, LEFT_TO_THE_LAW = 0.8, 0.55, 0.9


class Desk:
    """Plays stories through the services, keeping what it needs in memory."""

    def __init__(
        self,
        rng: random.Random,
        people: People,
        staff: Staff,
        values: FormValues,
        end,
        vault_rng: random.Random | None = None,
    ):
        self.rng = rng
        #: The applicants' choices about the licence vault draw from a stream of their own.
        self.vault_rng = vault_rng or random.Random(0)
        self.people = people
        self.staff = staff
        self.values = values
        #: No action of a story happens after this day (the history's end, or today).
        self.end = end
        self.tally = Tally()
        self._serial = 0
        self._clerk_upload: int | None = None
        self._versions: dict[tuple[str, bool], dict[int, ServiceItemVersion]] = {}
        #: (applicant id, item id) pairs whose result is in the applicant's records.
        self.records: set[tuple[int, int]] = set()
        #: applicant id → the licences they hold: (type code, issued on, valid until).
        self.licences: dict[int, list[tuple[str, datetime.date, datetime.date | None]]] = {}
        #: item id → (licence type code, years valid) the item's approval issues.
        self.issues: dict[int, tuple[str, int | None]] = {}

    # --- intake ---------------------------------------------------------------------
    def versions(self, target: Target, day: datetime.date) -> dict[int, ServiceItemVersion]:
        key = (target.label, day >= V2_FROM)
        if key not in self._versions:
            self._versions[key] = live_versions(target.items, day)
        return self._versions[key]

    def _clerk_scan(self) -> int:
        if self._clerk_upload is None:
            from .people import SCAN

            upload = case_services.upload_create(
                actor=self.staff.clerk, name="窗口扫描件.pdf", content=SCAN
            )
            self._clerk_upload = upload.pk
        return self._clerk_upload

    def _materials(self, story: Story, versions: list) -> list[MaterialInput]:
        window = story.channel == Channel.WINDOW
        party = story.party
        given = []
        for wanted in materials_of(versions):
            source = wanted.source
            if source == MaterialSource.OTHER_DEPARTMENT:
                given.append(MaterialInput(name=wanted.name, consent=True))
                continue
            if source == MaterialSource.ISSUED_BY_ITEM:
                record = self._record_for(party, wanted)
                if record is not None:
                    given.append(MaterialInput(name=wanted.name, record=record, consent=True))
                    continue
            # The ordinary way is drawn first, so that the year's other draws do not
            # depend on what the vault holds.
            if not wanted.required and self.rng.random() < 0.6:
                way = None
            elif window and wanted.shortfall_allowed and self.rng.random() < 0.4:
                way = MaterialInput(
                    name=wanted.name, promised_on=wd(story.day, self.rng.randint(3, 8))
                )
            elif window:
                way = MaterialInput(name=wanted.name, paper=True)
            else:
                way = "upload"
            if source == MaterialSource.ELECTRONIC_LICENCE:
                from_vault, given_as = self._from_vault(story, wanted)
                if from_vault:
                    given.extend([given_as] if given_as is not None else [])
                    continue
            if way == "upload":
                way = MaterialInput(name=wanted.name, upload=self.people.upload(party))
            if way is not None:
                given.append(way)
        return given

    def _from_vault(self, story: Story, wanted) -> tuple[bool, MaterialInput | None]:
        """Whether the applicant lets the vault fill a licence material, and what they
        give for it: their consent, or nothing where the law lets the department fetch
        it. (False, None): they provide it the ordinary way."""
        if wanted.name in NOT_THE_APPLICANTS:
            return False, None
        types = {m.licence_type for m in wanted.materials if m.licence_type}
        if not self._holds(story.party, types, story.day):
            return False, None
        rng = self.vault_rng
        if any(m.sharing_basis for m in wanted.materials):
            return rng.random() < LEFT_TO_THE_LAW, None
        window = story.channel == Channel.WINDOW
        if rng.random() < (CONSENT_AT_WINDOW if window else CONSENT_ONLINE):
            return True, MaterialInput(name=wanted.name, consent=True)
        return False, None

    def _holds(self, party: Party, types: set[str], day: datetime.date) -> bool:
        """A licence of one of the types, issued by the day and in force on it (from
        `licences`, kept in step with the approvals that issue one)."""
        return any(
            code in types and issued <= day and (until is None or until >= day)
            for code, issued, until in self.licences.get(party.applicant.pk, ())
        )

    def _issued(self, task: Task, day: datetime.date) -> None:
        """Note the licence an approval issued (the item's licence type, if any)."""
        issues = self.issues.get(task.item_id)
        if issues is not None:
            code, years = issues
            until = add_years(day, years) if years else None
            self.licences.setdefault(task.case.applicant_id, []).append((code, day, until))

    def _record_for(self, party: Party, wanted) -> int | None:
        applicant_id = party.applicant.pk
        for material in wanted.materials:
            if (applicant_id, material.source_item_id) in self.records:
                return (
                    Record.objects.filter(
                        applicant_id=applicant_id, source_item_id=material.source_item_id
                    )
                    .order_by("-issued_on", "-pk")
                    .values_list("pk", flat=True)
                    .first()
                )
        return None

    def submit(self, story: Story) -> Case:
        versions = self.versions(story.target, story.day)
        ordered = [versions[i.pk] for i in story.target.items]
        self._serial += 1
        window = story.channel == Channel.WINDOW
        submission = Submission(
            items=[] if story.target.bundle else [i.pk for i in story.target.items],
            bundle=story.target.bundle.pk if story.target.bundle else None,
            form=self.values.form(story.party, ordered, story.day),
            materials=self._materials(story, ordered),
            delivery_method=story.delivery,
            delivery_address=story.party.address
            if story.delivery == DeliveryMethod.EXPRESS
            else "",
        )
        at = timezone.make_aware(
            datetime.datetime.combine(
                story.day, datetime.time(story.hour, self.rng.randrange(0, 60, 5))
            )
        )
        intake = case_services.case_submit(
            actor=self.staff.clerk if window else story.party.user,
            applicant=story.party.applicant,
            submission=submission,
            idempotency_key=f"demo-{self._serial:05d}",
            channel=story.channel,
            now=at,
        )
        self.tally.cases += 1
        self.tally.by_twist[story.twist] = self.tally.by_twist.get(story.twist, 0) + 1
        for task in intake.case.tasks.all():
            if task.state == TaskState.APPROVED:
                self.records.add((story.party.applicant.pk, task.item_id))
                self._issued(task, story.day)
        return intake.case

    # --- the story ------------------------------------------------------------------
    def run(self, story: Story) -> Case:
        """Submit the case and play its events in date order."""
        case = self.submit(story)
        tasks = list(case.tasks.select_related("version", "organization", "item"))
        events: list[tuple[datetime.date, int, Callable[[], None]]] = []

        def at(day: datetime.date, action: Callable[[], None]) -> None:
            events.append((day, len(events), action))

        decided: list[datetime.date] = [story.day]
        answer: datetime.date | None = None
        for n, task in enumerate(tasks):
            if task.state != TaskState.SUBMITTED:
                continue
            twist = story.twist if n == story.twist_task else "plain"
            day, answered = self._task(story, case, task, twist, n in story.open_tasks, at)
            if day is not None:
                decided.append(day)
            answer = answered or answer
        if answer is not None and story.stop not in ("submitted", "notice"):
            in_person = story.twist == "supplement_window"
            at(answer, lambda: self._answer(story, case, answer, in_person))
        complete = None
        if not story.stop and not story.open_tasks:
            complete = self._deliver(story, case, max(decided), at)
        events.sort(key=lambda e: (e[0], e[1]))
        for day, _n, action in events:
            if day > self.end:
                break
            action()
            self.tally.actions += 1
        if complete is not None and story.rating is not None:
            self._rate(story, case, tasks, complete)
        return case

    def _task(self, story, case, task, twist, keep_open, at):
        """Schedule one task's events; returns (decision day or None, supplement answer day)."""
        rng = self.rng
        reviewer = self.staff.reviewer[task.organization_id]
        window = story.channel == Channel.WINDOW
        after = story.accept_after
        if after is None:
            after = 0 if window or rng.random() < 0.55 else 1
        accepted = wd(story.day, after) if after else story.day
        answer = None
        if story.stop == "submitted":
            return None, None
        if twist == "not_accepted":
            at(
                accepted,
                lambda: self._act(
                    case_services.task_not_accept,
                    reviewer,
                    task,
                    accepted,
                    reason=self.values.not_accepted_reason(),
                ),
            )
            return accepted, None
        if twist == "pre_notice":
            notice = accepted
            at(notice, lambda: self._notice(task, reviewer, notice))
            if story.stop == "notice":
                return None, None
            answer = wd(notice, rng.randint(1, 3))
            accepted = wd(answer, 1)  # the reviewer accepts once the supplement is in
        at(accepted, lambda: self._act(case_services.task_accept, reviewer, task, accepted))
        limit = task.promised_limit
        if task.immediate:
            day = accepted
            at(day, lambda: self._act(case_services.task_approve, reviewer, task, day))
            self._remember(story, task)
            return day, answer
        if story.stop == "accepted" or keep_open:
            return None, answer
        stopped_from = stopped_to = None
        if twist in ("supplement_online", "supplement_window"):
            stopped_from = wd(accepted, 1)
            at(stopped_from, lambda: self._notice(task, reviewer, stopped_from))
            if story.stop == "notice":
                return None, None
            stopped_to = answer = wd(stopped_from, rng.randint(1, 4))
        elif twist == "suspended":
            stopped_from = wd(accepted, rng.randint(1, 2))
            kind = rng.choice(
                [
                    SuspensionKind.EXPERT_REVIEW,
                    SuspensionKind.PUBLIC_NOTICE,
                    SuspensionKind.SITE_INSPECTION,
                ]
            )
            at(
                stopped_from,
                lambda: self._act(
                    case_services.task_suspend,
                    reviewer,
                    task,
                    stopped_from,
                    kind=kind,
                    reason=self.values.suspension_reason(kind),
                ),
            )
            if story.stop == "suspended":
                return None, None
            stopped_to = wd(stopped_from, rng.randint(3, 10))
            at(stopped_to, lambda: self._act(case_services.task_resume, reviewer, task, stopped_to))
        elif twist == "extended" and task.legal_limit and task.legal_limit > limit:
            days = min(task.legal_limit - limit, rng.randint(3, 10))
            extended_on = wd(accepted, max(1, limit - 1))
            head = self.staff.head[task.organization_id]
            at(
                extended_on,
                lambda: self._act(
                    case_services.task_extend,
                    reviewer,
                    task,
                    extended_on,
                    days=days,
                    approved_by=head,
                    reason=self.values.extension_reason(),
                ),
            )
            limit += days
        stopped = calendar.working_days_between(stopped_from, stopped_to) if stopped_to else 0
        if story.decide_after is not None:
            k = story.decide_after
        elif twist == "late":
            k = limit + rng.randint(1, 3)
        elif limit > task.promised_limit:  # extended: decided in the extra time
            k = rng.randint(task.promised_limit + 1, limit)
        else:
            k = rng.randint(max(1, math.ceil(limit * 0.3)), max(1, limit))
        day = wd(accepted, k + stopped)
        if stopped_to is not None and day <= stopped_to:
            day = wd(stopped_to, 1)
        if twist == "denied":
            at(
                day,
                lambda: self._act(
                    case_services.task_deny,
                    reviewer,
                    task,
                    day,
                    reason=self.values.denial_reason(task),
                    legal_basis=self.values.legal_basis(task),
                ),
            )
        else:
            at(
                day,
                lambda: self._act(
                    case_services.task_approve,
                    reviewer,
                    task,
                    day,
                    note=self.values.approval_note(),
                ),
            )
            self._remember(story, task)
        return day, answer

    def _remember(self, story: Story, task: Task) -> None:
        if task.result_name:
            self.records.add((story.party.applicant.pk, task.item_id))

    def _act(self, service, actor, task, day, **kwargs) -> None:
        service(actor=actor, task=task, on=day, **kwargs)
        if service is case_services.task_approve:
            self._issued(task, day)

    def _notice(self, task: Task, reviewer, day: datetime.date) -> None:
        case_services.task_request_supplement(
            actor=reviewer, task=task, missing=self.values.missing(task), on=day
        )

    def _answer(self, story: Story, case: Case, day: datetime.date, in_person: bool) -> None:
        names = [
            row["name"]
            for task in case.tasks.filter(state=TaskState.SUPPLEMENT)
            for notice in task.notices.filter(answered_at__isnull=True)
            for row in notice.missing
        ]
        if in_person:
            actor, upload = self.staff.clerk, self._clerk_scan()
        else:
            actor, upload = story.party.user, self.people.upload(story.party)
        case_services.case_supplement(
            actor=actor,
            case=case,
            uploads=dict.fromkeys(names, upload),
            in_person=in_person,
            on=day,
        )

    # --- delivery and rating ---------------------------------------------------------------
    def _deliver(self, story: Story, case: Case, decided: datetime.date, at) -> datetime.date:
        """Schedule the delivery; returns the day the case completes."""
        clerk = self.staff.clerk
        if story.delivery == DeliveryMethod.DOWNLOAD:
            return decided
        if story.delivery == DeliveryMethod.EXPRESS:
            day = wd(decided, self.rng.randint(0, 1))
            number = self.values.tracking_number()
            at(
                day,
                lambda: case_services.case_dispatch(
                    actor=clerk, case=case, tracking_number=number, on=day
                ),
            )
            return day
        day = wd(decided, self.rng.randint(1, 5))
        at(day, lambda: case_services.case_pickup(actor=clerk, case=case, on=day))
        return day

    def _rate(self, story: Story, case: Case, tasks: list[Task], day: datetime.date) -> None:
        rated_on = day + datetime.timedelta(days=self.rng.randint(0, 2))
        if rated_on > self.end:
            return
        case.refresh_from_db(fields=["state"])
        if case.state != CaseState.COMPLETED:
            return
        departments: dict[int, int] = {}
        if story.department_ratings or story.rating <= 2:
            for n, task in enumerate(tasks):
                org = task.organization_id
                if story.rating <= 2 and n == story.twist_task:
                    departments[org] = story.rating  # the department the applicant blames
                elif org not in departments:
                    departments[org] = self.rng.choice([4, 5, 5])
        rows = case_services.case_evaluate(
            actor=story.party.user,
            case=case,
            rating=story.rating,
            comment=self.values.comment(story.rating),
            departments=departments,
            on=rated_on,
        )
        self.tally.actions += 1
        for row in rows:
            rectification = Rectification.objects.filter(evaluation=row).first()
            if rectification is not None:
                self._rectify(rectification, rated_on)

    def _rectify(self, rectification: Rectification, opened: datetime.date) -> None:
        """Measures a few working days later and the head's call-back, within the history."""
        org = rectification.organization_id
        measured = wd(opened, self.rng.randint(3, 8))
        if measured > self.end:
            return
        case_services.rectification_record_measures(
            actor=self.staff.reviewer[org],
            rectification=rectification,
            measures=self.values.measures(),
            on=measured,
        )
        called = wd(measured, self.rng.randint(2, 5))
        if called > self.end:
            return
        case_services.rectification_callback(
            actor=self.staff.head[org],
            rectification=rectification,
            note=self.values.callback_note(),
            satisfied=self.rng.random() < 0.85,
            on=called,
        )
        self.tally.actions += 2
