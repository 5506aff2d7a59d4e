"""The API is scoped like the pages: staff within scope, full identity numbers only where
the role needs them, writes only within the establishment office's region, 404 otherwise."""

import pytest

from onevisit.core.models import Role
from onevisit.orgs.choices import QuotaCategory
from onevisit.testing import factories as f
from onevisit.testing.api import api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    tonglu = f.RegionFactory(code="330122", name="桐庐县")
    keqiao = f.RegionFactory(code="330603", name="柯桥区")
    a = f.organization(
        name="桐庐县民政局", region=tonglu, quotas=[(QuotaCategory.ADMINISTRATIVE, "", 5)]
    )
    b = f.organization(name="桐庐县财政局", region=tonglu)
    c = f.organization(name="柯桥区财政局", region=keqiao)
    person_a = f.person(name="王五")
    f.appoint(a, person=person_a)
    f.appoint(b)
    f.appoint(c)
    return {"tonglu": tonglu, "keqiao": keqiao, "a": a, "b": b, "c": c, "person_a": person_a}


def clerk_of(org, region):
    user = f.UserFactory()
    f.grant(user, Role.WINDOW_CLERK, region=region, organization=org)
    return user


def test_a_clerk_reads_their_own_staff_masked_and_nobody_elses(world):
    client = api_client(clerk_of(world["a"], world["tonglu"]))
    own = client.get(f"/api/organizations/{world['a'].pk}/staff")
    assert own.status_code == 200
    items = own.json()["items"]
    assert len(items) == 1 and own.json()["count"] == 1
    number = world["person_a"].identity_number
    assert items[0]["name"] == "王五"
    assert items[0]["identity_number"] != number
    assert items[0]["identity_number"] == number[:4] + "*" * 12 + number[-2:]
    assert number not in own.content.decode()

    other = client.get(f"/api/organizations/{world['b'].pk}/staff")
    assert other.status_code == 404
    assert other.json()["code"] == "not_found"
    assert client.get("/api/organizations/999999/staff").status_code == 404


def test_organizations_and_charters_are_public_records_to_a_clerk(world):
    client = api_client(clerk_of(world["a"], world["tonglu"]))
    assert client.get(f"/api/organizations/{world['b'].pk}").status_code == 200
    assert client.get(f"/api/organizations/{world['c'].pk}/charter").status_code == 200
    assert client.get(f"/api/organizations/{world['c'].pk}/quotas").status_code == 200


def test_the_regions_establishment_officer_sees_full_numbers(world):
    client = api_client(f.officer(world["tonglu"]))
    response = client.get(f"/api/organizations/{world['a'].pk}/staff")
    assert response.status_code == 200
    assert response.json()["items"][0]["identity_number"] == world["person_a"].identity_number
    assert client.get(f"/api/organizations/{world['c'].pk}/staff").status_code == 404


def test_a_supervisor_reads_the_region_masked(world):
    user = f.UserFactory()
    f.grant(user, Role.SUPERVISOR, region=world["tonglu"])
    client = api_client(user)
    response = client.get(f"/api/organizations/{world['b'].pk}/staff")
    assert response.status_code == 200
    assert "*" in response.json()["items"][0]["identity_number"]
    # may read, may not write: a write is a 404 like anything outside the write scope
    appt = world["a"].appointments.get()
    assert (
        client.post(f"/api/appointments/{appt.pk}/end", {}, "application/json").status_code == 404
    )


def test_an_officer_of_another_region_cannot_appoint_end_or_transfer(world):
    client = api_client(f.officer(world["keqiao"]))
    response = client.post(
        "/api/appointments",
        {
            "organization_id": world["a"].pk,
            "identity_number": f.identity_number(),
            "name": "李四",
            "category": "administrative",
        },
        content_type="application/json",
    )
    assert response.status_code == 404
    appt = world["a"].appointments.get()
    end = client.post(f"/api/appointments/{appt.pk}/end", {}, content_type="application/json")
    assert end.status_code == 404
    transfer = client.post(
        f"/api/appointments/{appt.pk}/transfer",
        {"to_organization_id": world["c"].pk, "category": "administrative"},
        content_type="application/json",
    )
    assert transfer.status_code == 404
    assert world["a"].appointments.get().end_date is None


