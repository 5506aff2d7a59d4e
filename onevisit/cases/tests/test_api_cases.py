"""The service desk through its JSON API: uploads, one submission of a bundle, parallel
review with one complete notice, the citizen's supplement, decisions and delivery with the
visits counted, evaluation, the rates; every refusal a {"detail", "code"} 4xx, never a 500."""

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

from onevisit.cases.models import Case, Rectification, Task
from onevisit.core.audit import verify_chain
from onevisit.core.models import Role
from onevisit.testing import case_factories as kf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f
from onevisit.testing.api import api_client, assert_error, bearer, connections_kept_open, post_json
from onevisit.wsgi import application

pytestmark = pytest.mark.django_db

MATERIALS = kf.BIRTH_MATERIALS


@pytest.fixture
def bundle():
    return kf.birth_bundle()


@pytest.fixture
def citizen():
    user, applicant = kf.citizen_account(name="王芳")
    return user, applicant, api_client(user)


def _upload(client, content=kf.PDF, name="scan.pdf"):
    return client.post("/api/uploads", {"file": SimpleUploadedFile(name, content)})


def _upload_id(client) -> int:
    response = _upload(client)
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _submission(client, bundle, *, skip=(), **extra) -> dict:
    return kf.bundle_payload(client, bundle, [n for n in MATERIALS if n not in skip], **extra)


def _reviewers(tasks) -> dict[int, object]:
    return {
        t["id"]: api_client(kf.reviewer_of(Task.objects.get(pk=t["id"]).organization))
        for t in tasks
    }


# --- uploads -------------------------------------------------------------------------------
def test_upload_is_checked_by_content_and_size(citizen):
    _user, _applicant, client = citizen
    response = _upload(client)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "application/pdf"
    assert (body["size"], body["name"]) == (len(kf.PDF), "scan.pdf")

    text = assert_error(
        _upload(client, b"just some text, not a PDF\n" * 10, "报告.pdf"), 415, "file_type"
    )
    assert "报告.pdf" in text["detail"]
    assert_error(_upload(client, b"", "empty.pdf"), 400, "empty")
    with override_settings(CASE_UPLOAD_MAX_BYTES=len(kf.PDF) - 1):
        assert_error(_upload(client), 413, "file_too_large")
    assert_error(client.post("/api/uploads", {}), 422, "invalid")


