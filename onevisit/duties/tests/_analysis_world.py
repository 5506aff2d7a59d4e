"""A small hand-built registry for the analyzer's tests: Zhejiang › Hangzhou › Tonglu."""

from __future__ import annotations

import datetime

from onevisit.duties.choices import DutyCategory
from onevisit.regions.models import Level
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

LAW = [("中华人民共和国行政许可法", "第十二条", "")]
TODAY = datetime.date.today()


def county():
    return df.county("330122", "桐庐县")


def bureau(name: str, functions: list[str], **kwargs):
    return f.organization(name=name, region=county(), functions=functions, **kwargs)


def item(name: str, function: str = "", *, levels=None, category=DutyCategory.LICENSING, **kw):
    """A base-catalog item with a legal basis (so that only the fault under test shows)."""
    kw.setdefault("legal_bases", LAW)
    return df.base_item(
        name=name, function=function, levels=levels or [Level.COUNTY], category=category, **kw
    )


def codes(found, code: str) -> list:
    return [x for x in found if x.code == code]


def keys(found, code: str) -> set[str]:
    return {x.key for x in found if x.code == code}
