"""Schemas of the service-desk API (`api.py`): inputs, filters and outputs, typed so that
/api/openapi.json describes every operation completely."""

from __future__ import annotations

import datetime
import math
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import field_validator

from onevisit.core.schemas import AUTH_ERRORS, ErrorOut
from onevisit.orgs.schemas import ID_MAX

from .choices import ApplicantKind, Channel, DeliveryMethod, SuspensionKind

READ_ERRORS = {**AUTH_ERRORS, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, **AUTH_ERRORS, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
UPLOAD_ERRORS = {**WRITE_ERRORS, 413: ErrorOut, 415: ErrorOut}


def _text(max_length: int, min_length: int = 0):
    """Text without NUL characters (PostgreSQL refuses them), of bounded length."""
    return Annotated[
        str, Field(pattern=r"^[^\x00]*$", max_length=max_length, min_length=min_length)
    ]


Id = Annotated[int, Field(ge=1, le=ID_MAX)]
Line = _text(300)
LongText = _text(4000)
DateValue = Annotated[
    datetime.date, Field(ge=datetime.date(1900, 1, 1), le=datetime.date(2999, 12, 31))
]
RegionCode = Annotated[str, Field(pattern=r"^[0-9]{2,12}$")]
RatingValue = Annotated[
    int, Field(ge=1, le=5, description="1 very dissatisfied … 5 very satisfied")
]
ChannelValue = Literal[tuple(Channel.values)]  # type: ignore[valid-type]
DeliveryValue = Literal[tuple(DeliveryMethod.values)]  # type: ignore[valid-type]
ApplicantKindValue = Literal[tuple(ApplicantKind.values)]  # type: ignore[valid-type]
#: Suspensions a reviewer starts (a supplement notice stops the clock on its own).
SuspensionValue = Literal[  # type: ignore[valid-type]
    tuple(v for v in SuspensionKind.values if v != SuspensionKind.SUPPLEMENT)
]
QueueValue = Literal["to_accept", "in_review", "waiting", "due_soon", "overdue", "decided"]

#: Depth and size bounds of the free-form application form.
FORM_MAX_DEPTH = 4
FORM_MAX_KEYS = 200


def _clean_json(value: Any, depth: int = 0) -> Any:
    """Refuse what the databases' JSON refuses (NUL characters, NaN and infinities) and deep
    nesting."""
    if depth > FORM_MAX_DEPTH:
        raise ValueError("the form is nested too deeply")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("numbers must be finite")
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text may not contain NUL characters")
        return value
    if isinstance(value, dict):
        if len(value) > FORM_MAX_KEYS:
            raise ValueError(f"at most {FORM_MAX_KEYS} fields")
        return {_clean_json(str(k), depth + 1): _clean_json(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        if len(value) > FORM_MAX_KEYS:
            raise ValueError(f"at most {FORM_MAX_KEYS} values in a list")
        return [_clean_json(v, depth + 1) for v in value]
    return value


# --- uploads -----------------------------------------------------------------------------
class UploadOut(Schema):
    id: int
    content_type: str = Field(description="The type read from the content (PDF, JPEG or PNG).")
    size: int
    name: str


# --- submission ----------------------------------------------------------------------------
class MaterialIn(Schema):
    """How one material is provided: exactly one of upload, record (with consent), consent
    to another department's data, paper (window only) or a promised date (容缺)."""

    name: _text(300, 1)
    upload: Id | None = Field(None, description="An upload id from POST /api/uploads.")
    record: Id | None = Field(None, description="One of the applicant's records.")
    consent: bool = Field(False, description="Consent to use a record or shared data.")
    paper: bool = Field(False, description="Handed in on paper at the window.")
    promised_on: DateValue | None = Field(None, description="Accept-with-shortfall (容缺).")


class ApplicantIn(Schema):
    """The applicant a window clerk takes in (identity document checked at the window)."""

    kind: ApplicantKindValue
    name: _text(200, 1)
    identifier: _text(32, 1) = Field(
        description="Resident identity number (person) or credit code (enterprise)."
    )
    phone: Annotated[str, Field(pattern=r"^[0-9+ ()-]*$", max_length=20)] = ""
    email: Annotated[str, Field(pattern=r"^$|^[^@\s\x00]+@[^@\s\x00]+$", max_length=254)] = ""
    address: Line = ""
    region: RegionCode | None = Field(
        None, description="The applicant's region (default: the case's region)."
    )


class CaseIn(Schema):
    idempotency_key: _text(80) | None = Field(
        None, description="Also accepted as the Idempotency-Key header; the body wins."
    )
    bundle: Id | None = Field(None, description='A published "one thing" bundle.')
    items: list[Id] = Field(default_factory=list, max_length=50)
    region: RegionCode | None = Field(None, description="Default: the applicant's region.")
    form: dict[str, Any] = Field(default_factory=dict)
    materials: list[MaterialIn] = Field(default_factory=list, max_length=200)
    delivery_method: DeliveryValue = "download"
    delivery_address: Line = ""
    channel: ChannelValue = "online"
    applicant: ApplicantIn | None = Field(
        None, description="Window channel only: who applies. Online: your own applicant."
    )

    @field_validator("form")
    @classmethod
    def _form(cls, value: dict) -> dict:
        return _clean_json(value)


class TaskBriefOut(Schema):
    id: int
    item: int
    item_name: str
    organization: int
    organization_name: str
    state: str
    due_date: datetime.date | None
    due_date_provisional: bool = Field(
        False,
        description="The task is open and its due date may still move: that year's holiday "
        "arrangement (or, for a December date, the next year's) is not published yet.",
    )


class IntakeOut(Schema):
    number: str
    check_code: str = Field(description="Shown once, when the case is created; else empty.")
    state: str
    tasks: list[TaskBriefOut]


# --- cases ----------------------------------------------------------------------------------
class CaseListFilters(Schema):
    scope: Literal["mine", "window"] = Field(
        "mine",
        description="mine: the cases you applied for; window: those taken in at your window.",
    )
    before: Id | None = Field(None, description="Keyset: cases older than this case id.")
    limit: int = Field(50, ge=1, le=200)


class CaseSummaryOut(Schema):
    id: int
    number: str
    title: str
    state: str
    channel: str
    submitted_at: datetime.datetime
    delivery_method: str
    completed_on: datetime.date | None
    visits: int
    tasks: list[TaskBriefOut]


class CasePage(Schema):
    items: list[CaseSummaryOut]
    next_before: int | None = Field(description="Pass as `before` for the next page.")


class ApplicantOut(Schema):
    kind: str
    name: str
    identifier: str = Field(description="Masked unless you are the applicant.")
    phone: str = Field(description="Masked unless you are the applicant.")


class Ref(Schema):
    id: int
    name: str


class NoticeOut(Schema):
    number: int
    missing: list[dict[str, str]]
    new_fact: str
    reason: str
    issued_at: datetime.datetime
    answered_at: datetime.datetime | None


class SuspensionOut(Schema):
    kind: str
    reason: str
    started_on: datetime.date
    ended_on: datetime.date | None


class TaskOut(TaskBriefOut):
    case: str
    immediate: bool
    promised_limit: int
    legal_limit: int | None
    accepted_on: datetime.date | None
    extension_days: int
    decided_on: datetime.date | None
    decision_reason: str
    legal_basis: str
    result_name: str
    notices: list[NoticeOut]
    suspensions: list[SuspensionOut]


class CaseMaterialOut(Schema):
    name: str
    source: str
    required: bool
    state: str
    upload: int | None
    record: int | None
    promised_on: datetime.date | None


class CaseEvaluationOut(Schema):
    organization: int | None = Field(description="Empty for the rating of the whole case.")
    rating: int
    comment: str


class EvaluationOut(CaseEvaluationOut):
    rectification_due: datetime.date | None = Field(
        description="A poor rating of a department opens a rectification due on this day."
    )


class CaseOut(Schema):
    id: int
    number: str
    title: str
    state: str
    channel: str
    bundle: Ref | None
    region: str
    window: Ref | None
    applicant: ApplicantOut
    submitted_at: datetime.datetime
    intake_date: datetime.date
    form: dict[str, Any]
    delivery_method: str
    delivery_address: str
    tracking_number: str = Field(description="Express delivery: the tracking number.")
    decided_at: datetime.datetime | None
    delivered_at: datetime.datetime | None
    completed_on: datetime.date | None
    visits: int = Field(description="In-person visits so far (跑动次数).")
    one_visit: bool
    tasks: list[TaskOut]
    materials: list[CaseMaterialOut]
    open_notice_items: list[str] = Field(description="Everything the open notices ask for.")
    evaluations: list[CaseEvaluationOut]


class TaskDetailOut(TaskOut):
    applicant: ApplicantOut
    form: dict[str, Any]
    materials: list[CaseMaterialOut]


class SupplementIn(Schema):
    uploads: dict[_text(300, 1), Id] = Field(
        description="Every name the open notices ask for, with the upload that supplies it.",
        max_length=200,
    )
    in_person: bool = Field(
        False, description="Brought in person to a window (a clerk records it: one visit)."
    )


class DispatchIn(Schema):
    tracking_number: _text(64)


class EvaluationIn(Schema):
    rating: RatingValue
    comment: _text(2000) = ""
    departments: dict[Id, RatingValue] = Field(
        default_factory=dict, description="{organization id: rating} for each department."
    )


class RatesFilters(Schema):
    region: RegionCode | None = Field(None, description="Region code (its whole subtree).")
    organization: Id | None = None
    item: Id | None = None
    bundle: Id | None = None
    start: DateValue | None = Field(None, description="Completed on or after.")
    end: DateValue | None = Field(None, description="Completed on or before.")


class RatesOut(Schema):
    completed: int
    one_visit: int
    zero_visit: int
    one_visit_rate: float | None
    zero_visit_rate: float | None


class VaultFillFilters(Schema):
    region: RegionCode | None = Field(None, description="Region code (its whole subtree).")
    organization: Id | None = None
    start: DateValue | None = Field(None, description="Submitted on or after.")
    end: DateValue | None = Field(None, description="Submitted on or before.")


class FillRateOut(Schema):
    required: int = Field(description="Required materials of the cases.")
    from_vault: int = Field(description="Of those, filled from an electronic licence.")
    share: float | None = Field(description="from_vault / required; null when none.")


class VaultFillItemOut(FillRateOut):
    item: int
    item_name: str


class VaultFillBundleOut(FillRateOut):
    bundle: int
    bundle_name: str


class VaultFillOut(Schema):
    region: str | None
    organization: int | None
    start: datetime.date | None
    end: datetime.date | None
    total: FillRateOut
    items: list[VaultFillItemOut]
    bundles: list[VaultFillBundleOut]


# --- tasks ------------------------------------------------------------------------------------
class TaskFilters(Schema):
    queue: QueueValue = "to_accept"
    organization: Id | None = None
    after: Id | None = Field(None, description="Keyset: tasks after this task id.")
    limit: int = Field(50, ge=1, le=200)


class TaskListItemOut(TaskBriefOut):
    case: str
    applicant_name: str
    immediate: bool
    accepted_on: datetime.date | None


class TaskPage(Schema):
    items: list[TaskListItemOut]
    next_after: int | None = Field(description="Pass as `after` for the next page.")


class ReasonIn(Schema):
    reason: LongText = ""


class MissingIn(Schema):
    name: _text(300, 1)
    note: Line = ""


class SupplementRequestIn(Schema):
    missing: list[MissingIn] = Field(max_length=200)
    new_fact: LongText = ""
    reason: LongText = ""


class SuspendIn(Schema):
    kind: SuspensionValue
    reason: LongText = ""


class ExtendIn(Schema):
    days: int = Field(ge=1, le=3650, description="Working days to add.")
    reason: LongText = ""
    approved_by: Id = Field(description="The user id of the department head who approved.")


class NoteIn(Schema):
    note: LongText = ""


class DenyIn(Schema):
    reason: LongText = ""
    legal_basis: LongText = ""
