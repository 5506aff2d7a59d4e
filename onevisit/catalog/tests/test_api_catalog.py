"""The catalog API through HTTP: public reads, drafts only for their editors, writes scoped
to the implementing organization (404 elsewhere), every refusal a {"detail", "code"} 4xx."""

import datetime

import pytest
from django.test import Client

from onevisit.catalog.models import ServiceItemVersion
from onevisit.core.audit import verify_chain
from onevisit.core.models import Role
from onevisit.testing import catalog_factories as cf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f
from onevisit.testing.api import api_client, assert_error

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def county():
    return df.county()


@pytest.fixture
def bureau(county):
    return f.organization(name="桐庐县市场监督管理局", region=county)


@pytest.fixture
def head(county, bureau):
    user = f.UserFactory()
    f.grant(user, Role.DEPARTMENT_HEAD, region=county, organization=bureau)
    return user


@pytest.fixture
def published(bureau):
    item, version = cf.published_item(
        item=cf.service_item(organization=bureau),
        materials=["申请书", "身份证明"],
        valid_from=D(2020, 1, 1),
        online=True,
    )
    return item, version


def _post(client, url, data, method="post"):
    return getattr(client, method)(url, data, content_type="application/json")


def test_reads_are_public_and_drafts_are_not(published, head):
    item, v1 = published
    draft = cf.draft(item, promised_limit=1)
    reader = api_client(f.UserFactory())
    body = reader.get("/api/catalog/items", {"region": "330122", "online": True}).json()
    assert body["count"] == 1 and body["items"][0]["live"]["number"] == 1
    assert reader.get("/api/catalog/items", {"online": False}).json()["count"] == 0
    assert reader.get("/api/catalog/items", {"on": "2019-06-01"}).json()["count"] == 0
    detail = reader.get(f"/api/catalog/items/{item.pk}").json()
    assert detail["live_version"]["number"] == 1 and not detail["may_change"]
    assert [m["name"] for m in detail["live_version"]["materials"]] == ["申请书", "身份证明"]
    assert [v["number"] for v in detail["versions"]] == [1]
    assert_error(reader.get(f"/api/catalog/versions/{draft.pk}"), 404, "not_found")
    mine = api_client(head).get(f"/api/catalog/items/{item.pk}").json()
    assert [v["state"] for v in mine["versions"]] == ["published", "draft"] and mine["may_change"]
    assert api_client(head).get(f"/api/catalog/versions/{draft.pk}").json()["promised_limit"] == 1
    assert Client().get("/api/catalog/items").status_code == 401
    assert_error(reader.get("/api/catalog/items/999999"), 404)
    assert_error(reader.get("/api/catalog/items", {"region": "999999"}), 404)
    assert_error(reader.get("/api/catalog/items", {"type": 11}), 422)


def test_draft_edit_materials_and_publish(published, head):
    item, v1 = published
    client = api_client(head)
    r = _post(client, f"/api/catalog/items/{item.pk}/drafts", {"changes": {"promised_limit": 2}})
    assert r.status_code == 201, r.content
    draft = r.json()
    assert draft["number"] == 2 and len(draft["materials"]) == 2
    r = _post(
        client,
        f"/api/catalog/versions/{draft['id']}",
        {"onsite_visits": 1, "onsite_reason": "核验原件", "valid_from": "2030-01-01"},
        method="patch",
    )
    assert r.status_code == 200 and r.json()["onsite_visits"] == 1
    r = _post(
        client,
        f"/api/catalog/versions/{draft['id']}/materials",
        {"name": "营业执照", "source": "electronic_licence", "required": True},
    )
    assert_error(r, 400, "licence_type_required")
    r = _post(
        client,
        f"/api/catalog/versions/{draft['id']}/materials",
        {"name": "营业执照", "source": "electronic_licence", "licence_type": "bl"},
    )
    assert r.status_code == 201
    body = assert_error(
        _post(client, f"/api/catalog/versions/{draft['id']}/publish", {}), 400, "incomplete"
    )
    assert "营业执照" in body["detail"] and "form" in body["detail"]
    assert client.delete(f"/api/catalog/materials/{r.json()['id']}").status_code == 204
    r = _post(client, f"/api/catalog/versions/{draft['id']}/publish", {})
    assert r.status_code == 200, r.content
    assert r.json()["valid_from"] == "2030-01-01" and r.json()["state"] == "published"
    v1.refresh_from_db()
    assert v1.valid_to == D(2030, 1, 1)
    # Published: never changes.
    assert_error(
        _post(client, f"/api/catalog/versions/{draft['id']}", {"name": "x"}, method="patch"),
        409,
        "version_published",
    )
    assert_error(_post(client, f"/api/catalog/versions/{v1.pk}/materials", {"name": "y"}), 409)
    assert_error(_post(client, f"/api/catalog/versions/{draft['id']}/publish", {}), 409)
    assert verify_chain() is None


