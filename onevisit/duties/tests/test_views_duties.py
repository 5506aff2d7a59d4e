"""The pages of the power and responsibility lists, through the Django test client."""

import pytest
from django.urls import reverse

from onevisit.duties.analysis import analyze
from onevisit.duties.models import DutyAssignment, FindingAcknowledgement
from onevisit.orgs.choices import InstitutionClass, OrgKind
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

from ._analysis_world import LAW

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    keqiao = df.county("330603", "柯桥区")
    tonglu = df.county("330122", "桐庐县")
    housing = f.organization(
        name="柯桥区住房和城乡建设局", region=keqiao, functions=["建筑市场管理"]
    )
    enforcement = f.organization(name="柯桥区综合行政执法局", region=keqiao, functions=["综合执法"])
    centre = f.organization(
        name="柯桥区轻纺城市场服务中心",
        region=keqiao,
        kind=OrgKind.PUBLIC_INSTITUTION,
        institution_class=InstitutionClass.BUSINESS,
        functions=["市场服务"],
        quotas=[("public_institution", "full", 5)],
    )
    waste = df.base_item("XK-0001", "建筑垃圾处置核准", function="建筑市场管理", legal_bases=LAW)
    item = df.local_item(base=waste, region=keqiao)
    df.assign(item, housing)
    df.assign(item, enforcement)
    local = df.local_item(
        "330603-GG-001",
        "轻纺城市场咨询服务",
        category=20,
        region=keqiao,
        function="市场服务",
        legal_bases=LAW,
        local_reason="轻纺城特有的公共服务",
        responsibilities={"acceptance": "当场受理咨询"},
        accountability=["未按时答复的，予以通报"],
    )
    df.assign(local, centre)
    officer = f.officer(keqiao, username="keqiao-officer")
    other = f.officer(tonglu, username="tonglu-officer")
    return {
        "keqiao": keqiao,
        "housing": housing,
        "enforcement": enforcement,
        "centre": centre,
        "item": item,
        "local": local,
        "officer": officer,
        "other": other,
    }


def _multiple_leads(region):
    return [x for x in analyze(region=region) if x.code == "multiple_leads"]


