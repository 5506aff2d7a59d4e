import pytest

from onevisit.core.models import Role
from onevisit.core.scoping import registry_write_scope, sees_identity_numbers, staff_scope
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db


def test_region_roles_see_their_subtree_only():
    county = f.RegionFactory(code="330122")
    other = f.RegionFactory(code="330603")
    user = f.officer(county)
    scope = staff_scope(user)
    assert scope.covers(region_code="330122105", organization_id=None)
    assert not scope.covers(region_code=other.code, organization_id=None)
    assert registry_write_scope(user).covers(region_code="330122", organization_id=None)


def test_department_roles_see_their_organization_only():
    org = f.organization()
    other = f.organization()
    clerk = f.UserFactory()
    f.grant(clerk, Role.WINDOW_CLERK, region=org.region, organization=org)
    scope = staff_scope(clerk)
    assert scope.covers(region_code=org.region.code, organization_id=org.pk)
    assert not scope.covers(region_code=other.region.code, organization_id=other.pk)
    assert registry_write_scope(clerk).nothing
    assert not sees_identity_numbers(clerk, region_code=org.region.code, organization_id=org.pk)


def test_anonymous_and_citizens_see_no_staff():
    from django.contrib.auth.models import AnonymousUser

    assert staff_scope(AnonymousUser()).nothing
    citizen = f.UserFactory()
    f.grant(citizen, Role.CITIZEN, region=f.RegionFactory(code="330122"))
    assert staff_scope(citizen).nothing


def test_system_administrator_sees_everything():
    admin = f.UserFactory()
    f.grant(admin, Role.SYSTEM_ADMINISTRATOR, region=f.RegionFactory(code="33"))
    assert staff_scope(admin).everything
    assert sees_identity_numbers(admin, region_code="330603", organization_id=None)