# --- the whole flow ------------------------------------------------------------------------------
def test_bundle_online_through_the_api_completes_with_zero_visits(bundle, citizen):
    user, applicant, client = citizen
    payload = _submission(client, bundle, form={})
    response = post_json(client, "/api/cases", payload)
    assert response.status_code == 201, response.content
    intake = response.json()
    number = intake["number"]
    assert number.startswith("330122-") and len(intake["check_code"]) == 6
    assert intake["state"] == "in_progress"
    tasks = intake["tasks"]
    assert len(tasks) == 3 and len({t["organization"] for t in tasks}) == 3
    assert all(t["state"] == "submitted" and t["organization_name"] for t in tasks)

    retry = post_json(client, "/api/cases", payload)
    assert retry.status_code == 200
    assert retry.json() == {**intake, "check_code": ""}
    assert Case.objects.count() == 1

    reviewers = _reviewers(tasks)
    first, *others = tasks
    queue = reviewers[first["id"]].get("/api/tasks", {"queue": "to_accept"}).json()
    assert [t["id"] for t in queue["items"]] == [first["id"]]
    assert queue["items"][0]["applicant_name"] == "王芳"
    for t in tasks:
        accepted = post_json(reviewers[t["id"]], f"/api/tasks/{t['id']}/accept")
        assert accepted.status_code == 200, accepted.content
        assert accepted.json()["state"] == "accepted" and accepted.json()["due_date"]
    in_review = reviewers[first["id"]].get("/api/tasks", {"queue": "in_review"}).json()
    assert [t["id"] for t in in_review["items"]] == [first["id"]]

    notice = post_json(
        reviewers[first["id"]],
        f"/api/tasks/{first['id']}/request-supplement",
        {"missing": [{"name": "户口簿首页", "note": "清晰彩色"}, {"name": "父母身份证"}]},
    )
    assert notice.status_code == 200, notice.content
    task = notice.json()
    assert task["state"] == "supplement"
    assert task["notices"][0]["missing"] == [
        {"name": "户口簿首页", "note": "清晰彩色"},
        {"name": "父母身份证", "note": ""},
    ]
    assert task["suspensions"][0]["kind"] == "supplement"
    assert task["suspensions"][0]["ended_on"] is None

    detail = client.get(f"/api/cases/{number}").json()
    assert detail["state"] == "needs_supplement"
    assert detail["open_notice_items"] == ["户口簿首页", "父母身份证"]
    assert detail["applicant"]["identifier"] == applicant.identifier  # her own, in full
    assert {m["name"]: m["state"] for m in detail["materials"]} == dict.fromkeys(
        MATERIALS, "uploaded"
    )

    partial = post_json(
        client, f"/api/cases/{number}/supplement", {"uploads": {"户口簿首页": _upload_id(client)}}
    )
    assert "父母身份证" in assert_error(partial, 400, "supplement_incomplete")["detail"]
    supplied = post_json(
        client,
        f"/api/cases/{number}/supplement",
        {"uploads": {"户口簿首页": _upload_id(client), "父母身份证": _upload_id(client)}},
    )
    assert supplied.status_code == 200, supplied.content
    assert supplied.json()["state"] == "in_progress"
    assert supplied.json()["open_notice_items"] == []
    resumed = reviewers[first["id"]].get(f"/api/tasks/{first['id']}").json()
    assert resumed["state"] == "accepted" and resumed["suspensions"][0]["ended_on"]

    # One complete notice: a second one needs a new fact and a reason.
    again = post_json(
        reviewers[first["id"]],
        f"/api/tasks/{first['id']}/request-supplement",
        {"missing": [{"name": "另一份证明"}]},
    )
    assert "new fact" in assert_error(again, 409, "second_notice")["detail"]

    for t in tasks:
        approved = post_json(
            reviewers[t["id"]], f"/api/tasks/{t['id']}/approve", {"note": "符合条件"}
        )
        assert approved.status_code == 200, approved.content
        assert approved.json()["state"] == "approved"
    done = client.get(f"/api/cases/{number}").json()
    assert (done["state"], done["visits"], done["one_visit"]) == ("completed", 0, True)
    assert done["delivered_at"] and done["completed_on"]

    mine = client.get("/api/cases").json()
    assert [c["number"] for c in mine["items"]] == [number]
    assert mine["items"][0]["state"] == "completed" and len(mine["items"][0]["tasks"]) == 3

    poor = others[0]["organization"]
    rated = post_json(
        client,
        f"/api/cases/{number}/evaluation",
        {"rating": 5, "comment": "很方便", "departments": {str(poor): 2}},
    )
    assert rated.status_code == 201, rated.content
    by_org = {e["organization"]: e for e in rated.json()}
    assert by_org[None]["rating"] == 5 and by_org[None]["rectification_due"] is None
    assert by_org[poor]["rectification_due"]
    assert Rectification.objects.get().organization_id == poor
    assert_error(
        post_json(client, f"/api/cases/{number}/evaluation", {"rating": 4}), 409, "already_rated"
    )

    supervisor = f.UserFactory()
    f.grant(supervisor, Role.SUPERVISOR, region=df.county())
    rates = api_client(supervisor).get("/api/cases/rates").json()
    assert rates == {
        "completed": 1,
        "one_visit": 1,
        "zero_visit": 1,
        "one_visit_rate": 1.0,
        "zero_visit_rate": 1.0,
    }
    assert verify_chain() is None


def test_window_case_with_pickup_counts_two_visits():
    window = f.organization(name="桐庐县行政服务中心", region=df.county())
    clerk = api_client(kf.clerk_of(window))
    item = kf.online_item(materials=[{"name": "申请表"}])
    identity = f.identity_number()
    payload = {
        "idempotency_key": "window-1",
        "items": [item.pk],
        "channel": "window",
        "delivery_method": "pickup",
        "materials": [{"name": "申请表", "paper": True}],
        "applicant": {
            "kind": "person",
            "name": "李四",
            "identifier": identity,
            "phone": "13800001234",
        },
    }
    response = post_json(clerk, "/api/cases", payload)
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    detail = clerk.get(f"/api/cases/{number}").json()
    assert detail["visits"] == 1 and detail["window"]["name"] == "桐庐县行政服务中心"
    assert detail["applicant"]["identifier"] != identity  # masked for the clerk
    assert detail["applicant"]["identifier"][:4] == identity[:4]
    assert detail["applicant"]["phone"] == "138****1234"
    assert detail["materials"][0]["state"] == "paper"

    # A second applicant under the same key is a different submission.
    other = {**payload, "applicant": {**payload["applicant"], "identifier": f.identity_number()}}
    other["applicant"]["name"] = "王五"
    assert_error(post_json(clerk, "/api/cases", other), 409, "idempotency_key_reused")

    task_id = response.json()["tasks"][0]["id"]
    reviewer = api_client(kf.reviewer_of(Task.objects.get(pk=task_id).organization))
    assert_error(post_json(clerk, f"/api/cases/{number}/pickup"), 409, "case_state")
    assert post_json(reviewer, f"/api/tasks/{task_id}/accept").status_code == 200
    assert post_json(reviewer, f"/api/tasks/{task_id}/approve").status_code == 200
    assert clerk.get(f"/api/cases/{number}").json()["state"] == "decided"
    assert_error(post_json(clerk, f"/api/cases/{number}/dispatch", {"tracking_number": "SF1"}), 409)
    picked = post_json(clerk, f"/api/cases/{number}/pickup")
    assert picked.status_code == 200, picked.content
    body = picked.json()
    assert (body["state"], body["visits"], body["one_visit"]) == ("completed", 2, False)

    listed = clerk.get("/api/cases", {"scope": "window"}).json()
    assert [c["number"] for c in listed["items"]] == [number]
    assert clerk.get("/api/cases").json()["items"] == []  # the clerk applied for nothing


