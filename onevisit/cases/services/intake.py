"""Intake (受理): one submission, online or at a comprehensive window, becomes one case
with one task per item, routed in parallel.

The submission carries an idempotency key: the same key from the same submitter returns
the case it already created (a retry, a double click), and a different request under a
used key is refused. Materials are asked once per bundle; those the government holds
(an earlier result, another department's data) are taken from the applicant's records
with consent instead of uploaded; a minor material may be promised for later (容缺受理).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from dataclasses import asdict, dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.catalog.choices import CaseType, MaterialSource
from onevisit.core.audit import audit_record
from onevisit.core.errors import Conflict, NotFound, ValidationFailed
from onevisit.core.hotpath import insert_rows, placeholders, select_models, select_one
from onevisit.regions.models import Region

from .. import sequence
from ..choices import Channel, DeliveryMethod, MaterialState, VisitKind
from ..models import Applicant, Case, CaseMaterial, Record, Task, Upload, Visit
from ..notifications import notify
from ..plans import intake_plan
from ..routing import route
from ..selectors import record_matches, usable_records
from .common import applicant_label, clerk_window


@dataclass
class MaterialInput:
    """How one material is provided: an upload, a record (with consent), the department's
    shared data (with consent), paper at the window, or a promise (容缺) for a date."""

    name: str
    upload: int | None = None
    record: int | None = None
    consent: bool = False
    paper: bool = False
    promised_on: datetime.date | None = None


@dataclass
class Submission:
    """What an applicant submits once."""

    items: list[int] = field(default_factory=list)
    bundle: int | None = None
    region: str = ""
    form: dict = field(default_factory=dict)
    materials: list[MaterialInput] = field(default_factory=list)
    delivery_method: str = DeliveryMethod.DOWNLOAD
    delivery_address: str = ""

    def digest(self) -> str:
        data = asdict(self)
        data["items"] = sorted(self.items)
        data["materials"] = sorted(data["materials"], key=lambda m: m["name"])
        raw = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(raw.encode()).hexdigest()


@dataclass
class Intake:
    case: Case
    created: bool
    #: The check code for tracking without login; shown once, only when created.
    check_code: str = ""
    #: The tasks created (only when created), with their organizations.
    tasks: list = field(default_factory=list)


def check_code_digest(number: str, code: str) -> str:
    return hashlib.sha256(f"{number}:{code.strip().upper()}".encode()).hexdigest()


def _check_form(form_fields, data: dict) -> dict:
    if not isinstance(data, dict):
        raise ValidationFailed(_("The form must be an object of fields."), code="form")
    known = {f.key for f in form_fields}
    missing = [
        f.label_zh or f.label_en or f.key
        for f in form_fields
        if f.required and str(data.get(f.key, "")).strip() == ""
    ]
    if missing:
        raise ValidationFailed(
            _("Please fill in: %(fields)s.") % {"fields": "、".join(missing)},
            code="form_incomplete",
        )
    return {k: v for k, v in data.items() if k in known}


def _records_for(applicant: Applicant, day) -> dict[int, Record]:
    return {r.pk: r for r in usable_records(applicant, on=day).select_related("licence")}


def _from_vault(records: dict[int, Record], wanted) -> Record | None:
    """The newest valid electronic licence in the applicant's vault for a material."""
    found = [
        r
        for r in records.values()
        if getattr(r, "licence", None) is not None and record_matches(r, wanted)
    ]
    return max(found, key=lambda r: (r.issued_on, r.pk), default=None)


