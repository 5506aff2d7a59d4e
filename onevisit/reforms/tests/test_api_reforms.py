import datetime

import pytest

from onevisit.core.models import Role
from onevisit.orgs.models import Organization
from onevisit.testing import factories as f
from onevisit.testing.api import api_client

pytestmark = pytest.mark.django_db

D = datetime.date(2021, 3, 1)


@pytest.fixture
def county():
    region = f.RegionFactory(code="330122")
    a = f.organization(name="桐庐县国土资源局", region=region, functions=["土地管理"])
    b = f.organization(name="桐庐县规划局", region=region, functions=["城乡规划"])
    f.appoint(a, start_date=datetime.date(2020, 1, 1))
    return region, a, b


def test_officer_drafts_checks_and_approves_a_merge_through_http(county):
    region, a, b = county
    client = api_client(f.officer(region))
    created = client.post(
        "/api/reform-plans",
        {
            "name": "合并",
            "document_number": "桐委〔2021〕1号",
            "effective_date": D.isoformat(),
            "region": "330122",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    plan_id = created.json()["id"]
    r = client.post(
        f"/api/reform-plans/{plan_id}/operations",
        {"kind": "merge", "payload": {"sources": [b.pk], "into": a.pk}},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    check = client.get(f"/api/reform-plans/{plan_id}/check").json()
    assert check["ok"] is True
    abolished = next(s for s in check["impact"] if s["key"] == "abolished")
    assert abolished["lines"] == ["桐庐县规划局"]
    assert client.post(f"/api/reform-plans/{plan_id}/submit").status_code == 200
    approved = client.post(f"/api/reform-plans/{plan_id}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "applied"

    before = client.get("/api/registry/as-of", {"date": "2021-02-28", "region": "330122"}).json()
    after = client.get("/api/registry/as-of", {"date": "2021-03-01", "region": "330122"}).json()
    assert {o["name"] for o in before} == {"桐庐县国土资源局", "桐庐县规划局"}
    assert {o["name"] for o in after} == {"桐庐县国土资源局"}
    diff = client.get("/api/registry/diff", {"start": "2021-01-01", "end": "2021-12-31"}).json()
    assert [(m["predecessor"]["name"], m["successor"]["name"]) for m in diff["merged"]] == [
        ("桐庐县规划局", "桐庐县国土资源局")
    ]
    lineage = client.get(f"/api/organizations/{a.pk}/lineage").json()
    assert [p["predecessor"]["name"] for p in lineage["predecessors"]] == ["桐庐县规划局"]
    as_of = client.get(f"/api/organizations/{b.pk}/as-of", {"date": "2021-02-01"}).json()
    assert as_of["exists"] is True and as_of["functions"] == ["城乡规划"]


def test_invalid_plan_is_refused_with_the_operation_named(county):
    region, a, _b = county
    client = api_client(f.officer(region))
    plan_id = client.post(
        "/api/reform-plans",
        {
            "name": "撤销",
            "document_number": "X",
            "effective_date": D.isoformat(),
            "region": "330122",
        },
        content_type="application/json",
    ).json()["id"]
    client.post(
        f"/api/reform-plans/{plan_id}/operations",
        {"kind": "abolish", "payload": {"organization": a.pk}},
        content_type="application/json",
    )
    client.post(f"/api/reform-plans/{plan_id}/submit")
    r = client.post(f"/api/reform-plans/{plan_id}/approve")
    assert r.status_code == 409
    assert r.json()["code"] == "plan_invalid" and "Operation 1" in r.json()["detail"]
    assert Organization.objects.get(pk=a.pk).valid_to is None


def test_bad_operation_is_a_400_and_plans_are_scoped(county):
    region, a, _b = county
    officer = api_client(f.officer(region))
    plan_id = officer.post(
        "/api/reform-plans",
        {"name": "x", "document_number": "y", "effective_date": D.isoformat(), "region": "330122"},
        content_type="application/json",
    ).json()["id"]
    r = officer.post(
        f"/api/reform-plans/{plan_id}/operations",
        {"kind": "transfer_quota", "payload": {"source": a.pk, "target": "oops"}},
        content_type="application/json",
    )
    assert r.status_code == 400 and "transfer_quota" in r.json()["detail"]
    clerk = f.UserFactory()
    f.grant(clerk, Role.WINDOW_CLERK, region=region, organization=a)
    assert api_client(clerk).get(f"/api/reform-plans/{plan_id}").status_code == 404
    other = f.officer(f.RegionFactory(code="330603"))
    assert api_client(other).get(f"/api/reform-plans/{plan_id}").status_code == 404
