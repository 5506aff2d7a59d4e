"""The registry's pages, rendered through the Django test client."""

import pytest
from django.urls import reverse
from django.utils import timezone

from onevisit.core.identifiers import mask_identity_number
from onevisit.core.models import Role
from onevisit.orgs.choices import QuotaCategory
from onevisit.orgs.models import Appointment, Person, QuotaBalance
from onevisit.regions.models import Level
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions():
    zj = f.RegionFactory(code="33", name="浙江省", level=Level.PROVINCE)
    hz = f.RegionFactory(code="3301", name="杭州市", level=Level.CITY, parent=zj)
    tl = f.RegionFactory(code="330122", name="桐庐县", level=Level.COUNTY, parent=hz)
    return {"33": zj, "3301": hz, "330122": tl}


@pytest.fixture
def bureau(regions):
    org = f.organization(
        name="桐庐县自然资源和规划局",
        region=regions["330122"],
        quotas=[(QuotaCategory.ADMINISTRATIVE, "", 3)],
        functions=["Implement the land and spatial planning of the county."],
        bodies=[("Office", "Daily affairs"), ("Planning Section", "Spatial plans")],
    )
    return org


@pytest.fixture
def other(regions):
    return f.organization(name="桐庐县财政局", region=regions["330122"])


def _clerk_of(org, region):
    user = f.UserFactory()
    f.grant(user, Role.WINDOW_CLERK, region=region, organization=org)
    return user


def test_home_and_login_pages_render(client):
    home = client.get("/")
    assert home.status_code == 200
    assert reverse("orgs:tree") in home.content.decode()
    assert reverse("orgs:staffing", args=["33"]) in home.content.decode()
    login = client.get(reverse("login"))
    assert login.status_code == 200
    assert b'<label for="id_username">' in login.content


