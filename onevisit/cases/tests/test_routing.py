"""Routing (分办): one task per item, to the organization that exercises the item's duty in
the applicant's region or the nearest region above it, a lead organization before a
co-responsible one, as the registry stands on the day of intake; refused clearly when no
organization exists on that day."""

from datetime import date

import pytest

from onevisit.cases.routing import region_chain, route
from onevisit.core.errors import Conflict
from onevisit.duties.choices import AssignmentRole
from onevisit.regions.models import Level
from onevisit.testing import case_factories as kf
from onevisit.testing import catalog_factories as cf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


@pytest.fixture
def hangzhou():
    """Tonglu and Chun'an counties under Hangzhou, with a city bureau and a Tonglu bureau
    both exercising one duty."""
    tonglu = df.county("330122", "桐庐县")
    chunan = df.county("330127", "淳安县", parent=tonglu.parent)
    city = f.organization(name="杭州市民政局", region=tonglu.parent, level=Level.CITY)
    county = f.organization(name="桐庐县民政局", region=tonglu)
    duty = df.local_item(name="婚姻登记", region=tonglu.parent, levels=[Level.CITY, Level.COUNTY])
    df.assign(duty, city)
    df.assign(duty, county)
    item = cf.service_item(duty=duty, organization=city)
    return {"tonglu": tonglu, "chunan": chunan, "city": city, "county": county, "item": item}


def test_region_chain_is_nearest_first():
    region = df.county("330122")
    assert region_chain(region) == ["330122", "3301", "33"]


def test_the_nearest_region_wins(hangzhou):
    item = hangzhou["item"]
    # In Tonglu the county bureau handles it, although the city's assignment came first.
    assert route([item], hangzhou["tonglu"], DAY) == {item.pk: hangzhou["county"]}
    # Chun'an has no county bureau for it: the city's.
    assert route([item], hangzhou["chunan"], DAY) == {item.pk: hangzhou["city"]}


def test_the_lead_before_a_co_responsible_organization():
    region = df.county()
    helper = f.organization(name="桐庐县财政局", region=region)
    lead = f.organization(name="桐庐县发展和改革局", region=region)
    duty = df.local_item(region=region)
    # The co-responsible one is assigned first, so order alone would pick it.
    df.assign(duty, helper, role=AssignmentRole.CO_RESPONSIBLE)
    df.assign(duty, lead)
    item = cf.service_item(duty=duty, organization=helper)
    assert route([item], region, DAY) == {item.pk: lead}


def test_routing_follows_the_registry_on_the_day(hangzhou):
    item, tonglu = hangzhou["item"], hangzhou["tonglu"]
    # The assignments start on 1 Jan 2020: before, the item's implementing organization.
    assert route([item], tonglu, date(2019, 6, 3)) == {item.pk: hangzhou["city"]}
    assert route([item], tonglu, date(2020, 1, 1)) == {item.pk: hangzhou["county"]}


def test_no_organization_on_the_day_is_refused_clearly():
    region = df.county()
    item = kf.online_item()
    # The test organizations exist from 1 Jan 2019; their duties are assigned from 2020.
    with pytest.raises(Conflict) as refused:
        route([item], region, date(2018, 12, 31))
    assert (refused.value.status, refused.value.code) == (409, "no_route")
    assert item.implementation_code in refused.value.message
    assert region.name in refused.value.message and "2018-12-31" in refused.value.message


def test_a_bundle_routes_each_item_to_its_own_department_in_parallel():
    items = [kf.online_item() for _ in range(3)]
    bundle = cf.bundle(items, publish=True)
    user, applicant = kf.citizen_account()
    case = kf.submit(user, applicant, bundle=bundle).case
    tasks = list(case.tasks.order_by("position"))
    assert [t.item for t in tasks] == items
    assert [t.organization for t in tasks] == [i.organization for i in items]
    assert len({t.organization_id for t in tasks}) == 3
    assert all(t.state == "submitted" for t in tasks)


def test_an_applicant_elsewhere_routes_to_that_region(hangzhou):
    user, applicant = kf.citizen_account(region=hangzhou["chunan"])
    version = cf.draft(hangzhou["item"], **{**cf.COMPLETE, "online": True})
    cf.material(version, "申请表")
    cf.publish(version)
    case = kf.submit(user, applicant, items=[hangzhou["item"]]).case
    assert case.region == hangzhou["chunan"]
    assert case.number.startswith("330127-")
    assert case.tasks.get().organization == hangzhou["city"]
