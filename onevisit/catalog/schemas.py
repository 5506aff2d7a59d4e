"""Schemas of the catalog API (`api.py`): filters, inputs and outputs."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from onevisit.core.schemas import AUTH_ERRORS, ErrorOut
from onevisit.orgs.schemas import ID_MAX, LevelValue, OrganizationRef, RegionRef

from .choices import (
    CaseType,
    EventKind,
    FormFieldType,
    MaterialForm,
    MaterialSource,
    OnlineDepth,
    OriginalOrCopy,
    ResultType,
    ServiceObject,
)

READ_ERRORS = {**AUTH_ERRORS, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, **AUTH_ERRORS, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _text(max_length: int, min_length: int = 0):
    return Annotated[
        str, Field(pattern=r"^[^\x00]*$", max_length=max_length, min_length=min_length)
    ]


Line = _text(300)
LongText = _text(4000)
CategoryCode = Literal[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20]
Days = Annotated[int, Field(ge=0, le=3650)]
DateParam = Annotated[
    datetime.date, Field(ge=datetime.date(1900, 1, 1), le=datetime.date(2999, 12, 31))
]


def _literal(choices) -> type:
    return Literal[tuple(choices.values)]  # type: ignore[valid-type]


ServiceObjectValue = _literal(ServiceObject)
CaseTypeValue = _literal(CaseType)
OnlineDepthValue = _literal(OnlineDepth)
ResultTypeValue = _literal(ResultType)
MaterialFormValue = _literal(MaterialForm)
OriginalOrCopyValue = _literal(OriginalOrCopy)
MaterialSourceValue = _literal(MaterialSource)
EventKindValue = _literal(EventKind)
FormFieldTypeValue = _literal(FormFieldType)


# --- schemas ---------------------------------------------------------------------------
class ItemFilters(Schema):
    region: str | None = Field(None, pattern=r"^[0-9]{2,12}$", description="Region code (subtree).")
    organization: int | None = Field(
        None, ge=1, le=ID_MAX, description="Implementing organization."
    )
    duty: int | None = Field(None, ge=1, le=ID_MAX, description="The duty implemented.")
    type: CategoryCode | None = Field(None, description="Item type: 1–10 or 20.")
    case_type: CaseTypeValue | None = None
    online: bool | None = None
    max_visits: int | None = Field(None, ge=0, le=20, description="At most this many visits.")
    q: _text(100) | None = Field(None, description="Part of a code or of the name.")
    on: DateParam | None = Field(None, description="The day whose versions count (default today).")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


class OnFilter(Schema):
    on: DateParam | None = Field(None, description="The day whose versions count (default today).")


class FormFieldIO(Schema):
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
    label_en: _text(200) = ""
    label_zh: _text(200) = ""
    type: FormFieldTypeValue = "text"
    required: bool = False


class FeeItemIO(Schema):
    name: _text(300, 1)
    standard: LongText = ""
    legal_basis: LongText = ""
    reduction: LongText = ""


class FaqIO(Schema):
    question: _text(2000, 1)
    answer: _text(2000) = ""


class MaterialOut(Schema):
    id: int
    position: int
    name: str
    required: bool | None
    form: str
    original_or_copy: str
    copies: int
    paper_size: str
    source: str
    source_item: int | None
    licence_type: str
    source_explanation: str
    blank_form: str
    example: str
    filling_notes: str
    acceptance_standard: str
    basis: str
    shortfall_allowed: bool


class VersionBrief(Schema):
    id: int
    number: int
    state: str
    name: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None


class VersionOut(VersionBrief):
    item_id: int
    type_code: int
    legal_limit: int | None
    promised_limit: int | None
    limit_note: str
    case_type: str
    onsite_visits: int
    onsite_reason: str
    online: bool
    online_depth: str
    express_delivery: bool
    appointment: bool
    self_service: bool
    in_service_hall: bool
    fee: bool
    fee_items: list[FeeItemIO]
    conditions: str
    procedure: str
    place: str
    hours: str
    consultation: str
    complaint: str
    result_name: str
    result_type: str
    form_fields: list[FormFieldIO]
    faqs: list[FaqIO]
    no_materials: bool
    materials: list[MaterialOut]


class ItemOut(Schema):
    id: int
    catalog_code: str
    local_code: str
    implementation_code: str
    duty_id: int
    duty_code: str
    organization: OrganizationRef
    region: RegionRef
    level: str
    service_object: str
    retired_on: datetime.date | None
    live: VersionBrief | None


class ItemPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ItemOut]


class ItemDetailOut(ItemOut):
    live_version: VersionOut | None
    versions: list[VersionBrief]
    may_change: bool


class ItemIn(Schema):
    duty_id: int = Field(..., ge=1, le=ID_MAX)
    organization_id: int = Field(..., ge=1, le=ID_MAX)
    catalog_code: Annotated[str, Field(pattern=r"^[0-9A-Za-z]{12}$")]
    implementation_code: _text(64, 1)
    local_code: _text(40) = ""
    level: LevelValue | None = None
    service_object: ServiceObjectValue = "person"


class VersionChangesIn(Schema):
    valid_from: DateParam | None = None
    name: _text(300, 1) | None = None
    type_code: CategoryCode | None = None
    legal_limit: Days | None = None
    promised_limit: Days | None = None
    limit_note: LongText | None = None
    case_type: CaseTypeValue | Literal[""] | None = None
    onsite_visits: int | None = Field(None, ge=0, le=20)
    onsite_reason: LongText | None = None
    online: bool | None = None
    online_depth: OnlineDepthValue | None = None
    express_delivery: bool | None = None
    appointment: bool | None = None
    self_service: bool | None = None
    in_service_hall: bool | None = None
    fee: bool | None = None
    fee_items: list[FeeItemIO] | None = Field(None, max_length=50)
    conditions: LongText | None = None
    procedure: LongText | None = None
    place: LongText | None = None
    hours: LongText | None = None
    consultation: LongText | None = None
    complaint: LongText | None = None
    result_name: Line | None = None
    result_type: ResultTypeValue | Literal[""] | None = None
    form_fields: list[FormFieldIO] | None = Field(None, max_length=200)
    faqs: list[FaqIO] | None = Field(None, max_length=100)
    no_materials: bool | None = None


#: Fields that may be set to null (the others: null means "leave as is").
_NULLABLE = {"valid_from", "legal_limit", "promised_limit"}


def changes_of(payload: VersionChangesIn | None) -> dict:
    if payload is None:
        return {}
    data = payload.dict(exclude_unset=True)
    return {k: v for k, v in data.items() if v is not None or k in _NULLABLE}


class DraftIn(Schema):
    blank: bool = Field(False, description="Start empty instead of copying the latest version.")
    changes: VersionChangesIn | None = None


class PublishIn(Schema):
    valid_from: DateParam | None = Field(None, description="Default: the draft's date, or today.")


class RetireIn(Schema):
    date: DateParam | None = None
    reason: LongText = ""


class MaterialIn(Schema):
    name: _text(300, 1)
    required: bool | None = None
    form: MaterialFormValue | Literal[""] = ""
    original_or_copy: OriginalOrCopyValue | Literal[""] = ""
    copies: int = Field(1, ge=1, le=99)
    paper_size: _text(20) = ""
    source: MaterialSourceValue | Literal[""] = ""
    source_item_id: int | None = Field(None, ge=1, le=ID_MAX)
    licence_type: _text(64) = ""
    source_explanation: LongText = ""
    blank_form: Line = ""
    example: Line = ""
    filling_notes: LongText = ""
    acceptance_standard: LongText = ""
    basis: LongText = ""
    shortfall_allowed: bool = False
    position: int | None = Field(None, ge=0, le=1000)


class BundleOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    event_kind: str
    description: str
    region: RegionRef
    published: bool


class BundleEntryOut(Schema):
    item_id: int
    implementation_code: str
    organization: OrganizationRef
    version: VersionBrief | None
    promised_limit: int | None


class BundleFieldOut(FormFieldIO):
    items: list[int]


class BundleMaterialOut(Schema):
    name: str
    source: str
    required: bool
    shortfall_allowed: bool
    form: str
    items: list[int]


class BundleDetailOut(BundleOut):
    on: datetime.date
    items: list[BundleEntryOut]
    missing: list[int]
    form: list[BundleFieldOut]
    materials: list[BundleMaterialOut]
    promised_limit: int | None


class BundleIn(Schema):
    region: str = Field(..., pattern=r"^[0-9]{2,12}$")
    code: _text(40, 1)
    name: _text(200, 1)
    name_en: _text(200) = ""
    event_kind: EventKindValue
    description: LongText = ""


class BundleItemIn(Schema):
    item_id: int = Field(..., ge=1, le=ID_MAX)
    position: int | None = Field(None, ge=0, le=1000)


class BundleFilters(Schema):
    region: str | None = Field(None, pattern=r"^[0-9]{2,12}$")
