"""Services of the lists: deriving from the base catalog, local additions, bulk creation,
assign / move / end, and who may write."""

import datetime

import pytest

from onevisit.core.errors import Conflict, Forbidden, ValidationFailed
from onevisit.core.models import AuditEntry
from onevisit.duties import selectors, services
from onevisit.duties.choices import DutyCategory
from onevisit.duties.models import Duty, DutyAssignment
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

PLANNING = ("中华人民共和国城乡规划法", "第四十条", "第一款")


@pytest.fixture
def county():
    return df.county()


@pytest.fixture
def catalog():
    return [
        df.base_item("330000001000", "建设工程规划许可证核发", legal_bases=[PLANNING]),
        df.base_item(
            "330000002000",
            "对未取得施工许可证擅自施工的行政处罚",
            DutyCategory.PENALTY,
            ["county", "township"],
            [("中华人民共和国建筑法", "第六十四条", "")],
            "查处违法建设",
        ),
    ]


def _spec(code="L-1", name="本地事项", **kw):
    return services.DutySpec(code=code, name=name, category=1, levels=["county"], **kw)


def test_derive_copies_the_base_items(county, catalog):
    officer = f.officer(county)
    derived = services.duty_list_derive(actor=officer, region=county)
    assert [(d.code, d.base_id) for d in derived] == [(b.code, b.pk) for b in catalog]
    penalty = Duty.objects.get(region=county, code="330000002000")
    assert (penalty.name, penalty.category, penalty.levels, penalty.function) == (
        "对未取得施工许可证擅自施工的行政处罚",
        DutyCategory.PENALTY,
        ["county", "township"],
        "查处违法建设",
    )
    assert [str(b) for b in penalty.legal_bases.all()] == ["中华人民共和国建筑法 第六十四条"]
    assert not penalty.is_base_catalog and penalty.local_reason == ""
    assert AuditEntry.objects.filter(action="duty.create", actor=officer).count() == 2
    # Deriving again adds nothing; a chosen subset works.
    assert services.duty_list_derive(actor=officer, region=county) == []
    other = df.county("330183", "富阳区")
    one = services.duty_list_derive(actor=None, region=other, base_items=[catalog[0]])
    assert [d.code for d in one] == ["330000001000"]


def test_list_marks_base_derived_and_local(county, catalog):
    services.duty_list_derive(actor=None, region=county, base_items=[catalog[0]])
    df.local_item("330122-QT-0001", "农家乐经营户备案", local_reason="本县民宿产业")
    marks = {d.code: d.provenance for d in selectors.duty_list(user=None, region=county)}
    assert marks == {"330000001000": "derived", "330122-QT-0001": "local"}
    base = {d.code: d.provenance for d in selectors.base_catalog(user=None, region=county)}
    assert set(base.values()) == {"base_catalog"}


def test_only_the_region_establishment_office_writes(county, catalog):
    elsewhere = f.officer(df.county("330183", "富阳区"))
    with pytest.raises(Forbidden):
        services.duty_list_derive(actor=elsewhere, region=county)
    with pytest.raises(Forbidden):
        services.duty_create(actor=elsewhere, region=county, spec=_spec(), local_reason="x")
    provincial = f.officer(df.province())
    assert services.duty_create(actor=provincial, region=county, spec=_spec(), local_reason="x")


def test_local_addition_needs_its_reason(county):
    with pytest.raises(ValidationFailed) as exc:
        services.duty_create(actor=None, region=county, spec=_spec(), local_reason="  ")
    assert exc.value.code == "reason_required"
    duty = services.duty_create(actor=None, region=county, spec=_spec(), local_reason="本县特有")
    assert duty.local_reason == "本县特有" and duty.base is None


