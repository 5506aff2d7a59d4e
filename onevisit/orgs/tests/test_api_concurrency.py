"""ACCEPTANCE: concurrent appointments never over-staff an organization.

Real HTTP against the live server (one thread per request, each with its own database
connection), so the quota row lock is what stands between the requests. Runs on SQLite
(file database, BEGIN IMMEDIATE, busy timeout) and on PostgreSQL (DATABASE_URL).
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from onevisit.core.audit import verify_chain
from onevisit.orgs.choices import QuotaCategory
from onevisit.orgs.models import Appointment, Person, QuotaBalance
from onevisit.testing import factories as f
from onevisit.testing.api import bearer

APPROVED = 10
REQUESTS = 60
THREADS = 30


@pytest.fixture
def setup(live_server):
    region = f.RegionFactory(code="330122", name="桐庐县")
    org = f.organization(
        name="桐庐县市场监督管理局",
        region=region,
        quotas=[(QuotaCategory.ADMINISTRATIVE, "", APPROVED)],
    )
    return {
        "org": org,
        "url": f"{live_server.url}/api/appointments",
        "headers": bearer(f.officer(region), name="concurrency"),
    }


def _post_all(url, headers, payloads):
    def post(payload):
        response = requests.post(url, json=payload, headers=headers, timeout=120)
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(post, payloads))


def test_concurrent_appointments_fill_exactly_the_approved_quota(setup):
    org = setup["org"]
    payloads = [
        {
            "organization_id": org.pk,
            "identity_number": f.identity_number(),
            "name": f"并发{i}",
            "category": "administrative",
        }
        for i in range(REQUESTS)
    ]
    assert len({p["identity_number"] for p in payloads}) == REQUESTS

    results = _post_all(setup["url"], setup["headers"], payloads)

    statuses = [status for status, _body in results]
    assert statuses.count(201) == APPROVED, statuses
    refusals = [body for status, body in results if status != 201]
    assert len(refusals) == REQUESTS - APPROVED
    for status, body in results:
        if status != 201:
            assert status == 409, body
            assert body["code"] == "over_staffing"
            assert "桐庐县市场监督管理局" in body["detail"]
            assert "Administrative" in body["detail"]
            assert f"{APPROVED} approved" in body["detail"]
            assert f"{APPROVED} already filled" in body["detail"]

    balance = QuotaBalance.objects.get(organization=org)
    active = Appointment.objects.filter(organization=org, end_date__isnull=True).count()
    assert balance.actual == active == APPROVED <= balance.approved
    assert verify_chain() is None


def test_the_same_new_person_sent_concurrently_is_appointed_once(setup):
    """Retries and double submits: one 201, every other request a clear 409, never a 500."""
    org = setup["org"]
    payload = {
        "organization_id": org.pk,
        "identity_number": f.identity_number(),
        "name": "重复提交",
        "category": "administrative",
    }
    results = _post_all(setup["url"], setup["headers"], [payload] * 30)

    statuses = [status for status, _body in results]
    assert statuses.count(201) == 1, results
    assert all(status == 409 for status in statuses if status != 201), results
    assert {body["code"] for status, body in results if status == 409} == {"already_appointed"}
    assert Person.objects.filter(identity_number=payload["identity_number"]).count() == 1
    assert QuotaBalance.objects.get(organization=org).actual == 1
    assert verify_chain() is None
