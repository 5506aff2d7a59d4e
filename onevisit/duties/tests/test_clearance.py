"""Clearance of public institutions: administrative powers, business type, dormant, merges."""

import pytest

from onevisit.duties.choices import DutyCategory
from onevisit.duties.clearance import clearance_report
from onevisit.orgs.choices import InstitutionClass, OrgKind, QuotaCategory
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

from ._analysis_world import bureau, county, item

pytestmark = pytest.mark.django_db

PI_QUOTA = [(QuotaCategory.PUBLIC_INSTITUTION, "full", 5)]


def institution(name, functions, klass=InstitutionClass.WELFARE_1, staffed=True, region=None):
    org = f.organization(
        name=name,
        region=region or county(),
        functions=functions,
        kind=OrgKind.PUBLIC_INSTITUTION,
        institution_class=klass,
        quotas=PI_QUOTA,
    )
    if staffed:
        f.appoint(org, category=QuotaCategory.PUBLIC_INSTITUTION, funding_type="full")
    return org


def _ids(entries):
    return {e.organization_id for e in entries}


def test_institutions_holding_administrative_powers():
    holder = institution("桐庐县城市管理服务中心", ["市容管理"])
    classed = institution("桐庐县交通运输执法中心", ["交通执法"], InstitutionClass.ADMINISTRATIVE)
    delegated = institution("桐庐县农业技术推广中心", ["农技推广"])
    service = institution("桐庐县图书馆", ["图书借阅"])
    df.assign(item("户外广告处罚", "市容管理", category=DutyCategory.PENALTY), holder)
    inspection = item("农药检查", "农技推广", category=DutyCategory.INSPECTION)
    df.assign(inspection, delegated, delegated=True)
    df.assign(item("图书借阅服务", "图书借阅", category=DutyCategory.PUBLIC_SERVICE), service)
    dept = bureau("桐庐县市场监督管理局", ["市场监管"])
    df.assign(item("食品经营许可", "市场监管"), dept)
    report = clearance_report(region=county())
    assert _ids(report.administrative) == {holder.id, classed.id}
    entry = next(e for e in report.administrative if e.organization_id == holder.id)
    assert "户外广告处罚" in entry.evidence_zh[0] and "without delegation" in entry.evidence_en[0]


def test_business_type_institutions():
    shop = institution("桐庐县印刷厂", ["印刷经营"], InstitutionClass.BUSINESS)
    institution("桐庐县图书馆", ["图书借阅"])
    report = clearance_report(region=county())
    assert _ids(report.business) == {shop.id}
    assert "生产经营类" in report.business[0].evidence_zh[0]


def test_dormant_institutions_have_no_staff_or_no_duties():
    empty = institution("桐庐县档案服务中心", ["档案服务"], staffed=False)
    idle = institution("桐庐县信息中心", ["信息化建设"])
    active = institution("桐庐县图书馆", ["图书借阅"])
    for org, name in ((empty, "档案查询"), (active, "图书借阅服务")):
        df.assign(item(name, org.name, category=DutyCategory.PUBLIC_SERVICE), org)
    report = clearance_report(region=county())
    assert _ids(report.dormant) == {empty.id, idle.id}
    evidence = {e.organization_id: e.evidence_en for e in report.dormant}
    assert evidence[empty.id] == ["No staff on the payroll."]
    assert evidence[idle.id] == ["Holds no duty on any list."]


def test_merge_candidates_overlap_in_one_region():
    a = institution("桐庐县广播电视台", ["广播节目制作", "电视节目制作", "新闻采编"])
    b = institution("桐庐县新闻中心", ["新闻采编", "电视节目制作。", "网站运营"])
    institution("桐庐县图书馆", ["图书借阅", "新闻采编", "古籍保护", "阅读推广"])
    keqiao = df.county("330603", "柯桥区")
    institution("柯桥区广播电视台", ["广播节目制作", "电视节目制作", "新闻采编"], region=keqiao)
    report = clearance_report()
    assert [(m.first_id, m.second_id) for m in report.merge_candidates] == [(a.id, b.id)]
    candidate = report.merge_candidates[0]
    assert candidate.similarity == 0.5
    assert candidate.shared_functions == ["新闻采编", "电视节目制作"]


def test_government_departments_are_not_in_the_clearance():
    dept = bureau("桐庐县市场监督管理局", ["市场监管"])
    df.assign(item("食品经营许可", "市场监管"), dept)
    report = clearance_report(region=county())
    assert report.counts() == {
        "administrative": 0,
        "business": 0,
        "dormant": 0,
        "merge_candidates": 0,
    }