def test_list_marks_base_items_and_local_additions(client, world):
    client.force_login(world["other"])  # lists are public records: any user reads them
    response = client.get(reverse("duties:list"), {"region": "330603"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "建筑垃圾处置核准" in html and "From the base catalog" in html
    assert "Local addition" in html and "轻纺城特有的公共服务" in html
    assert reverse("duties:detail", args=[world["item"].pk]) in html
    assert "柯桥区住房和城乡建设局" in html
    filtered = client.get(reverse("duties:list"), {"region": "330603", "category": "20"})
    assert "轻纺城市场咨询服务" in filtered.content.decode()
    assert "建筑垃圾处置核准" not in filtered.content.decode()
    # Only establishment officers and supervisors of the region get the findings link.
    assert reverse("duties:findings") not in html


def test_list_bad_input_is_400_and_unknown_region_404(client, world):
    client.force_login(world["officer"])
    assert client.get(reverse("duties:list"), {"region": "abc"}).status_code == 400
    assert client.get(reverse("duties:list"), {"category": "99"}).status_code == 400
    assert client.get(reverse("duties:list"), {"region": "999999"}).status_code == 404
    assert client.get(reverse("duties:list")).status_code == 200  # the officer's region


def test_duty_page_shows_everything_and_forms_only_to_the_regions_officer(client, world):
    client.force_login(world["officer"])
    html = client.get(reverse("duties:detail", args=[world["local"].pk])).content.decode()
    for text in [
        "330603-GG-001",
        "Public service",
        "中华人民共和国行政许可法",
        "第十二条",
        "市场服务",
        "当场受理咨询",
        "未按时答复的，予以通报",
        "柯桥区轻纺城市场服务中心",
        "Acceptance",
    ]:
        assert text in html, text
    assert "Move the item" in html and "Add the organization" in html
    client.force_login(world["other"])
    html = client.get(reverse("duties:detail", args=[world["local"].pk])).content.decode()
    assert "柯桥区轻纺城市场服务中心" in html and "Move the item" not in html
    assert client.get(reverse("duties:detail", args=[987654321])).status_code == 404
    assert client.get("/duties/99999999999999999999999/").status_code == 404


def test_officer_fixes_two_leads_through_the_duty_page(client, world):
    client.force_login(world["officer"])
    assert _multiple_leads(world["keqiao"])
    held = DutyAssignment.objects.get(duty=world["item"], organization=world["enforcement"])
    # moving it to the organization that already holds it is refused with the reason
    refused = client.post(
        reverse("duties:move", args=[held.pk]),
        {f"move-a{held.pk}-to_organization": world["housing"].pk},
    )
    assert refused.status_code == 409 and "already holds" in refused.content.decode()
    held.refresh_from_db()
    assert held.valid_to is None  # nothing changed
    # a division of labour for each lead clears the finding
    for a in DutyAssignment.objects.filter(duty=world["item"], valid_to__isnull=True):
        response = client.post(
            reverse("duties:division", args=[a.pk]),
            {f"division-a{a.pk}-text": f"{a.organization.name}负责的部分"},
        )
        assert response.status_code == 302
    assert not _multiple_leads(world["keqiao"])
    # ending one of them works too; moving the other to the centre keeps one lead
    response = client.post(
        reverse("duties:end", args=[held.pk]), {f"end-a{held.pk}-reason": "划转"}
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.valid_to is not None
    lead = DutyAssignment.objects.get(duty=world["item"], valid_to__isnull=True)
    response = client.post(
        reverse("duties:move", args=[lead.pk]),
        {
            f"move-a{lead.pk}-to_organization": world["centre"].pk,
            f"move-a{lead.pk}-legal_basis": "柯编〔2025〕1号",
        },
    )
    assert response.status_code == 302
    assert (
        DutyAssignment.objects.get(duty=world["item"], valid_to__isnull=True).organization
        == world["centre"]
    )
    # add an assignment back, then a duplicate is refused (409) with a message
    data = {"assign-organization": world["housing"].pk, "assign-role": "lead"}
    assert client.post(reverse("duties:assign", args=[world["item"].pk]), data).status_code == 302
    again = client.post(reverse("duties:assign", args=[world["item"].pk]), data)
    assert again.status_code == 409 and 'role="alert"' in again.content.decode()
    # an ended assignment cannot be changed any more
    assert client.post(reverse("duties:end", args=[held.pk]), {}).status_code == 404


def test_forms_are_404_outside_the_officers_region(client, world):
    client.force_login(world["other"])
    a = DutyAssignment.objects.filter(duty=world["item"]).first()
    assert client.post(reverse("duties:end", args=[a.pk]), {}).status_code == 404
    assert client.post(reverse("duties:division", args=[a.pk]), {}).status_code == 404
    assert client.post(reverse("duties:move", args=[a.pk]), {}).status_code == 404
    assert client.post(reverse("duties:assign", args=[world["item"].pk]), {}).status_code == 404
    assert client.post(reverse("duties:end", args=[987654]), {}).status_code == 404
    a.refresh_from_db()
    assert a.valid_to is None


def test_bad_form_input_is_400(client, world):
    client.force_login(world["officer"])
    a = DutyAssignment.objects.filter(duty=world["item"]).first()
    response = client.post(reverse("duties:end", args=[a.pk]), {f"end-a{a.pk}-date": "not a date"})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    response = client.post(reverse("duties:assign", args=[world["item"].pk]), {"assign-role": "x"})
    assert response.status_code == 400


def test_findings_page_groups_by_kind_and_links_the_objects(client, world):
    client.force_login(world["officer"])
    response = client.get(reverse("duties:findings"), {"region": "330603"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="findings-dislocation"' in html and "multiple_leads" in html
    assert "declare(s) no division of labour" in html
    assert reverse("duties:detail", args=[world["item"].pk]) in html
    assert reverse("orgs:detail", args=[world["enforcement"].pk]) in html
    assert "Acknowledge this finding" in html
    # in Chinese, the Chinese explanation
    client.cookies["django_language"] = "zh-hans"
    zh = client.get(reverse("duties:findings"), {"region": "330603"}).content.decode()
    assert "没有写明分工" in zh
    # filtered by kind
    offside = client.get(reverse("duties:findings"), {"region": "330603", "kind": "absence"})
    assert "multiple_leads" not in offside.content.decode()


def test_findings_scoping_and_bad_input(client, world):
    client.force_login(world["other"])
    assert client.get(reverse("duties:findings"), {"region": "330603"}).status_code == 404
    assert client.get(reverse("duties:clearance"), {"region": "330603"}).status_code == 404
    client.force_login(world["officer"])
    assert (
        client.get(
            reverse("duties:findings"), {"region": "330603", "as_of": "2024-13-45"}
        ).status_code
        == 400
    )
    assert (
        client.get(
            reverse("duties:findings"), {"region": "330603", "as_of": "1800-01-01"}
        ).status_code
        == 400
    )
    assert client.get(reverse("duties:findings"), {"region": "x"}).status_code == 400
    assert (
        client.get(reverse("duties:findings"), {"region": "330603", "kind": "nope"}).status_code
        == 400
    )
    assert client.get(reverse("duties:findings"), {"region": "999999"}).status_code == 404
    assert client.get(reverse("duties:findings")).status_code == 200
    user = f.UserFactory()
    client.force_login(user)
    assert client.get(reverse("duties:findings")).status_code == 404


def test_acknowledge_a_finding_with_its_reason(client, world):
    client.force_login(world["officer"])
    finding = _multiple_leads(world["keqiao"])[0]
    url = reverse("duties:acknowledge")
    missing = client.post(url, {"key": finding.key, "region": "330603", "reason": ""})
    assert missing.status_code == 400 and "Say why" in missing.content.decode()
    response = client.post(
        url, {"key": finding.key, "region": "330603", "reason": "两局已联合发文明确分工"}
    )
    assert response.status_code == 302
    ack = FindingAcknowledgement.objects.get()
    assert ack.facts == finding.facts and ack.acknowledged_by == world["officer"]
    html = client.get(reverse("duties:findings"), {"region": "330603"}).content.decode()
    acknowledged = html[html.index('id="findings-acknowledged"') :]
    assert "两局已联合发文明确分工" in acknowledged and "multiple_leads" in acknowledged
    assert (
        client.post(url, {"key": "no:such:finding", "region": "330603", "reason": "x"}).status_code
        == 404
    )
    client.force_login(world["other"])
    assert (
        client.post(url, {"key": finding.key, "region": "330603", "reason": "x"}).status_code == 404
    )


def test_clearance_report_with_its_evidence(client, world):
    client.force_login(world["officer"])
    response = client.get(reverse("duties:clearance"), {"region": "330603"})
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "柯桥区轻纺城市场服务中心" in html and "Classified as production and business type." in html
    )
    assert client.get(reverse("duties:clearance"), {"as_of": "nope"}).status_code == 400


def test_nav_link_and_anonymous_users_log_in(client, world):
    assert client.get(reverse("duties:list")).status_code == 302
    client.force_login(world["officer"])
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("duties:list")}"' in html