def test_base_must_be_of_the_province_catalog(county, catalog):
    local = df.local_item("L-9", "本地")
    with pytest.raises(ValidationFailed) as exc:
        services.duty_create(actor=None, region=county, spec=_spec("L-2"), base=local)
    assert exc.value.code == "invalid_base"
    other_province = df.base_item("X1", "外省事项", region=df.province("32", "江苏省"))
    with pytest.raises(ValidationFailed):
        services.duty_create(actor=None, region=county, spec=_spec("L-3"), base=other_province)


def test_duplicate_code_is_a_conflict(county):
    df.local_item("330122-XK-0001", "一")
    with pytest.raises(Conflict) as exc:
        df.local_item("330122-XK-0001", "二")
    assert exc.value.code == "duplicate_code" and exc.value.status == 409
    # The same code on another region's list is fine.
    assert df.local_item("330122-XK-0001", "一", region=df.county("330183", "富阳区"))


def test_bulk_create_is_all_or_nothing(county):
    org = f.organization(name="桐庐县交通运输局", region=county)
    df.local_item("TAKEN", "已有")
    entries = [
        services.DutyEntry(spec=_spec("A"), local_reason="r", assignments=[
            services.AssignmentEntry(organization_id=org.pk)]),
        services.DutyEntry(spec=_spec("TAKEN"), local_reason="r"),
    ]  # fmt: skip
    with pytest.raises(Conflict):
        services.duty_bulk_create(actor=None, region=county, entries=entries)
    assert not Duty.objects.filter(code="A").exists()
    with pytest.raises(ValidationFailed):
        services.duty_bulk_create(
            actor=None, region=county, entries=[services.DutyEntry(spec=_spec("B"))]
        )
    made = services.duty_bulk_create(actor=None, region=county, entries=entries[:1])
    assert made[0].assignments.get().organization == org


def test_assign_move_end(county):
    officer = f.officer(county)
    planning = f.organization(name="桐庐县自然资源和规划局", region=county)
    construction = f.organization(name="桐庐县住房和城乡建设局", region=county)
    duty = df.local_item("330122-XK-0002", "乡村建设规划许可证核发")
    assignment = services.duty_assign(
        actor=officer, duty=duty, organization=planning, valid_from=datetime.date(2020, 1, 1)
    )
    assert (assignment.region, assignment.level, assignment.role) == (county, "county", "lead")
    with pytest.raises(Conflict):
        services.duty_assign(actor=officer, duty=duty, organization=planning)
    moved = services.duty_assignment_move(
        actor=officer,
        assignment=assignment,
        to_organization=construction,
        date=datetime.date(2024, 3, 1),
        legal_basis="桐编〔2024〕3号",
    )
    assignment.refresh_from_db()
    assert assignment.valid_to == datetime.date(2024, 3, 1)
    assert moved.organization == construction and moved.valid_from == datetime.date(2024, 3, 1)
    assert [a.organization for a in selectors.current_assignments(duty=duty)] == [construction]
    ended = services.duty_assignment_end(actor=officer, assignment=moved, reason="取消")
    assert ended.valid_to is not None
    with pytest.raises(Conflict):
        services.duty_assignment_end(actor=officer, assignment=moved)
    assert DutyAssignment.objects.filter(valid_to__isnull=True).count() == 0
    detail = selectors.duty_detail(user=None, pk=duty.pk)
    assert detail.assignments == []


def test_detail_groups_responsibilities_by_stage(county):
    duty = df.local_item(
        "330122-XK-0003",
        "建设工程规划许可证核发",
        legal_bases=[PLANNING],
        responsibilities={"decision": "依法作出决定", "acceptance": "受理申请"},
        accountability=["对不符合条件的申请人准予许可的"],
    )
    detail = selectors.duty_detail(user=None, pk=duty.pk)
    assert [s[0] for s in detail.responsibilities] == ["acceptance", "decision"]
    assert detail.accountability == ["对不符合条件的申请人准予许可的"]
    assert [(b.law, b.article, b.clause) for b in detail.legal_bases] == [PLANNING]
