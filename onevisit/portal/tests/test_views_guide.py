"""Service guides: an item, a bundle, a department, a region; printable; 404 for what is
not public."""

import datetime

import pytest
from django.urls import reverse

from onevisit.catalog import services as catalog_services
from onevisit.catalog.choices import EventKind, MaterialSource
from onevisit.testing import catalog_factories as cf
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

FORM = [
    {
        "key": "name",
        "label_en": "Applicant's name",
        "label_zh": "申请人姓名",
        "type": "text",
        "required": True,
    },
    {"key": "shop", "label_en": "Shop name", "label_zh": "店名", "type": "text", "required": False},
]


def _item(name: str, *, materials=({"name": "申请表"},), organization=None, **changes):
    item = cf.service_item(organization=organization)
    version = cf.draft(item, **{**cf.COMPLETE, "name": name, **changes})
    for spec in materials:
        cf.material(version, **spec)
    cf.publish(version)
    return item


@pytest.fixture
def food():
    """An online licensing item with an applicant's material and two the government fetches."""
    issuing = _item("营业执照核发", materials=[{"name": "申请书"}])
    item = _item(
        "食品经营许可（新办）",
        online=True,
        conditions="已取得营业执照，有与经营相适应的场所。",
        place="桐庐县行政服务中心二楼 12 号窗口",
        hours="工作日 8:30—12:00，13:30—17:00",
        fee=True,
        fee_items=[{"name": "工本费", "standard": "每证 10 元"}],
        form_fields=FORM,
        faqs=[{"question": "可以网上办吗？", "answer": "可以，全程网办。"}],
        materials=[
            {"name": "食品经营许可申请书"},
            {
                "name": "营业执照",
                "source": MaterialSource.ELECTRONIC_LICENCE,
                "licence_type": "business_licence",
            },
            {"name": "场所产权证明", "source": MaterialSource.OTHER_DEPARTMENT},
            {
                "name": "营业执照核发结果",
                "source": MaterialSource.ISSUED_BY_ITEM,
                "source_item": issuing,
            },
        ],
    )
    return item, issuing


def _rows(html: str) -> dict[str, str]:
    """The materials table's rows by material name."""
    table = html.split('class="data materials-table"')[1].split("</table>")[0]
    rows = {}
    for row in table.split("<tr")[2:]:
        name = row.split('scope="row">')[1].split("<")[0].strip()
        rows[name] = row
    return rows