def _plan_materials(
    *, sub: Submission, wanted: list, applicant: Applicant, actor, channel: str, day, now
) -> list[CaseMaterial]:
    """Check every material once and say how it is provided; list every problem at once."""
    given = {m.name.strip(): m for m in sub.materials}
    names = {w.name for w in wanted}
    problems = [
        _("“%(name)s” is not a material of this application.") % {"name": n}
        for n in given
        if n not in names
    ]
    wanted_uploads = list(dict.fromkeys(m.upload for m in sub.materials if m.upload))
    uploads = (
        {
            u.pk: u
            for u in select_models(
                Upload, f"t.id IN ({placeholders(wanted_uploads)})", wanted_uploads
            )
        }
        if wanted_uploads
        else {}
    )
    records = None
    rows = []
    for w in wanted:
        m = given.get(w.name)
        row = CaseMaterial(name=w.name, source=w.source, required=w.required)
        given_other = m is not None and (m.upload or m.record or m.paper or m.promised_on)
        if w.source == MaterialSource.ELECTRONIC_LICENCE and not given_other:
            # Filled from the vault: with the applicant's consent, or under the legal
            # basis the item's material names (免授权调取).
            # A basis counts only when every item asking for it names one: otherwise a
            # department without a basis would read the licence under another's law.
            bases = [x.sharing_basis for x in w.materials]
            basis = bases[0] if bases and all(bases) else ""
            consent = m is not None and m.consent
            record = None
            if consent or basis:
                records = records if records is not None else _records_for(applicant, day)
                record = _from_vault(records, w)
            if record is not None:
                row.state, row.record = MaterialState.FROM_RECORD, record
                if consent:
                    row.consent_at = now
                else:
                    row.legal_basis = basis
                rows.append(row)
                continue
        if m is None or not (m.upload or m.record or m.paper or m.promised_on or m.consent):
            row.state = MaterialState.MISSING
        elif m.upload:
            upload = uploads.get(m.upload)
            if upload is None or upload.uploaded_by_id != actor.pk:
                problems.append(_("The file for “%(name)s” was not found.") % {"name": w.name})
                continue
            row.state, row.upload = MaterialState.UPLOADED, upload
        elif m.record:
            records = records if records is not None else _records_for(applicant, day)
            record = records.get(m.record)
            if record is None or not record_matches(record, w):
                problems.append(
                    _("The record chosen for “%(name)s” is not one of the applicant's records.")
                    % {"name": w.name}
                )
                continue
            if not m.consent:
                problems.append(
                    _("Using “%(name)s” from the records needs the applicant's consent.")
                    % {"name": w.name}
                )
                continue
            row.state, row.record, row.consent_at = MaterialState.FROM_RECORD, record, now
        elif m.paper:
            if channel != Channel.WINDOW:
                problems.append(
                    _("Paper is handed in only at a window: upload “%(name)s”.") % {"name": w.name}
                )
                continue
            row.state = MaterialState.PAPER
        elif m.promised_on:
            if not w.shortfall_allowed:
                problems.append(
                    _("“%(name)s” cannot be promised for later; it is needed now.")
                    % {"name": w.name}
                )
                continue
            if m.promised_on <= day:
                problems.append(
                    _("The date promised for “%(name)s” must be after today.") % {"name": w.name}
                )
                continue
            row.state, row.promised_on = MaterialState.SHORTFALL, m.promised_on
        elif m.consent and w.source == MaterialSource.OTHER_DEPARTMENT:
            row.state, row.consent_at = MaterialState.SHARED, now
        else:
            row.state = MaterialState.MISSING
        if row.state == MaterialState.MISSING and w.required:
            problems.append(_("“%(name)s” is required.") % {"name": w.name})
            continue
        rows.append(row)
    if problems:
        raise ValidationFailed(" ".join(problems), code="materials")
    return rows


