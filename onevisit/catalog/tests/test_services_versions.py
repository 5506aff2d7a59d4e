"""Items and their versions: windows never overlap, published versions never change, the
completeness check names every gap, and a case keeps the version of its day."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from onevisit.catalog import selectors, services
from onevisit.catalog.choices import CaseType, MaterialSource, VersionState
from onevisit.catalog.models import Material, ServiceItemVersion
from onevisit.core.audit import verify_chain
from onevisit.core.errors import Conflict, Forbidden, ValidationFailed
from onevisit.core.models import AuditEntry, Role
from onevisit.testing import catalog_factories as cf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date


def test_create_needs_the_duty_held_and_a_12_character_code():
    county = df.county()
    org = f.organization(name="桐庐县市场监督管理局", region=county)
    duty = df.local_item(region=county)
    with pytest.raises(ValidationFailed) as exc:
        services.service_item_create(
            actor=None,
            duty=duty,
            organization=org,
            catalog_code="330000000001",
            implementation_code="X-1",
        )
    assert exc.value.code == "duty_not_held"
    df.assign(duty, org)
    with pytest.raises(ValidationFailed) as exc:
        services.service_item_create(
            actor=None, duty=duty, organization=org, catalog_code="3300", implementation_code="X-1"
        )
    assert exc.value.code == "invalid_catalog_code"
    item = services.service_item_create(
        actor=None,
        duty=duty,
        organization=org,
        catalog_code="330000000001",
        implementation_code="X-1",
    )
    assert (item.level, item.region) == (org.level, county)
    with pytest.raises(Conflict):
        services.service_item_create(
            actor=None,
            duty=duty,
            organization=org,
            catalog_code="330000000001",
            implementation_code="X-1",
        )


def test_publish_end_dates_the_previous_version_and_windows_never_overlap():
    item, v1 = cf.published_item(valid_from=D(2020, 1, 1))
    assert (v1.state, v1.valid_from, v1.valid_to) == (VersionState.PUBLISHED, D(2020, 1, 1), None)
    v2 = cf.draft(item, promised_limit=3)
    assert v2.number == 2 and v2.promised_limit == 3
    assert [m.name for m in v2.materials.all()] == ["申请表"]  # copied from v1
    cf.publish(v2, valid_from=D(2024, 3, 1))
    v1.refresh_from_db()
    assert v1.valid_to == D(2024, 3, 1) and v1.state == VersionState.PUBLISHED
    # A third version cannot start on or before the second's start.
    v3 = cf.draft(item)
    with pytest.raises(Conflict) as exc:
        cf.publish(v3, valid_from=D(2024, 3, 1))
    assert exc.value.code == "overlap"
    cf.publish(v3, valid_from=D(2025, 1, 1))
    windows = list(
        ServiceItemVersion.objects.filter(item=item)
        .order_by("valid_from")
        .values_list("valid_from", "valid_to")
    )
    assert windows == [
        (D(2020, 1, 1), D(2024, 3, 1)),
        (D(2024, 3, 1), D(2025, 1, 1)),
        (D(2025, 1, 1), None),
    ]


def test_a_case_keeps_the_version_of_its_day():
    item, v1 = cf.published_item(valid_from=D(2020, 1, 1), promised_limit=10)
    v2 = cf.publish(cf.draft(item, promised_limit=2), valid_from=D(2024, 1, 1))
    filed_on = D(2023, 12, 31)  # a case filed the day before v2
    assert selectors.live_version(item, on=filed_on) == v1
    assert selectors.live_version(item, on=D(2024, 1, 1)) == v2
    assert selectors.live_version(item, on=D(2019, 12, 31)) is None
    cf.publish(cf.draft(item, promised_limit=1), valid_from=D(2025, 6, 1))
    assert selectors.live_version(item, on=filed_on).promised_limit == 10


def test_the_same_draft_published_twice_is_refused():
    item = cf.service_item()
    draft = cf.draft(item, **cf.COMPLETE)
    cf.material(draft, "申请表")
    stale = ServiceItemVersion.objects.get(pk=draft.pk)
    cf.publish(draft, valid_from=D(2020, 1, 1))
    with pytest.raises(Conflict) as exc:
        cf.publish(stale, valid_from=D(2021, 1, 1))  # a second request with the old copy
    assert exc.value.code == "version_published"
    assert ServiceItemVersion.objects.filter(item=item, valid_to__isnull=True).count() == 1


def test_one_draft_and_one_open_version_are_held_by_the_database():
    item, v1 = cf.published_item()
    cf.draft(item)
    with pytest.raises(Conflict):
        cf.draft(item)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItemVersion.objects.create(
            item=item, number=9, state=VersionState.DRAFT, name="x", type_code=1
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItemVersion.objects.create(
            item=item,
            number=10,
            state=VersionState.PUBLISHED,
            name="x",
            type_code=1,
            valid_from=D(2030, 1, 1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItemVersion.objects.filter(pk=v1.pk).update(onsite_visits=1, onsite_reason="")


def test_a_published_version_never_changes():
    item, v1 = cf.published_item()
    with pytest.raises(Conflict) as exc:
        services.service_item_version_update(actor=None, version=v1, changes={"name": "改名"})
    assert exc.value.code == "version_published"
    with pytest.raises(Conflict):
        cf.material(v1, "新材料")
    with pytest.raises(Conflict):
        services.material_remove(actor=None, material=v1.materials.get())
    v1.refresh_from_db()
    assert v1.name != "改名" and v1.materials.count() == 1


def test_completeness_lists_every_missing_piece():
    item = cf.service_item()
    draft = cf.draft(item, onsite_visits=0)
    cf.material(draft, "身份证明", required=None, form="", source="")
    cf.material(draft, "营业执照", source=MaterialSource.ELECTRONIC_LICENCE, licence_type="bl")
    with pytest.raises(services.Incomplete) as exc:
        cf.publish(draft)
    problems = exc.value.problems
    text = " | ".join(problems)
    assert "case type" in text
    assert "legal time limit" in text
    assert "promised time limit" in text
    assert "result name" in text
    assert any(
        "身份证明" in p and "required" in p and "form" in p and "source" in p for p in problems
    )
    assert not any("营业执照" in p for p in problems)
    assert exc.value.code == "incomplete" and all(p in exc.value.message for p in problems)
    # Limits: promised within legal, and more than 0 unless the item is immediate.
    services.service_item_version_update(
        actor=None,
        version=draft,
        changes={"legal_limit": 5, "promised_limit": 0, "case_type": CaseType.PROMISED},
    )
    with pytest.raises(services.Incomplete) as exc:
        cf.publish(draft)
    assert any("promised item" in p for p in exc.value.problems)
    with pytest.raises(ValidationFailed):
        services.service_item_version_update(
            actor=None, version=draft, changes={"promised_limit": 6}
        )


def test_no_materials_must_be_declared_and_onsite_visits_need_a_reason():
    item = cf.service_item()
    draft = cf.draft(item, **cf.COMPLETE)
    with pytest.raises(services.Incomplete) as exc:
        cf.publish(draft)
    assert any("no material" in p for p in exc.value.problems)
    with pytest.raises(ValidationFailed) as exc:
        services.service_item_version_update(
            actor=None, version=draft, changes={"onsite_visits": 1}
        )
    assert exc.value.code == "onsite_reason_required"
    services.service_item_version_update(
        actor=None,
        version=draft,
        changes={"onsite_visits": 1, "onsite_reason": "需现场核验原件", "no_materials": True},
    )
    published = cf.publish(draft)
    assert published.onsite_visits == 1 and published.no_materials


def test_immediate_items_may_promise_zero_days():
    item, version = cf.published_item(case_type=CaseType.IMMEDIATE, promised_limit=0)
    assert version.promised_limit == 0


def test_material_sources_are_consistent():
    item = cf.service_item()
    other, _ = cf.published_item()
    draft = cf.draft(item, **cf.COMPLETE)
    with pytest.raises(ValidationFailed):
        cf.material(draft, "营业执照", source=MaterialSource.ELECTRONIC_LICENCE)
    with pytest.raises(ValidationFailed):
        cf.material(draft, "规划许可证", source=MaterialSource.ISSUED_BY_ITEM)
    with pytest.raises(ValidationFailed):
        cf.material(draft, "自己", source=MaterialSource.ISSUED_BY_ITEM, source_item=item)
    m = cf.material(draft, "规划许可证", source=MaterialSource.ISSUED_BY_ITEM, source_item=other)
    assert m.source_item == other
    with pytest.raises(Conflict):
        cf.material(draft, " 规划许可证 ")
    with pytest.raises(IntegrityError), transaction.atomic():
        Material.objects.filter(pk=m.pk).update(source_item=None)


def test_draft_blank_or_copy_and_remove_material():
    item, v1 = cf.published_item(
        materials=["申请表", "身份证"],
        form_fields=[
            {"key": "applicant_name", "label_zh": "申请人姓名", "type": "text", "required": True}
        ],
    )
    copy = cf.draft(item)
    assert copy.form_fields == v1.form_fields and copy.legal_limit == v1.legal_limit
    services.material_remove(actor=None, material=copy.materials.get(name="身份证"))
    assert [m.name for m in copy.materials.all()] == ["申请表"]
    assert v1.materials.count() == 2
    services.service_item_retire(actor=None, item=item, date=D(2030, 1, 1))  # drops the draft
    assert not ServiceItemVersion.objects.filter(pk=copy.pk).exists()


def test_retire_ends_the_last_version():
    item, v1 = cf.published_item(valid_from=D(2020, 1, 1))
    services.service_item_retire(actor=None, item=item, date=D(2024, 1, 1), reason="取消")
    v1.refresh_from_db()
    assert (v1.state, v1.valid_to) == (VersionState.RETIRED, D(2024, 1, 1))
    assert selectors.live_version(item, on=D(2023, 12, 31)) == v1
    assert selectors.live_version(item, on=D(2024, 1, 1)) is None
    with pytest.raises(Conflict):
        cf.draft(item)
    with pytest.raises(Conflict):
        services.service_item_retire(actor=None, item=item)


def test_form_fields_are_checked():
    item = cf.service_item()
    with pytest.raises(ValidationFailed):
        cf.draft(item, form_fields=[{"key": "Bad Key", "label_zh": "x"}])
    with pytest.raises(ValidationFailed):
        cf.draft(item, form_fields=[{"key": "a", "label_zh": "x"}, {"key": "a", "label_zh": "y"}])
    with pytest.raises(ValidationFailed):
        cf.draft(item, form_fields=[{"key": "a", "label_zh": "x", "type": "blob"}])
    with pytest.raises(ValidationFailed):
        cf.draft(item, colour="red")


def test_writes_are_scoped_and_audited():
    county = df.county()
    item, v1 = cf.published_item(item=cf.service_item(region=county))
    stranger = f.UserFactory()
    f.grant(
        stranger, Role.DEPARTMENT_HEAD, region=county, organization=f.organization(region=county)
    )
    with pytest.raises(Forbidden):
        cf.draft(item, actor=stranger)
    head = f.UserFactory()
    f.grant(head, Role.DEPARTMENT_HEAD, region=county, organization=item.organization)
    draft = cf.draft(item, actor=head)
    cf.publish(draft, valid_from=D(2025, 1, 1), actor=f.officer(county))
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "service_item.create",
        "service_item.version_draft",
        "service_item.material_add",
        "service_item.version_publish",
    } <= actions
    assert verify_chain() is None