def test_writes_elsewhere_are_404(published, county):
    item, v1 = published
    other = f.organization(name="桐庐县卫生健康局", region=county)
    outsider = f.UserFactory()
    f.grant(outsider, Role.DEPARTMENT_HEAD, region=county, organization=other)
    clerk = f.UserFactory()
    f.grant(clerk, Role.WINDOW_CLERK, region=county, organization=item.organization)
    for user in (outsider, clerk):
        client = api_client(user)
        assert_error(_post(client, f"/api/catalog/items/{item.pk}/drafts", {}), 404, "not_found")
        assert_error(_post(client, f"/api/catalog/versions/{v1.pk}/publish", {}), 404)
        assert_error(_post(client, f"/api/catalog/items/{item.pk}/retire", {}), 404)
        assert_error(
            _post(
                client,
                "/api/catalog/items",
                {
                    "duty_id": item.duty_id,
                    "organization_id": item.organization_id,
                    "catalog_code": "330000009999",
                    "implementation_code": "Z-1",
                },
            ),
            404,
        )
    assert not ServiceItemVersion.objects.filter(state="draft").exists()


def test_create_item_and_retire(county, bureau, head):
    duty = df.local_item(region=county)
    client = api_client(head)
    payload = {
        "duty_id": duty.pk,
        "organization_id": bureau.pk,
        "catalog_code": "330000001234",
        "implementation_code": "Z-1",
    }
    assert_error(_post(client, "/api/catalog/items", payload), 400, "duty_not_held")
    df.assign(duty, bureau)
    r = _post(client, "/api/catalog/items", payload)
    assert r.status_code == 201 and r.json()["live_version"] is None
    assert_error(_post(client, "/api/catalog/items", payload), 409, "duplicate_code")
    assert_error(_post(client, "/api/catalog/items", {**payload, "catalog_code": "12"}), 422)
    item_id = r.json()["id"]
    r = _post(client, f"/api/catalog/items/{item_id}/retire", {"date": "2031-01-01"})
    assert r.status_code == 200 and r.json()["retired_on"] == "2031-01-01"
    assert_error(_post(client, f"/api/catalog/items/{item_id}/retire", {}), 409, "already_retired")


def test_bundles_api(county, published, head):
    item, v1 = published
    other, _v = cf.published_item(
        item=cf.service_item(region=county), promised_limit=8, materials=["申请书", "身份证明 "]
    )
    officer = api_client(f.officer(county))
    r = _post(
        officer,
        "/api/catalog/bundles",
        {
            "region": "330122",
            "code": "YJS-1",
            "name": "开餐馆",
            "name_en": "Open a restaurant",
            "event_kind": "business",
        },
    )
    assert r.status_code == 201, r.content
    bundle_id = r.json()["id"]
    reader = api_client(f.UserFactory())
    assert_error(reader.get(f"/api/catalog/bundles/{bundle_id}"), 404)  # not published yet
    assert reader.get("/api/catalog/bundles").json() == []
    for target in (item, other):
        r = _post(officer, f"/api/catalog/bundles/{bundle_id}/items", {"item_id": target.pk})
        assert r.status_code == 201
    assert_error(_post(api_client(head), f"/api/catalog/bundles/{bundle_id}/publish", {}), 404)
    r = _post(officer, f"/api/catalog/bundles/{bundle_id}/publish", {})
    assert r.status_code == 200 and r.json()["published"]
    body = reader.get(f"/api/catalog/bundles/{bundle_id}").json()
    assert body["promised_limit"] == 8
    assert [m["name"] for m in body["materials"]] == ["申请书", "身份证明"]
    assert body["materials"][0]["items"] == [item.pk, other.pk]
    assert [b["code"] for b in reader.get("/api/catalog/bundles").json()] == ["YJS-1"]
    assert_error(_post(officer, f"/api/catalog/bundles/{bundle_id}/publish", {}), 409)


def test_openapi_lists_the_catalog(published):
    paths = api_client(f.UserFactory()).get("/api/openapi.json").json()["paths"]
    assert {
        "/api/catalog/items",
        "/api/catalog/items/{item_id}",
        "/api/catalog/bundles",
        "/api/catalog/bundles/{bundle_id}",
    } <= set(paths)