def case_submit(
    *,
    actor,
    applicant: Applicant,
    submission: Submission,
    idempotency_key: str,
    channel: str = Channel.ONLINE,
    now: datetime.datetime | None = None,
) -> Intake:
    """Take in one application and route its tasks (办件受理). Returns the case and whether
    it was created now; a retry with the same key returns the first case."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > 80:
        raise ValidationFailed(
            _("An idempotency key of 1 to 80 characters is required."), code="idempotency_key"
        )
    digest = submission.digest()
    existing = _existing(actor, key, digest)
    if existing is not None:
        return Intake(existing, False)
    if channel == Channel.ONLINE and applicant.user_id != actor.pk:
        raise NotFound(_("No such applicant."))
    try:
        return _create(actor, applicant, submission, key, digest, channel, now)
    except IntegrityError:
        existing = _existing(actor, key, digest)
        if existing is None:
            raise
        return Intake(existing, False)


def _existing(actor, key: str, digest: str) -> Case | None:
    case = select_one(Case, "t.submitted_by_id = %s AND t.idempotency_key = %s", [actor.pk, key])
    if case is not None and case.submission_digest != digest:
        raise Conflict(
            _("This idempotency key was used for a different submission."),
            code="idempotency_key_reused",
        )
    return case


def _create(actor, applicant, sub: Submission, key, digest, channel, now) -> Intake:
    now = now or timezone.now()
    day = timezone.localdate(now)
    if channel not in Channel.values:
        raise ValidationFailed(_("Unknown channel."), code="channel")
    if sub.delivery_method not in DeliveryMethod.values:
        raise ValidationFailed(_("Choose how the results are delivered."), code="delivery")
    if sub.delivery_method == DeliveryMethod.EXPRESS and not sub.delivery_address.strip():
        raise ValidationFailed(_("Express delivery needs an address."), code="delivery_address")
    if not sub.region or sub.region == applicant.region.code:
        region = applicant.region
    else:
        region = Region.objects.filter(code=sub.region).first()
    if region is None:
        raise ValidationFailed(_("Unknown region “%(code)s”.") % {"code": sub.region})
    plan = intake_plan(bundle=sub.bundle, items=sub.items, day=day)
    bundle, items, versions, ordered = plan.bundle, plan.items, plan.versions, plan.ordered
    if channel == Channel.ONLINE:
        closed = [v.name for v in ordered if not v.online]
        if closed:
            raise Conflict(
                _("Apply at a window for: %(items)s.") % {"items": "、".join(closed)},
                code="not_online",
            )
    window = clerk_window(actor) if channel == Channel.WINDOW else None
    form = _check_form(plan.form, sub.form)
    materials = _plan_materials(
        sub=sub,
        wanted=plan.wanted,
        applicant=applicant,
        actor=actor,
        channel=channel,
        day=day,
        now=now,
    )
    routed = route(items, region, day)
    from onevisit.licences.services import record_intake_uses  # the vault builds on cases

    # Everything that needs no number is built before the transaction: on SQLite the
    # transaction holds the database's write lock, so other writers wait while it runs.
    code = secrets.token_hex(3).upper()
    case = Case(
        applicant=applicant,
        bundle=bundle,
        title=bundle.name if bundle else ordered[0].name,
        channel=channel,
        region=region,
        window=window,
        submitted_by=actor,
        idempotency_key=key,
        submission_digest=digest,
        submitted_at=now,
        intake_date=day,
        form_data=form,
        delivery_method=sub.delivery_method,
        delivery_address=sub.delivery_address.strip(),
        visits=1 if channel == Channel.WINDOW else 0,
    )
    tasks = [
        Task(
            position=n,
            item=item,
            version=versions[item.pk],
            organization=routed[item.pk],
            immediate=versions[item.pk].case_type == CaseType.IMMEDIATE,
            promised_limit=versions[item.pk].promised_limit or 0,
            legal_limit=versions[item.pk].legal_limit,
            result_name=versions[item.pk].result_name,
        )
        for n, item in enumerate(items)
    ]
    audited = {
        "channel": channel,
        "applicant": applicant_label(applicant),
        "tasks": [[t.item_id, t.organization_id] for t in tasks],
        "materials": {m.name: m.state for m in materials},
    }
    with transaction.atomic():
        case.number = number = sequence.case_number(region.code, day, sequence.next_serial())
        case.check_code_digest = check_code_digest(number, code)
        insert_rows([case])
        for row in (*tasks, *materials):
            row.case = case
        insert_rows(tasks)
        insert_rows(materials)
        record_intake_uses(actor=actor, case=case, materials=materials, tasks=tasks)
        if channel == Channel.WINDOW:
            Visit.objects.create(
                case=case, kind=VisitKind.INTAKE, at=now, recorded_by=actor, organization=window
            )
        audit_record(actor=actor, action="case.submit", obj=case, after=audited)
        notify(
            applicant=applicant,
            case=case,
            subject=_("Application %(number)s received") % {"number": number},
            body=_("We received your application “%(title)s”. Follow it under My cases.")
            % {"title": case.title},
        )
        if channel == Channel.WINDOW:
            from .review import complete_immediate_tasks

            complete_immediate_tasks(actor=actor, case=case, tasks=tasks, day=day)
    return Intake(case, True, code, tasks)
