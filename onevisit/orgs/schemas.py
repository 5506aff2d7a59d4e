"""API schemas of the institutional registry (typed, so /api/openapi.json is complete)."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from ninja import Field, Schema

#: Ids are positive and fit a 64-bit integer, so no lookup overflows the database.
ID_MAX = 2**63 - 1
#: Text without NUL characters (PostgreSQL refuses them in strings).
Text = Annotated[str, Field(pattern=r"^[^\x00]*$")]

OrgKindValue = Literal[
    "party_organ",
    "government_department",
    "directly_affiliated",
    "department_managed",
    "public_institution",
    "enforcement_body",
    "township_government",
]
LevelValue = Literal["province", "city", "county", "township"]
CategoryValue = Literal["administrative", "political_legal", "public_institution", "service_staff"]
FundingValue = Literal["", "full", "partial", "self"]
PostRankValue = Literal["", "head", "deputy"]


class OrganizationFilters(Schema):
    region: str | None = Field(
        None, pattern=r"^[0-9]{2,12}$", description="Region code; its whole subtree."
    )
    level: LevelValue | None = None
    kind: OrgKindValue | None = None
    q: Text | None = Field(
        None, max_length=100, description="Part of the name (Chinese or English)."
    )
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


class RegionRef(Schema):
    code: str
    name: str


class OrganizationRef(Schema):
    id: int
    name: str


class OrganizationOut(Schema):
    id: int
    name: str
    name_en: str
    kind: str
    kind_label: str
    institution_class: str
    region: RegionRef
    level: str
    managing_organization: OrganizationRef | None
    credit_code: str | None
    valid_from: datetime.date
    valid_to: datetime.date | None


class OrganizationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[OrganizationOut]


class InternalBodyOut(Schema):
    id: int
    position: int
    name: str
    duties: str


class QuotaLineOut(Schema):
    category: str
    category_label: str
    funding_type: str
    approved: int


class PostLineOut(Schema):
    rank: str
    rank_label: str
    approved: int


class CharterOut(Schema):
    id: int
    organization: OrganizationRef
    document_number: str
    effective_date: datetime.date
    functions: list[str]
    internal_bodies: list[InternalBodyOut]
    quotas: list[QuotaLineOut]
    posts: list[PostLineOut]


class QuotaRowOut(Schema):
    category: str
    category_label: str
    funding_type: str
    approved: int
    actual: int
    vacant: int


class PostRowOut(Schema):
    rank: str
    rank_label: str
    approved: int
    actual: int
    vacant: int


class QuotasOut(Schema):
    organization: OrganizationRef
    quotas: list[QuotaRowOut]
    posts: list[PostRowOut]
    approved: int
    actual: int
    vacant: int


class AppointmentOut(Schema):
    id: int
    organization: OrganizationRef
    person_id: int
    name: str
    identity_number: str = Field(description="In full only for roles that need it; else masked.")
    category: str
    funding_type: str
    internal_body: InternalBodyOut | None
    post_rank: str
    start_date: datetime.date
    end_date: datetime.date | None
    end_reason: str
    document_number: str


class StaffOut(Schema):
    organization: OrganizationRef
    count: int
    items: list[AppointmentOut]


class AppointmentIn(Schema):
    organization_id: int = Field(ge=1, le=ID_MAX)
    identity_number: Text = Field(
        max_length=32,
        description="Resident identity number (公民身份号码), 18 characters with check digit.",
        examples=["330122198001010013"],
    )
    name: Text = Field(max_length=100, examples=["张三"])
    category: CategoryValue
    funding_type: FundingValue = ""
    internal_body_id: int | None = Field(None, ge=1, le=ID_MAX)
    post_rank: PostRankValue = ""
    start_date: datetime.date | None = None
    document_number: Text = Field("", max_length=100)


class AppointmentEndIn(Schema):
    end_date: datetime.date | None = None
    reason: Text = Field("", max_length=200)
    document_number: Text = Field("", max_length=100)


class AppointmentTransferIn(Schema):
    to_organization_id: int = Field(ge=1, le=ID_MAX)
    category: CategoryValue
    funding_type: FundingValue = ""
    internal_body_id: int | None = Field(None, ge=1, le=ID_MAX)
    post_rank: PostRankValue = ""
    transfer_date: datetime.date | None = None
    document_number: Text = Field("", max_length=100)
