"""ACCEPTANCE (issue 5, point 3): the same submission sent 5 times concurrently through HTTP
creates exactly one case.

Real HTTP against the live server (one thread per request, each with its own database
connection), so the unique idempotency key is what stands between the requests. Runs on
SQLite (file database, BEGIN IMMEDIATE, busy timeout) and on PostgreSQL (DATABASE_URL).
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from onevisit.cases.models import Case, CaseMaterial, Task, Visit
from onevisit.core.audit import verify_chain
from onevisit.testing import case_factories as kf
from onevisit.testing import catalog_factories as cf
from onevisit.testing.api import bearer

COPIES = 5
#: Five materials across a three-item bundle (户口簿 is asked once for two items).
ITEMS = [["出生医学证明申请表", "户口簿"], ["户口簿", "结婚证", "父母身份证"], ["医保登记表"]]


@pytest.fixture
def setup(live_server):
    items = [kf.online_item(materials=[{"name": n} for n in names]) for names in ITEMS]
    bundle = cf.bundle(items, publish=True, name="出生一件事")
    user, _applicant = kf.citizen_account()
    headers = bearer(user, name="concurrency")
    names = list(dict.fromkeys(n for names in ITEMS for n in names))
    assert len(names) == 5
    uploads = []
    for _name in names:
        response = requests.post(
            f"{live_server.url}/api/uploads",
            files={"file": ("scan.pdf", kf.PDF, "application/pdf")},
            headers=headers,
            timeout=60,
        )
        assert response.status_code == 201, response.text
        uploads.append(response.json()["id"])
    return {
        "url": f"{live_server.url}/api/cases",
        "headers": headers,
        "payload": {
            "bundle": bundle.pk,
            "materials": [{"name": n, "upload": u} for n, u in zip(names, uploads, strict=True)],
            "delivery_method": "download",
        },
    }


def _post_all(url, requests_to_send):
    def post(args):
        payload, headers = args
        response = requests.post(url, json=payload, headers=headers, timeout=120)
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=len(requests_to_send)) as pool:
        return list(pool.map(post, requests_to_send))


def test_the_same_submission_sent_five_times_concurrently_creates_one_case(setup):
    payload = {**setup["payload"], "idempotency_key": "double-click-0001"}
    results = _post_all(setup["url"], [(payload, setup["headers"])] * COPIES)

    statuses = [status for status, _body in results]
    assert sorted(statuses) == [200] * (COPIES - 1) + [201], results
    assert len({body["number"] for _status, body in results}) == 1
    assert len({tuple(t["id"] for t in body["tasks"]) for _status, body in results}) == 1
    created = [body for status, body in results if status == 201][0]
    assert created["check_code"]
    assert all(body["check_code"] == "" for status, body in results if status == 200)

    case = Case.objects.get()
    assert case.number == created["number"]
    assert Task.objects.filter(case=case).count() == Task.objects.count() == 3
    assert CaseMaterial.objects.filter(case=case).count() == CaseMaterial.objects.count() == 5
    assert not Visit.objects.exists() and case.visits == 0
    assert verify_chain() is None


def test_the_same_key_sent_in_the_header_concurrently_creates_one_case(setup):
    """The Idempotency-Key header stands for the body's key."""
    headers = {**setup["headers"], "Idempotency-Key": "header-key-0001"}
    results = _post_all(setup["url"], [(setup["payload"], headers)] * COPIES)
    assert sorted(status for status, _body in results) == [200] * (COPIES - 1) + [201], results
    assert len({body["number"] for _status, body in results}) == 1
    assert Case.objects.count() == 1 and Task.objects.count() == 3


def test_different_keys_sent_concurrently_create_as_many_cases_with_distinct_numbers(setup):
    sends = [
        ({**setup["payload"], "idempotency_key": f"distinct-{i}"}, setup["headers"])
        for i in range(COPIES)
    ]
    results = _post_all(setup["url"], sends)
    assert [status for status, _body in results] == [201] * COPIES, results
    numbers = {body["number"] for _status, body in results}
    assert len(numbers) == COPIES
    assert set(Case.objects.values_list("number", flat=True)) == numbers
    assert Task.objects.count() == 3 * COPIES
    assert verify_chain() is None