def test_a_clerk_cannot_appoint_even_in_their_own_organization(world):
    client = api_client(clerk_of(world["a"], world["tonglu"]))
    response = client.post(
        "/api/appointments",
        {
            "organization_id": world["a"].pk,
            "identity_number": f.identity_number(),
            "name": "李四",
            "category": "administrative",
        },
        content_type="application/json",
    )
    assert response.status_code == 404


def test_a_user_without_roles_sees_no_staff(world):
    client = api_client(f.UserFactory())
    assert client.get(f"/api/organizations/{world['a'].pk}/staff").status_code == 404


def test_organization_list_filters_and_paginates(world):
    client = api_client(f.UserFactory())
    everything = client.get("/api/organizations").json()
    assert everything["count"] == 3
    tonglu = client.get("/api/organizations", {"region": "330122"}).json()
    assert {o["name"] for o in tonglu["items"]} == {"桐庐县民政局", "桐庐县财政局"}
    assert client.get("/api/organizations", {"q": "财政"}).json()["count"] == 2
    assert client.get("/api/organizations", {"kind": "public_institution"}).json()["count"] == 0
    page = client.get("/api/organizations", {"limit": 2, "offset": 2}).json()
    assert (page["count"], page["limit"], page["offset"], len(page["items"])) == (3, 2, 2, 1)
    assert client.get("/api/organizations", {"limit": 10_000}).status_code == 422
    assert client.get("/api/organizations", {"level": "galaxy"}).status_code == 422
    unknown = client.get("/api/organizations", {"region": "99"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"


def test_charter_and_quotas_show_the_registry(world):
    client = api_client(f.UserFactory())
    org = world["a"]
    charter = client.get(f"/api/organizations/{org.pk}/charter").json()
    assert charter["document_number"].startswith("测编")
    assert charter["internal_bodies"][0]["id"] == org.charters.get().internal_bodies.get().pk
    assert charter["quotas"] == [
        {
            "category": "administrative",
            "category_label": "Administrative",
            "funding_type": "",
            "approved": 5,
        }
    ]
    assert {p["rank"] for p in charter["posts"]} == {"head", "deputy"}
    quotas = client.get(f"/api/organizations/{org.pk}/quotas").json()
    assert quotas["quotas"][0] | {} == {
        "category": "administrative",
        "category_label": "Administrative",
        "funding_type": "",
        "approved": 5,
        "actual": 1,
        "vacant": 4,
    }
    assert (quotas["approved"], quotas["actual"], quotas["vacant"]) == (5, 1, 4)
    assert {p["rank"]: p["vacant"] for p in quotas["posts"]} == {"head": 1, "deputy": 2}


def test_region_endpoints(world):
    province = f.RegionFactory(code="33", name="浙江省")
    city = f.RegionFactory(code="3301", name="杭州市", parent=province)
    world["tonglu"].parent = city
    world["tonglu"].save()
    client = api_client(f.UserFactory())
    assert client.get("/api/regions").json()[0]["code"] == "33"
    detail = client.get("/api/regions/330122").json()
    assert detail == {
        "code": "330122",
        "full_code": "330122",
        "name": "桐庐县",
        "level": "county",
        "level_label": "County / district",
        "parent_code": "3301",
    }
    assert [r["code"] for r in client.get("/api/regions/3301/children").json()] == ["330122"]
    assert client.get("/api/regions/4401").status_code == 404
    assert client.get("/api/regions/abc").status_code == 422
    staffing = client.get("/api/regions/330122/staffing").json()
    assert staffing["organizations"] == 2
    assert (staffing["approved"], staffing["actual"], staffing["vacant"]) == (15, 2, 13)
    assert staffing["by_level"] == [
        {
            "level": "county",
            "level_label": "County / district",
            "approved": 15,
            "actual": 2,
            "vacant": 13,
        }
    ]
    assert client.get("/api/regions/99/staffing").status_code == 404
