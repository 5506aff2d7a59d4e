"""Fuzz the catalog operations from the OpenAPI schema, against a small published catalog
(an item with a live version and a draft, a bundle): nothing a client sends may be a 5xx."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from onevisit.core.models import Role
from onevisit.testing import catalog_factories as cf
from onevisit.testing import factories as f
from onevisit.testing.api import bearer, connections_kept_open
from onevisit.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application).include(
    path_regex=r"^/api/catalog/"
)


@pytest.fixture
def admin_headers(db):
    item, _v = cf.published_item(materials=["申请书", "身份证明"])
    other, _w = cf.published_item(item=cf.service_item(region=item.region))
    cf.draft(item, promised_limit=1)
    cf.bundle([item, other], publish=True)
    admin = f.UserFactory(username="catalog-fuzz")
    f.grant(admin, Role.SYSTEM_ADMINISTRATOR, region=item.region)
    headers = bearer(admin, name="fuzz")
    with connections_kept_open():
        yield headers


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_no_catalog_operation_answers_with_a_server_error(case, admin_headers):
    case.call_and_validate(headers=admin_headers, checks=[not_a_server_error])
