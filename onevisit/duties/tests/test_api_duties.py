"""The duties API through HTTP: reads for any authenticated caller, writes scoped (404
elsewhere), every refusal a {"detail", "code"} 4xx."""

import pytest
from django.test import Client

from onevisit.core.audit import verify_chain
from onevisit.duties.models import Duty, DutyAssignment
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f
from onevisit.testing.api import api_client, assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    return df.county()


@pytest.fixture
def elsewhere():
    return df.county("330183", "富阳区")


@pytest.fixture
def officer(county):
    return f.officer(county)


@pytest.fixture
def client(officer):
    return api_client(officer)


@pytest.fixture
def planning(county):
    return f.organization(name="桐庐县自然资源和规划局", region=county)


@pytest.fixture
def construction(county):
    return f.organization(name="桐庐县住房和城乡建设局", region=county)


@pytest.fixture
def listed(county, planning):
    base = df.base_item(
        "330000001000",
        "建设工程规划许可证核发",
        legal_bases=[("中华人民共和国城乡规划法", "第四十条", "第一款")],
    )
    derived = df.local_item(base=base)
    df.assign(derived, planning)
    local = df.local_item(
        "330122-CF-0001", "对违法建设的行政处罚", 2, local_reason="本县违法建设治理"
    )
    return derived, local


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_list_filters_and_marks(elsewhere, listed, planning):
    user = f.UserFactory()  # no role at all: lists are public records
    client = api_client(user)
    body = client.get("/api/duties", {"region": "330122"}).json()
    assert body["count"] == 2
    marks = {
        d["code"]: (d["provenance"], [o["name"] for o in d["organizations"]]) for d in body["items"]
    }
    assert marks == {
        "330000001000": ("derived", ["桐庐县自然资源和规划局"]),
        "330122-CF-0001": ("local", []),
    }
    assert client.get("/api/duties", {"region": "330122", "category": 2}).json()["count"] == 1
    assert client.get("/api/duties", {"q": "规划许可"}).json()["count"] == 2  # with the base
    assert client.get("/api/duties", {"organization": planning.pk}).json()["count"] == 1
    page = client.get("/api/duties", {"region": "330122", "limit": 1, "offset": 1}).json()
    assert (page["count"], len(page["items"])) == (2, 1)
    assert client.get("/api/duties", {"region": "33"}).json()["items"][0]["provenance"] == (
        "base_catalog"
    )
    assert client.get("/api/duties", {"region": "33", "subtree": True}).json()["count"] == 3


def test_detail(client, listed):
    derived, _ = listed
    body = client.get(f"/api/duties/{derived.pk}").json()
    assert body["legal_bases"] == [
        {"law": "中华人民共和国城乡规划法", "article": "第四十条", "clause": "第一款"}
    ]
    assert body["base"]["code"] == "330000001000"
    assert [a["organization"]["name"] for a in body["assignments"]] == ["桐庐县自然资源和规划局"]


