""" "One thing" bundles: one form with each field once, each material once with the
strictest demand, and the combined promised limit of parallel processing."""

import datetime

import pytest

from onevisit.catalog import selectors, services
from onevisit.catalog.choices import CaseType, MaterialSource
from onevisit.core.errors import Conflict, Forbidden, ValidationFailed
from onevisit.testing import catalog_factories as cf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date
NAME = {"key": "applicant_name", "label_zh": "申请人姓名", "type": "text", "required": False}
PHONE = {"key": "phone", "label_zh": "联系电话", "type": "phone", "required": True}
AREA = {"key": "area", "label_zh": "经营面积", "type": "number", "required": True}


@pytest.fixture
def restaurant():
    """Opening a restaurant: a food licence (5 days), a hygiene licence (10 days), and a
    sign permit (immediate)."""
    food = cf.service_item()
    v = cf.draft(food, **{**cf.COMPLETE, "promised_limit": 5}, form_fields=[NAME, PHONE])
    cf.material(
        v, "营业执照", source=MaterialSource.ELECTRONIC_LICENCE, licence_type="bl", required=False
    )
    cf.material(v, "申请人身份证明", shortfall_allowed=True)
    cf.publish(v)
    hygiene = cf.service_item()
    v = cf.draft(
        hygiene,
        **{**cf.COMPLETE, "promised_limit": 10},
        form_fields=[{**NAME, "required": True}, AREA],
    )
    cf.material(v, "营业执照 ", source=MaterialSource.ELECTRONIC_LICENCE, licence_type="bl")
    cf.material(v, "申请人身份证明", shortfall_allowed=False)
    cf.material(v, "平面布局图")
    cf.publish(v)
    sign = cf.service_item()
    v = cf.draft(
        sign,
        **{**cf.COMPLETE, "case_type": CaseType.IMMEDIATE, "promised_limit": 0},
        form_fields=[PHONE],
    )
    cf.material(v, "营业执照", source=MaterialSource.APPLICANT)  # another source: asked apart
    cf.publish(v)
    return [food, hygiene, sign]


def test_bundle_form_materials_and_limit(restaurant):
    food, hygiene, sign = restaurant
    bundle = cf.bundle(restaurant, publish=True)
    form = selectors.bundle_form(bundle)
    assert [(x.key, x.required, x.items) for x in form] == [
        ("applicant_name", True, [food.pk, hygiene.pk]),
        ("phone", True, [food.pk, sign.pk]),
        ("area", True, [hygiene.pk]),
    ]
    materials = {(m.name.strip(), m.source): m for m in selectors.bundle_materials(bundle)}
    assert len(materials) == 4
    licence = materials[("营业执照", "electronic_licence")]
    assert licence.required and licence.items == [food.pk, hygiene.pk]  # strictest: required
    identity = materials[("申请人身份证明", "applicant")]
    assert identity.required and not identity.shortfall_allowed
    assert materials[("营业执照", "applicant")].items == [sign.pk]
    assert selectors.bundle_promised_limit(bundle) == 10  # parallel: the slowest item


def test_bundle_follows_the_versions_of_the_day(restaurant):
    food, hygiene, sign = restaurant
    bundle = cf.bundle(restaurant, publish=True)
    faster = cf.draft(hygiene, promised_limit=4)
    cf.publish(faster, valid_from=D(2025, 1, 1))
    assert selectors.bundle_promised_limit(bundle, on=D(2024, 12, 31)) == 10
    assert selectors.bundle_promised_limit(bundle, on=D(2025, 1, 1)) == 5
    detail = selectors.bundle_detail(user=None, pk=bundle.pk, on=D(2019, 1, 1))
    assert detail.missing == restaurant and detail.promised_limit is None


def test_publish_needs_two_live_items_with_agreeing_fields(restaurant):
    food, hygiene, sign = restaurant
    single = cf.bundle([food])
    with pytest.raises(ValidationFailed) as exc:
        services.bundle_publish(actor=None, bundle=single)
    assert "at least two" in exc.value.message
    unpublished = cf.service_item()
    cf.draft(unpublished)
    clash_item, _v = cf.published_item(form_fields=[{**AREA, "key": "phone", "type": "text"}])
    b = cf.bundle([food, unpublished, clash_item])
    with pytest.raises(ValidationFailed) as exc:
        services.bundle_publish(actor=None, bundle=b)
    assert unpublished.implementation_code in exc.value.message
    assert "“phone”" in exc.value.message
    published = cf.bundle([food, hygiene], publish=True)
    with pytest.raises(Conflict):
        services.bundle_add_item(actor=None, bundle=published, item=sign)
    with pytest.raises(Conflict):
        services.bundle_add_item(actor=None, bundle=b, item=food)


def test_bundles_are_for_the_establishment_office(restaurant):
    county = restaurant[0].region
    head = f.UserFactory()
    f.grant(head, "department_head", region=county, organization=restaurant[0].organization)
    with pytest.raises(Forbidden):
        cf.bundle(restaurant, actor=head)
    bundle = cf.bundle(restaurant, actor=f.officer(county), publish=True)
    assert bundle.published
    elsewhere = df.county("330183", "富阳区")
    with pytest.raises(ValidationFailed):
        cf.bundle([restaurant[0]], region=elsewhere)