def test_a_supplement_brought_to_the_window_is_a_visit():
    window = f.organization(name="桐庐县行政服务中心", region=df.county())
    clerk = api_client(kf.clerk_of(window))
    item = kf.online_item(materials=[{"name": "申请表"}])
    intake = post_json(
        clerk,
        "/api/cases",
        {
            "idempotency_key": "window-supplement",
            "items": [item.pk],
            "channel": "window",
            "materials": [{"name": "申请表", "paper": True}],
            "applicant": {"kind": "person", "name": "钱七", "identifier": f.identity_number()},
        },
    ).json()
    number, task_id = intake["number"], intake["tasks"][0]["id"]
    reviewer = api_client(kf.reviewer_of(Task.objects.get(pk=task_id).organization))
    post_json(reviewer, f"/api/tasks/{task_id}/accept")
    post_json(
        reviewer, f"/api/tasks/{task_id}/request-supplement", {"missing": [{"name": "租赁合同"}]}
    )
    supplied = post_json(
        clerk,
        f"/api/cases/{number}/supplement",
        {"uploads": {"租赁合同": _upload_id(clerk)}, "in_person": True},
    )
    assert supplied.status_code == 200, supplied.content
    body = supplied.json()
    assert (body["state"], body["visits"]) == ("in_progress", 2)
    assert {m["name"]: m["state"] for m in body["materials"]}["租赁合同"] == "uploaded"


def test_express_delivery_is_dispatched_with_a_tracking_number():
    window = f.organization(name="桐庐县行政服务中心", region=df.county())
    clerk = api_client(kf.clerk_of(window))
    item = kf.online_item(materials=[{"name": "申请表"}])
    payload = {
        "idempotency_key": "express-1",
        "items": [item.pk],
        "channel": "window",
        "delivery_method": "express",
        "materials": [{"name": "申请表", "paper": True}],
        "applicant": {"kind": "person", "name": "赵六", "identifier": f.identity_number()},
    }
    assert_error(post_json(clerk, "/api/cases", payload), 400, "delivery_address")
    payload["delivery_address"] = "桐庐县迎春南路1号"
    intake = post_json(clerk, "/api/cases", payload).json()
    task_id = intake["tasks"][0]["id"]
    reviewer = api_client(kf.reviewer_of(Task.objects.get(pk=task_id).organization))
    post_json(reviewer, f"/api/tasks/{task_id}/accept")
    post_json(reviewer, f"/api/tasks/{task_id}/approve")
    assert_error(post_json(clerk, f"/api/cases/{intake['number']}/pickup"), 409, "delivery_method")
    assert_error(
        post_json(clerk, f"/api/cases/{intake['number']}/dispatch", {"tracking_number": " "}), 400
    )
    sent = post_json(clerk, f"/api/cases/{intake['number']}/dispatch", {"tracking_number": "SF123"})
    assert sent.status_code == 200, sent.content
    body = sent.json()
    assert (body["state"], body["visits"], body["tracking_number"]) == ("completed", 1, "SF123")


# --- refusals ----------------------------------------------------------------------------------
def test_a_missing_required_material_lists_everything_missing(bundle, citizen):
    _user, _applicant, client = citizen
    payload = _submission(client, bundle, skip=("户口簿", "结婚证", "医保登记表"))
    body = assert_error(post_json(client, "/api/cases", payload), 400, "materials")
    for name in ("户口簿", "结婚证", "医保登记表"):
        assert name in body["detail"]
    assert "出生医学证明申请表" not in body["detail"]
    assert Case.objects.count() == 0

    stranger = _upload_id(api_client(kf.citizen_account()[0]))
    payload = _submission(client, bundle, skip=("医保登记表",))
    payload["materials"].append({"name": "医保登记表", "upload": stranger})
    assert (
        "医保登记表"
        in assert_error(post_json(client, "/api/cases", payload), 400, "materials")["detail"]
    )


