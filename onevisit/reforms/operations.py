"""The typed parameters of each reform operation.

An organization is referred to by its id (an existing organization) or by a key
("new:<name>") given to an organization the plan itself establishes earlier on.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

PositiveId = Annotated[int, Field(ge=1, le=2**62)]
NewKey = Annotated[str, Field(pattern=r"^new:[^\x00]{1,60}$")]
OrgRef = PositiveId | NewKey


class _Op(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuotaSpec(_Op):
    category: str
    funding_type: str = ""
    approved: int = Field(ge=0)


class Establish(_Op):
    """组建: a new organization with its first charter."""

    kind: Literal["establish"] = "establish"
    key: str = Field(pattern=r"^new:.+")
    name: str = Field(min_length=1, max_length=200)
    name_en: str = ""
    org_kind: str
    institution_class: str = ""
    region: str
    level: str
    managing_organization: OrgRef | None = None
    credit_code: str = Field("", max_length=18)
    functions: list[str] = []
    internal_bodies: list[tuple[str, str]] = []
    quotas: list[QuotaSpec] = []
    posts: dict[str, int] = {}


class Abolish(_Op):
    """撤销: staff and functions must each be sent somewhere, or functions abolished explicitly."""

    kind: Literal["abolish"] = "abolish"
    organization: OrgRef
    staff_to: OrgRef | None = None
    functions_to: OrgRef | None = None
    functions_abolished: bool = False


class Merge(_Op):
    """合并: sources go into `into` (an existing organization, or one established above).

    Staff, functions, quotas and leadership posts move to the target; sources are abolished.
    """

    kind: Literal["merge"] = "merge"
    sources: list[OrgRef] = Field(min_length=1)
    into: OrgRef


class SplitPart(_Op):
    into: OrgRef
    functions: list[str] = []
    staff: list[PositiveId] = []
    quotas: list[QuotaSpec] = []


class Split(_Op):
    """分设: parts of the source go to other organizations; the source may be abolished."""

    kind: Literal["split"] = "split"
    source: OrgRef
    parts: list[SplitPart] = Field(min_length=1)
    abolish_source: bool = True


class Rename(_Op):
    """更名."""

    kind: Literal["rename"] = "rename"
    organization: OrgRef
    name: str = Field(min_length=1, max_length=200)
    name_en: str = ""


class TransferFunction(_Op):
    """职责划转."""

    kind: Literal["transfer_function"] = "transfer_function"
    source: OrgRef
    target: OrgRef
    function: str = Field(min_length=1)


class TransferQuota(_Op):
    """编制划转."""

    kind: Literal["transfer_quota"] = "transfer_quota"
    source: OrgRef
    target: OrgRef
    category: str
    funding_type: str = ""
    count: int = Field(gt=0)


class ChangePosts(_Op):
    """领导职数调整."""

    kind: Literal["change_posts"] = "change_posts"
    organization: OrgRef
    rank: str
    approved: int = Field(ge=0)


class Reclassify(_Op):
    """事业单位分类调整."""

    kind: Literal["reclassify"] = "reclassify"
    organization: OrgRef
    institution_class: str


class MoveStaff(_Op):
    """人员划转: named people move to the target in the given quota category."""

    kind: Literal["move_staff"] = "move_staff"
    source: OrgRef
    target: OrgRef
    people: list[PositiveId] = Field(min_length=1)
    category: str
    funding_type: str = ""


Operation = Annotated[
    Establish
    | Abolish
    | Merge
    | Split
    | Rename
    | TransferFunction
    | TransferQuota
    | ChangePosts
    | Reclassify
    | MoveStaff,
    Field(discriminator="kind"),
]
OPERATION = TypeAdapter(Operation)


def _without_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, dict):
        return all(_without_nul(k) and _without_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_without_nul(v) for v in value)
    return True


def parse_operation(kind: str, payload: dict) -> Operation:
    """Validate an operation's parameters (raises pydantic.ValidationError or ValueError)."""
    if not isinstance(payload, dict) or not _without_nul(payload):
        raise ValueError("parameters must be an object without NUL characters")
    return OPERATION.validate_python({**payload, "kind": kind})
