"""Helpers for the licence vault in tests, through the services.

lt = licence_type(items=[item])              # approving `item` now issues a licence
lic = issue(lt, applicant, org)              # a licence issued directly (a legacy import)
doc = lic.exported()                         # what a holder downloads
"""

from __future__ import annotations

import datetime
import itertools

from onevisit.licences import services
from onevisit.licences.choices import HolderKind
from onevisit.licences.models import Licence, LicenceType

_serial = itertools.count(1)

#: A schema most tests use: one required field from the form, the holder's name.
FIELDS = [
    {"key": "holder_name", "label_zh": "姓名", "label_en": "Name", "required": True},
    {"key": "subject", "label_zh": "事项", "label_en": "Subject", "required": False},
]


def licence_type(*, code: str | None = None, items=(), fields=None, **kwargs) -> LicenceType:
    lt = LicenceType.objects.create(
        code=code or f"licence-{next(_serial)}",
        name=kwargs.pop("name", "测试证照"),
        name_en=kwargs.pop("name_en", "Test licence"),
        holder_kind=kwargs.pop("holder_kind", HolderKind.ANY),
        fields=FIELDS if fields is None else fields,
        **kwargs,
    )
    lt.items.set(items)
    return lt


def issue(
    lt: LicenceType, holder, organization, *, values=None, on: datetime.date | None = None
) -> Licence:
    return services.licence_issue(
        actor=None,
        licence_type=lt,
        holder=holder,
        organization=organization,
        values=values or {"subject": "测试"},
        issued_on=on or datetime.date(2026, 3, 2),
    )