def test_idempotency_key_header_body_and_reuse(bundle, citizen):
    _user, _applicant, client = citizen
    payload = _submission(client, bundle)
    key = payload.pop("idempotency_key")
    assert_error(post_json(client, "/api/cases", payload), 400, "idempotency_key")
    first = client.post(
        "/api/cases", payload, content_type="application/json", headers={"Idempotency-Key": key}
    )
    assert first.status_code == 201, first.content
    # The body's key wins over the header's.
    same = client.post(
        "/api/cases",
        {**payload, "idempotency_key": key},
        content_type="application/json",
        headers={"Idempotency-Key": "something-else"},
    )
    assert same.status_code == 200 and same.json()["number"] == first.json()["number"]
    changed = {**payload, "idempotency_key": key, "delivery_method": "express"}
    changed["delivery_address"] = "杭州市"
    assert_error(post_json(client, "/api/cases", changed), 409, "idempotency_key_reused")
    assert Case.objects.count() == 1


def test_who_may_submit(bundle, citizen):
    _user, _applicant, client = citizen
    nobody = api_client(f.UserFactory())
    assert_error(post_json(nobody, "/api/cases", _submission(nobody, bundle)), 404, "not_found")
    window = _submission(client, bundle, channel="window")
    window["applicant"] = {"kind": "person", "name": "冒名", "identifier": f.identity_number()}
    assert_error(post_json(client, "/api/cases", window), 403, "forbidden")
    online = _submission(client, bundle)
    online["applicant"] = window["applicant"]
    assert_error(post_json(client, "/api/cases", online), 400, "applicant_not_allowed")
    assert_error(post_json(client, "/api/cases", {"idempotency_key": "x", "items": [987654]}), 404)
    assert_error(post_json(client, "/api/cases", {"idempotency_key": "y"}), 400, "no_items")
    assert_error(
        post_json(client, "/api/cases", {"idempotency_key": "z", "items": "one"}), 422, "invalid"
    )
    for form in ('{"a": NaN}', '{"a": "\\u0000"}', '{"a": [[[[[["deep"]]]]]]}'):
        raw = f'{{"idempotency_key": "f", "bundle": {bundle.pk}, "form": {form}}}'
        assert_error(
            client.post("/api/cases", raw, content_type="application/json"), 422, "invalid"
        )
    assert Case.objects.count() == 0


def test_my_cases_page_by_keyset(citizen):
    user, applicant, client = citizen
    item = kf.online_item(materials=[{"name": "申请表"}])
    numbers = [kf.submit(user, applicant, items=[item]).case.number for _ in range(3)]
    page = client.get("/api/cases", {"limit": 2}).json()
    assert [c["number"] for c in page["items"]] == numbers[:0:-1]
    rest = client.get("/api/cases", {"limit": 2, "before": page["next_before"]}).json()
    assert [c["number"] for c in rest["items"]] == numbers[:1] and rest["next_before"] is None


# --- fuzzing: nothing a client sends to these operations is a 5xx ------------------------------
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application).include(
    path_regex=r"^/api/(cases|tasks|uploads)"
)


@pytest.fixture
def fuzz_headers(db, bundle):
    """A citizen with a case in every task state the fuzzer may stumble on (small ids)."""
    user, applicant = kf.citizen_account()
    kf.submit(user, applicant, bundle=bundle)
    headers = bearer(user, name="fuzz")
    with connections_kept_open():
        yield headers


@schema.parametrize()
@hypothesis_settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_no_service_desk_operation_answers_with_a_server_error(case, fuzz_headers):
    case.call_and_validate(headers=fuzz_headers, checks=[not_a_server_error])


# --- cost ----------------------------------------------------------------------------------
def test_a_submission_costs_a_fixed_number_of_queries(citizen, bundle, django_assert_num_queries):
    """The benchmarked path (bench/cases_submit.py): a 3-item bundle in one request costs
    16 queries on either database while the process keeps the bundle's intake plan (routing
    is read for every submission), whatever the catalog and the case table hold; a retry 4."""
    _user, _applicant, client = citizen
    post_json(client, "/api/cases", _submission(client, bundle))  # warm: token, plan
    payload = _submission(client, bundle)
    with django_assert_num_queries(16):
        created = post_json(client, "/api/cases", payload)
    assert created.status_code == 201, created.content
    with django_assert_num_queries(4):
        again = post_json(client, "/api/cases", payload)
    assert again.status_code == 200
