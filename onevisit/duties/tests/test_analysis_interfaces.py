"""The analyzer through its interfaces: check_duties, findings_for, the findings API."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from onevisit.core.errors import NotFound
from onevisit.core.models import Role
from onevisit.duties.analysis import findings_for
from onevisit.duties.models import FindingAcknowledgement
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f
from onevisit.testing.api import api_client

from ._analysis_world import bureau, county, item

pytestmark = pytest.mark.django_db


@pytest.fixture
def wrong_level():
    org = bureau("桐庐县市场监督管理局", ["市场监管"])
    duty = item("食品经营许可", "市场监管", levels=["city"])
    df.assign(duty, org)
    return f"dislocation:wrong_level:{duty.id}:{org.id}:330122"


def test_check_duties_prints_counts_then_findings(wrong_level):
    out = StringIO()
    call_command("check_duties", "--region", "330122", stdout=out)
    text = out.getvalue()
    assert "dislocation: 1" in text and "offside: 0" in text
    assert wrong_level in text and "行使层级" in text


def test_check_duties_json_and_as_of(wrong_level):
    out = StringIO()
    call_command("check_duties", "--json", "--as-of", "2019-06-01", stdout=out)
    data = json.loads(out.getvalue())
    assert data["as_of"] == "2019-06-01" and data["findings"] == []
    out = StringIO()
    call_command("check_duties", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert wrong_level in [x["key"] for x in data["findings"]]
    assert data["counts"]["dislocation"] == 1


def test_findings_for_is_scoped_to_the_users_region(wrong_level):
    officer = f.officer(county())
    keqiao_officer = f.officer(df.county("330603", "柯桥区"))
    assert wrong_level in {x.key for x in findings_for(officer, None)}
    assert wrong_level in {x.key for x in findings_for(officer, county())}
    assert findings_for(keqiao_officer, None, kind="dislocation") == []
    with pytest.raises(NotFound):
        findings_for(keqiao_officer, county())
    with pytest.raises(NotFound):
        findings_for(f.UserFactory(), None)


def test_api_lists_and_acknowledges_findings(wrong_level):
    officer = f.officer(county())
    client = api_client(officer)
    response = client.get("/api/duties/findings", {"region": "330122", "kind": "dislocation"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["counts"]["dislocation"] == 1
    [finding] = data["items"]
    assert finding["key"] == wrong_level and not finding["acknowledged"]
    assert finding["objects"][0]["type"] == "duty"

    response = client.post(
        "/api/duties/findings/acknowledge",
        {"key": wrong_level, "reason": "试点：市级事项委托县级实施"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["facts"] == finding["facts"]
    ack = FindingAcknowledgement.objects.get()
    assert ack.acknowledged_by == officer and ack.facts == finding["facts"]
    again = client.get("/api/duties/findings", {"kind": "dislocation"}).json()["items"][0]
    assert again["acknowledged"] and again["acknowledged_reason"].startswith("试点")


def test_api_refusals(wrong_level):
    officer = api_client(f.officer(county()))
    post = "/api/duties/findings/acknowledge"
    missing = officer.post(
        post, {"key": "absence:nothing:1", "reason": "x"}, content_type="application/json"
    )
    assert missing.status_code == 404 and missing.json()["code"] == "no_such_finding"
    no_reason = officer.post(
        post, {"key": wrong_level, "reason": "  "}, content_type="application/json"
    )
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "reason_required"

    supervisor = f.UserFactory()
    f.grant(supervisor, Role.SUPERVISOR, region=county())
    client = api_client(supervisor)
    assert client.get("/api/duties/findings").status_code == 200
    refused = client.post(
        post, {"key": wrong_level, "reason": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403

    outsider = api_client(f.officer(df.county("330603", "柯桥区")))
    assert outsider.get("/api/duties/findings", {"region": "330122"}).status_code == 404
    hidden = outsider.post(
        post, {"key": wrong_level, "reason": "x"}, content_type="application/json"
    )
    assert hidden.status_code == 404
    assert Client().get("/api/duties/findings").status_code == 401
    bad = officer.get("/api/duties/findings", {"kind": "nonsense"})
    assert bad.status_code == 422
    assert not FindingAcknowledgement.objects.exists()