def test_tree_lists_organizations_by_region_and_filters(client, bureau, other, regions):
    county_org = f.organization(name="Tonglu Finance Office", region=regions["330122"])
    subordinate = f.organization(
        name="桐庐县不动产登记中心",
        region=regions["330122"],
        managing_organization=bureau,
        quotas=[(QuotaCategory.SERVICE_STAFF, "", 2)],
    )
    page = client.get(reverse("orgs:tree"), {"region": "3301"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "桐庐县自然资源和规划局" in html and county_org.name in html
    # a managed organization is nested under its manager
    manager_at = html.index(f'href="/orgs/{bureau.pk}/"')
    nested_at = html.index(f'href="/orgs/{subordinate.pk}/"')
    assert manager_at < nested_at
    assert "<ul>" in html[manager_at:nested_at]
    # child region links go down the hierarchy
    assert "?region=330122" in html
    found = client.get(reverse("orgs:tree"), {"region": "3301", "q": "规划"}).content.decode()
    assert "桐庐县自然资源和规划局" in found and "桐庐县财政局" not in found


def test_tree_htmx_request_returns_only_the_results(client, bureau):
    response = client.get(reverse("orgs:tree"), {"q": "规划"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert "桐庐县自然资源和规划局" in response.content.decode()


def test_tree_has_no_n_plus_one(client, regions, django_assert_max_num_queries):
    for i in range(30):
        f.organization(name=f"Bureau {i:02d}", region=regions["330122"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("orgs:tree"), {"region": "33"})
    assert response.content.decode().count('href="/orgs/') >= 30


def test_charter_sheet_shows_the_charter_and_quotas(client, bureau):
    f.appoint(bureau)
    html = client.get(reverse("orgs:detail", args=[bureau.pk])).content.decode()
    assert "Implement the land and spatial planning of the county." in html
    assert "Planning Section" in html and "Spatial plans" in html
    assert 'data-col="approved">3<' in html and 'data-col="actual">1<' in html
    assert 'data-col="vacant">2<' in html
    # anonymous visitors see the public charter, not the staff
    assert 'id="staff"' not in html


def test_clerk_sees_own_staff_masked_and_not_other_organizations(client, bureau, other, regions):
    mine = f.appoint(bureau)
    f.appoint(other)
    client.force_login(_clerk_of(bureau, regions["330122"]))
    assert client.get(reverse("orgs:staff", args=[other.pk])).status_code == 404
    other_sheet = client.get(reverse("orgs:detail", args=[other.pk]))
    assert other_sheet.status_code == 200 and b'id="staff"' not in other_sheet.content
    own = client.get(reverse("orgs:staff", args=[bureau.pk])).content.decode()
    number = mine.person.identity_number
    assert mask_identity_number(number) in own and number not in own
    sheet = client.get(reverse("orgs:detail", args=[bureau.pk])).content.decode()
    assert 'id="staff"' in sheet and mask_identity_number(number) in sheet
    # a clerk may not manage: no buttons, and the forms are 404
    assert reverse("orgs:appointment_end", args=[mine.pk]) not in sheet
    assert client.get(reverse("orgs:appoint", args=[bureau.pk])).status_code == 404
    assert client.get(reverse("orgs:appointment_end", args=[mine.pk])).status_code == 404


def test_establishment_officer_sees_full_identity_numbers(client, bureau, regions):
    appointment = f.appoint(bureau)
    client.force_login(f.officer(regions["330122"]))
    sheet = client.get(reverse("orgs:detail", args=[bureau.pk])).content.decode()
    assert appointment.person.identity_number in sheet
    assert reverse("orgs:appointment_end", args=[appointment.pk]) in sheet
    assert reverse("orgs:appointment_transfer", args=[appointment.pk]) in sheet


def test_officer_of_another_region_may_not_appoint(client, bureau, regions):
    keqiao = f.RegionFactory(code="330603", name="柯桥区", level=Level.COUNTY)
    client.force_login(f.officer(keqiao))
    assert client.get(reverse("orgs:appoint", args=[bureau.pk])).status_code == 404
    assert client.get(reverse("orgs:staff", args=[bureau.pk])).status_code == 404


def test_anonymous_user_is_sent_to_log_in_for_staff_pages(client, bureau):
    response = client.get(reverse("orgs:staff", args=[bureau.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def _appoint_data(name="张三", **extra):
    return {
        "identity_number": f.identity_number(),
        "name": name,
        "slot": "administrative:",
        "internal_body": "",
        "post_rank": "",
        "start_date": "2024-03-01",
        "document_number": "桐编〔2024〕1号",
        **extra,
    }


def test_appointment_form_appoints_and_redirects(client, bureau, regions):
    client.force_login(f.officer(regions["330122"]))
    form = client.get(reverse("orgs:appoint", args=[bureau.pk])).content.decode()
    assert "3 vacant of 3" in form
    response = client.post(reverse("orgs:appoint", args=[bureau.pk]), _appoint_data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("orgs:detail", args=[bureau.pk])
    html = response.content.decode()
    assert "张三 was appointed" in html
    assert 'data-col="actual">1<' in html
    assert Appointment.objects.filter(organization=bureau, person__name="张三").exists()


def test_appointment_over_htmx_answers_with_a_client_redirect(client, bureau, regions):
    client.force_login(f.officer(regions["330122"]))
    response = client.post(
        reverse("orgs:appoint", args=[bureau.pk]), _appoint_data(), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("orgs:detail", args=[bureau.pk])


def test_over_staffing_is_refused_with_409_and_creates_nothing(client, bureau, regions):
    for _ in range(3):
        f.appoint(bureau)
    client.force_login(f.officer(regions["330122"]))
    people, appointments = Person.objects.count(), Appointment.objects.count()
    data = _appoint_data(name="李四")
    response = client.post(reverse("orgs:appoint", args=[bureau.pk]), data)
    assert response.status_code == 409
    html = response.content.decode()
    alert = html[html.index('role="alert"') :]
    alert = alert[: alert.index("</div>")]
    assert "桐庐县自然资源和规划局" in alert
    assert "Administrative" in alert
    assert "3 approved" in alert and "3 already filled" in alert
    # the entered values are kept
    assert data["identity_number"] in html and "李四" in html
    assert (Person.objects.count(), Appointment.objects.count()) == (people, appointments)
    assert QuotaBalance.objects.get(organization=bureau).actual == 3
    # over htmx, only the form comes back, with the same status
    partial = client.post(
        reverse("orgs:appoint", args=[bureau.pk]), data, headers={"HX-Request": "true"}
    )
    assert partial.status_code == 409 and b"<html" not in partial.content
    assert b'role="alert"' in partial.content


def test_invalid_identity_number_is_a_400_with_the_message(client, bureau, regions):
    client.force_login(f.officer(regions["330122"]))
    data = _appoint_data(identity_number="330122198001010000")
    response = client.post(reverse("orgs:appoint", args=[bureau.pk]), data)
    assert response.status_code == 400
    assert "not a valid resident identity number" in response.content.decode()
    assert not Person.objects.filter(name="张三").exists()


def test_end_and_transfer_appointments(client, bureau, other, regions):
    leaving, moving = f.appoint(bureau), f.appoint(bureau)
    today = timezone.localdate().isoformat()
    client.force_login(f.officer(regions["330122"]))
    response = client.post(
        reverse("orgs:appointment_end", args=[leaving.pk]),
        {"end_date": today, "reason": "Retired", "document_number": ""},
    )
    assert response.status_code == 302
    leaving.refresh_from_db()
    assert leaving.end_date is not None and leaving.end_reason == "Retired"
    form = client.get(reverse("orgs:appointment_transfer", args=[moving.pk])).content.decode()
    assert other.name in form
    response = client.post(
        reverse("orgs:appointment_transfer", args=[moving.pk]),
        {
            "to_organization": other.pk,
            "category": "administrative",
            "funding_type": "",
            "post_rank": "",
            "transfer_date": today,
            "document_number": "桐编〔2024〕9号",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:detail", args=[other.pk])
    assert (
        Appointment.objects.get(person=moving.person, end_date__isnull=True).organization == other
    )
    assert QuotaBalance.objects.get(organization=bureau).actual == 0


def test_staffing_overview_per_category_level_and_child_region(
    client, regions, bureau, django_assert_max_num_queries
):
    f.appoint(bureau)
    keqiao_city = f.RegionFactory(
        code="3306", name="绍兴市", level=Level.CITY, parent=regions["33"]
    )
    f.organization(name="浙江省机构编制委员会办公室", region=regions["33"], level=Level.PROVINCE)
    f.organization(name="绍兴市财政局", region=keqiao_city, level=Level.CITY)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("orgs:staffing", args=["33"]))
    assert response.status_code == 200
    html = response.content.decode()
    table = html[html.index('id="by-region"') :]
    hangzhou = table[table.index("杭州市") :]
    hangzhou = hangzhou[: hangzhou.index("</tr>")]
    # Hangzhou: one organization, 3 approved, 1 actual, 2 vacant
    assert "<td>1</td><td>3</td><td>1</td><td>2</td>" in hangzhou
    assert "绍兴市" in table
    assert "Province" in html and "County / district" in html


def test_unknown_region_and_organization_are_404(client):
    assert client.get(reverse("orgs:staffing", args=["99"])).status_code == 404
    assert client.get(reverse("orgs:detail", args=[999999])).status_code == 404
    assert client.get(reverse("orgs:tree"), {"region": "99"}).status_code == 404


def test_chinese_pages_render_chinese_text(client, bureau, regions):
    html = client.get(
        reverse("orgs:detail", args=[bureau.pk]), headers={"Accept-Language": "zh-hans"}
    ).content.decode()
    assert 'lang="zh-Hans"' in html
    assert "编制" in html and "领导职数" in html
    assert "Staffing quotas" not in html
    client.cookies["django_language"] = "zh-hans"
    tree = client.get(reverse("orgs:tree")).content.decode()
    assert "机构" in tree and "Organizations" not in tree


def test_language_switch_is_on_every_page(client, bureau):
    for url in [
        "/",
        reverse("orgs:tree"),
        reverse("orgs:detail", args=[bureau.pk]),
        reverse("orgs:staffing", args=["330122"]),
        reverse("login"),
    ]:
        html = client.get(url).content.decode()
        assert 'href="/lang/zh-hans/?next=' in html, url
        assert 'class="skip-link"' in html, url
