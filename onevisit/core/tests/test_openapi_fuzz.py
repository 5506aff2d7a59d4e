"""Fuzz every API operation from its OpenAPI schema: nothing a client sends may be a 5xx.

Schemathesis loads /api/openapi.json from the WSGI application and generates requests
(valid and edge-case input) for each operation, authenticated as a system administrator
with a bearer token, against a small registry (organizations, a person, an appointment).
Bounded to a few dozen examples per operation so the suite stays quick.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from onevisit.core.models import Role
from onevisit.orgs.choices import OrgKind, QuotaCategory
from onevisit.testing import factories as f
from onevisit.testing.api import bearer, connections_kept_open
from onevisit.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def admin_headers(db):
    province = f.RegionFactory(code="33", name="浙江省")
    city = f.RegionFactory(code="3301", name="杭州市", parent=province)
    county = f.RegionFactory(code="330122", name="桐庐县", parent=city)
    org = f.organization(
        name="桐庐县人力资源和社会保障局",
        region=county,
        quotas=[(QuotaCategory.ADMINISTRATIVE, "", 3), (QuotaCategory.SERVICE_STAFF, "", 1)],
    )
    f.organization(
        name="桐庐县就业服务中心",
        region=county,
        kind=OrgKind.PUBLIC_INSTITUTION,
        institution_class="welfare_1",
        managing_organization=org,
        quotas=[(QuotaCategory.PUBLIC_INSTITUTION, "full", 5)],
    )
    f.appoint(org, person=f.person(name="赵六"))
    admin = f.UserFactory(username="fuzz-admin")
    f.grant(admin, Role.SYSTEM_ADMINISTRATOR, region=province)
    headers = bearer(admin, name="fuzz")
    with connections_kept_open():
        yield headers


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_no_operation_answers_with_a_server_error(case, admin_headers):
    case.call_and_validate(headers=admin_headers, checks=[not_a_server_error])