def test_an_item_guide_says_everything_an_applicant_needs(client, food):
    item, issuing = food
    response = client.get(reverse("portal:item", args=[item.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1 and "食品经营许可（新办）" in html
    assert "已取得营业执照，有与经营相适应的场所。" in html
    assert "桐庐县行政服务中心二楼 12 号窗口" in html and "工作日 8:30—12:00" in html
    assert "工本费" in html and "每证 10 元" in html
    assert "5 working days" in html and "20 working days" in html  # promised and legal
    assert "None: you need not come in person" in html
    assert "Applicant&#x27;s name" in html and "Shop name" in html
    assert "可以网上办吗？" in html
    # the materials the government fetches are marked, the applicant's own are not
    rows = _rows(html)
    assert set(rows) == {"食品经营许可申请书", "营业执照", "场所产权证明", "营业执照核发结果"}
    fetched = "The government fetches it"
    assert fetched not in rows["食品经营许可申请书"]
    assert all(fetched in rows[n] for n in ("营业执照", "场所产权证明", "营业执照核发结果"))
    assert reverse("portal:item", args=[issuing.pk]) in rows["营业执照核发结果"]
    # the apply button, and breadcrumbs Home > department > item
    assert f'href="{reverse("cases:apply_item", args=[item.pk])}"' in html
    crumbs = html.split('class="breadcrumb"')[1].split("</nav>")[0]
    assert (
        crumbs.index("Home") < crumbs.index(item.organization.name) < crumbs.index("食品经营许可")
    )
    assert reverse("portal:department", args=[item.organization.pk]) in crumbs


def test_the_apply_button_needs_a_login(client, food):
    item, _issuing = food
    response = client.get(reverse("cases:apply_item", args=[item.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_an_item_not_applied_for_online_sends_to_the_window(client):
    item = _item("户外招牌设置许可", place="县城管局一楼窗口")
    html = client.get(reverse("portal:item", args=[item.pk])).content.decode()
    assert reverse("cases:apply_item", args=[item.pk]) not in html
    assert "This cannot be applied for online" in html and 'href="#where"' in html


def test_the_guide_prints(client, food):
    item, _issuing = food
    url = reverse("portal:item", args=[item.pk])
    html = client.get(url, {"print": "1"}).content.decode()
    assert 'class="mode-standard print-view"' in html
    assert f'href="{url}">Back to the normal view' in html
    assert f"http://testserver{url}" in html  # the printed guide carries its address
    screen = client.get(url).content.decode()
    assert "print-view" not in screen.split("<head>")[0]
    assert f'href="{url}?print=1"' in screen


def test_a_retired_or_unpublished_item_has_no_guide(client, food):
    item, _issuing = food
    assert client.get(reverse("portal:item", args=[item.pk])).status_code == 200
    catalog_services.service_item_retire(actor=None, item=item, date=datetime.date(2021, 1, 1))
    assert client.get(reverse("portal:item", args=[item.pk])).status_code == 404
    draft_only = cf.service_item()
    cf.draft(draft_only, **cf.COMPLETE, name="草稿事项")
    assert client.get(reverse("portal:item", args=[draft_only.pk])).status_code == 404
    assert client.get("/guide/items/999999/").status_code == 404


def test_a_bundle_guide_joins_its_items(client):
    hospital = f.organization(name="桐庐县第一人民医院")
    police = f.organization(name="桐庐县公安局")
    birth = _item(
        "出生医学证明首次签发",
        organization=hospital,
        online=True,
        promised_limit=1,
        form_fields=FORM[:1],
        place="县医院一楼",
        hours="全天",
        materials=[
            {"name": "申请人身份证明"},
            {"name": "住院分娩记录", "source": "other_department"},
        ],
    )
    register = _item(
        "出生登记（户口申报）",
        organization=police,
        online=True,
        promised_limit=7,
        form_fields=FORM,
        place="县行政服务中心",
        hours="工作日",
        materials=[{"name": "申请人身份证明"}, {"name": "父母结婚证"}],
    )
    bundle = cf.bundle(
        [birth, register], publish=True, name="出生一件事", event_kind=EventKind.LIFE
    )
    response = client.get(reverse("portal:bundle", args=[bundle.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1 and "出生一件事" in html
    assert reverse("portal:item", args=[birth.pk]) in html
    assert reverse("portal:item", args=[register.pk]) in html
    # the combined promised time is the slowest item's (handled in parallel)
    glance = html.split('id="glance-title"')[1].split("</section>")[0]
    assert "7 working days" in glance and "2 departments" in glance
    # each material once, the form's fields once
    rows = _rows(html)
    assert list(rows) == ["申请人身份证明", "住院分娩记录", "父母结婚证"]
    assert "The government fetches it" in rows["住院分娩记录"]
    assert html.count("Applicant&#x27;s name") == 1 and "Shop name" in html
    assert "县医院一楼" in html and "县行政服务中心" in html
    assert f'href="{reverse("cases:apply_bundle", args=[bundle.pk])}"' in html
    crumbs = html.split('class="breadcrumb"')[1].split("</nav>")[0]
    assert reverse("portal:region", args=[bundle.region.code]) in crumbs


def test_an_unpublished_bundle_has_no_guide(client, food):
    item, issuing = food
    bundle = cf.bundle([item, issuing])
    assert client.get(reverse("portal:bundle", args=[bundle.pk])).status_code == 404


def test_a_department_page_lists_its_items_by_type(client):
    bureau = f.organization(name="桐庐县市场监督管理局")
    licence = _item("食品经营许可", organization=bureau)
    service = _item("个体户登记咨询", organization=bureau, type_code=20)
    retired = _item("已取消事项", organization=bureau)
    catalog_services.service_item_retire(actor=None, item=retired, date=datetime.date(2021, 1, 1))
    response = client.get(reverse("portal:department", args=[bureau.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1 and "桐庐县市场监督管理局" in html
    assert "Administrative licensing" in html and "Public service" in html
    assert html.index("食品经营许可") < html.index("个体户登记咨询")
    assert reverse("portal:item", args=[licence.pk]) in html
    assert reverse("portal:item", args=[service.pk]) in html
    assert "已取消事项" not in html
    crumbs = html.split('class="breadcrumb"')[1].split("</nav>")[0]
    assert reverse("portal:region", args=[bureau.region.code]) in crumbs


def test_an_unknown_department_or_one_without_services_is_not_found(client):
    assert client.get("/guide/departments/999999/").status_code == 404
    idle = f.organization(name="无事项的单位")
    assert client.get(reverse("portal:department", args=[idle.pk])).status_code == 404


def test_a_region_page_lists_departments_bundles_and_regions_below(client):
    a = _item("事项甲", online=True)
    b = _item("事项乙", online=True)
    bundle = cf.bundle([a, b], publish=True, name="开办企业一件事")
    county = a.organization.region
    response = client.get(reverse("portal:region", args=[county.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("portal:department", args=[a.organization.pk]) in html
    assert reverse("portal:bundle", args=[bundle.pk]) in html
    city = client.get(reverse("portal:region", args=[county.parent.code])).content.decode()
    assert reverse("portal:region", args=[county.code]) in city  # entry to the region below
    crumbs = html.split('class="breadcrumb"')[1].split("</nav>")[0]
    assert reverse("portal:region", args=[county.parent.code]) in crumbs
    assert client.get("/guide/regions/999999/").status_code == 404


def test_guides_are_cached_for_anonymous_visitors(client, food):
    item, _issuing = food
    url = reverse("portal:item", args=[item.pk])
    assert client.get(url)["X-Portal-Cache"] == "miss"
    assert client.get(url)["X-Portal-Cache"] == "hit"
    assert client.get(url, {"print": "1"})["X-Portal-Cache"] == "miss"