def test_create_local_item(client, county):
    payload = {
        "region": "330122",
        "code": "330122-QT-0001",
        "name": "农家乐经营户备案",
        "category": 10,
        "levels": ["county", "township"],
        "legal_bases": [{"law": "浙江省乡村旅游促进条例", "article": "第十条"}],
        "local_reason": "本县乡村旅游",
        "responsibilities": {"acceptance": "受理备案"},
    }
    response = _post(client, "/api/duties", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["provenance"] == "local" and body["responsibilities"][0]["texts"] == ["受理备案"]
    assert_error(_post(client, "/api/duties", payload), 409, "duplicate_code")
    assert_error(
        _post(client, "/api/duties", {**payload, "code": "X-2", "local_reason": ""}),
        400,
        "reason_required",
    )
    assert verify_chain() is None


def test_create_derived_item(client, county):
    base = df.base_item("330000009000", "排污许可证核发")
    response = _post(
        client,
        "/api/duties",
        {"region": "330122", "code": base.code, "name": base.name, "category": 1,
         "levels": ["county"], "base_id": base.pk},
    )  # fmt: skip
    assert response.status_code == 201 and response.json()["provenance"] == "derived"
    local = Duty.objects.get(region=county, code=base.code)
    assert_error(
        _post(client, "/api/duties", {"region": "330122", "code": "Y", "name": "Y",
                                      "category": 1, "levels": ["county"], "base_id": local.pk}),
        400,
        "invalid_base",
    )  # fmt: skip
    assert_error(
        _post(client, "/api/duties", {"region": "330122", "code": "Y", "name": "Y",
                                      "category": 1, "levels": ["county"], "base_id": 2**62}),
        404,
    )  # fmt: skip


def test_assign_move_end(client, listed, planning, construction):
    _, local = listed
    response = _post(
        client,
        f"/api/duties/{local.pk}/assignments",
        {"organization_id": planning.pk, "division_of_labour": "负责立案"},
    )
    assert response.status_code == 201, response.content
    assignment = response.json()
    assert (assignment["role"], assignment["level"]) == ("lead", "county")
    assert_error(
        _post(client, f"/api/duties/{local.pk}/assignments", {"organization_id": planning.pk}),
        409,
        "duplicate_assignment",
    )
    moved = _post(
        client,
        f"/api/duty-assignments/{assignment['id']}/move",
        {"to_organization_id": construction.pk, "legal_basis": "桐编〔2024〕3号"},
    )
    assert moved.status_code == 201, moved.content
    assert moved.json()["organization"]["id"] == construction.pk
    assert_error(_post(client, f"/api/duty-assignments/{assignment['id']}/end", {}), 409)
    ended = _post(client, f"/api/duty-assignments/{moved.json()['id']}/end", {"reason": "取消"})
    assert ended.status_code == 200 and ended.json()["valid_to"]
    assert not DutyAssignment.objects.filter(duty=local, valid_to__isnull=True).exists()


def test_writes_elsewhere_are_404(elsewhere, listed, planning):
    derived, local = listed
    outsider = api_client(f.officer(elsewhere))
    assignment = derived.assignments.get()
    other_org = f.organization(name="富阳区规划局", region=elsewhere)
    payload = {"region": "330122", "code": "Z", "name": "Z", "category": 1,
               "levels": ["county"], "local_reason": "r"}  # fmt: skip
    assert_error(_post(outsider, "/api/duties", payload), 404)
    assert_error(
        _post(outsider, f"/api/duties/{local.pk}/assignments", {"organization_id": planning.pk}),
        404,
    )
    assert_error(_post(outsider, f"/api/duty-assignments/{assignment.pk}/end", {}), 404)
    assert_error(
        _post(
            outsider,
            f"/api/duty-assignments/{assignment.pk}/move",
            {"to_organization_id": other_org.pk},
        ),
        404,
    )
    # A county officer may not hand its duty to another county's organization.
    insider = api_client(f.officer(df.county()))
    assert_error(
        _post(insider, f"/api/duties/{local.pk}/assignments", {"organization_id": other_org.pk}),
        404,
    )
    # A provincial officer may, but only within the list's region.
    provincial = api_client(f.officer(df.province()))
    assert_error(
        _post(provincial, f"/api/duties/{local.pk}/assignments", {"organization_id": other_org.pk}),
        400,
        "region_outside_list",
    )
    # Reads stay open.
    assert outsider.get(f"/api/duties/{local.pk}").status_code == 200
    assert assignment.valid_to is None


def test_bad_input_is_4xx_never_500(client, listed):
    _, local = listed
    anonymous = Client()
    assert_error(anonymous.get("/api/duties"), 401, "unauthenticated")
    assert_error(client.get("/api/duties/0"), 422)
    assert_error(client.get(f"/api/duties/{2**64}"), 422)
    assert_error(client.get(f"/api/duties/{2**63 - 1}"), 404)
    assert_error(client.get("/api/duties", {"region": "abc"}), 422)
    assert_error(client.get("/api/duties", {"region": "99"}), 404)
    assert_error(client.get("/api/duties", {"organization": 2**62}), 404)
    assert_error(client.get("/api/duties", {"q": "a\x00b"}), 422)
    assert_error(client.get("/api/duties", {"category": 11}), 422)
    assert_error(client.get("/api/duties", {"limit": 10_000}), 422)
    base = {"region": "330122", "code": "Q", "name": "Q", "category": 1,
            "levels": ["county"], "local_reason": "r"}  # fmt: skip
    for bad in (
        {"name": "a\x00"},
        {"code": ""},
        {"code": "x" * 41},
        {"levels": []},
        {"levels": ["national"]},
        {"category": 0},
        {"responsibilities": {"nowhere": "x"}},
        {"legal_bases": [{"law": "x" * 301}]},
        {"valid_from": "2024-02-30"},
    ):
        assert_error(_post(client, "/api/duties", {**base, **bad}), 422)
    assert_error(client.post("/api/duties", "not json", content_type="application/json"), 400)
    assert_error(
        _post(client, f"/api/duties/{local.pk}/assignments", {"organization_id": 2**63}), 422
    )
    assert_error(
        _post(client, f"/api/duties/{local.pk}/assignments", {"organization_id": 2**62}), 404
    )
    assert_error(_post(client, f"/api/duty-assignments/{2**62}/end", {}), 404)
    assert_error(
        _post(client, f"/api/duty-assignments/{2**62}/move", {"to_organization_id": 1}), 404
    )


def test_openapi_lists_the_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/duties", "/api/duties/{duty_id}", "/api/duties/{duty_id}/assignments",
            "/api/duty-assignments/{assignment_id}/end",
            "/api/duty-assignments/{assignment_id}/move"} <= set(paths)  # fmt: skip
