"""The portal's home page: what it shows, and its page cache retired by publications."""

import pytest
from django.urls import reverse

from onevisit.catalog.choices import EventKind
from onevisit.portal import services
from onevisit.portal.models import EntryKind, SearchEntry
from onevisit.testing import case_factories as kf
from onevisit.testing import catalog_factories as cf
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db


def _article(title: str):
    org = f.organization()
    writer, head = kf.reviewer_of(org), kf.reviewer_of(org, head=True)
    draft = services.ArticleDraft(title=title, body="周六上午开放。")
    article = services.article_create(actor=writer, organization=org, draft=draft)
    services.article_submit(actor=writer, article=article)
    return services.article_publish(actor=head, article=article)


def test_the_home_page_offers_every_entry(client):
    item, _ = cf.published_item(name="食品经营许可")
    other, _ = cf.published_item(name="户外招牌设置")
    bundle = cf.bundle([item, other], publish=True, name="开餐馆一件事", event_kind=EventKind.LIFE)
    SearchEntry.objects.filter(kind=EntryKind.ITEM, object_id=other.pk).update(popularity=50)
    article = _article("政务服务中心延长周末办理时间")

    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'role="search"' in html and f'action="{reverse("portal:search")}"' in html
    assert reverse("portal:bundle", args=[bundle.pk]) in html and "开餐馆一件事" in html
    # popular services: the most used first, each with its department
    popular = html.split('id="popular"')[1].split("</section>")[0]
    assert popular.index("户外招牌设置") < popular.index("食品经营许可")
    assert other.organization.name in popular
    # Hot News links to the news pages and shows the latest article
    news = html.split('id="hot-news"')[1].split("</section>")[0]
    assert "政务服务中心延长周末办理时间" in news and article.get_absolute_url() in news
    assert f'href="{reverse("portal:news")}"' in news
    # by department and by region
    assert reverse("portal:department", args=[item.organization.pk]) in html
    assert reverse("portal:region", args=[item.organization.region.code]) in html
    # breadcrumbs on the home page too, and the old home's officers' section is not shown
    assert 'class="breadcrumb"' in html and 'id="shortcuts"' not in html


def test_the_anonymous_home_is_cached_until_something_is_published(client):
    item, _ = cf.published_item(name="甲事项登记")
    first = client.get("/")
    assert first["X-Portal-Cache"] == "miss"
    second = client.get("/")
    assert second["X-Portal-Cache"] == "hit"
    assert second.content == first.content

    second_item, _ = cf.published_item(name="乙事项新办")  # a publication retires the pages
    third = client.get("/")
    assert third["X-Portal-Cache"] == "miss"
    assert "乙事项新办" in third.content.decode()
    assert client.get("/")["X-Portal-Cache"] == "hit"

    cf.bundle([item, second_item], publish=True, name="新生活一件事", event_kind=EventKind.LIFE)
    fourth = client.get("/")
    assert fourth["X-Portal-Cache"] == "miss"
    assert "新生活一件事" in fourth.content.decode()


def test_a_page_is_kept_per_language_and_reading_mode(client):
    cf.published_item()
    assert client.get("/")["X-Portal-Cache"] == "miss"
    client.cookies["ov_mode"] = "contrast"
    contrast = client.get("/")
    assert contrast["X-Portal-Cache"] == "miss"
    assert 'class="mode-contrast"' in contrast.content.decode()
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get("/")
    assert chinese["X-Portal-Cache"] == "miss"
    assert 'lang="zh-Hans"' in chinese.content.decode()


def test_anonymous_pages_carry_no_csrf_token(client):
    cf.published_item()
    response = client.get("/")
    html = response.content.decode()
    assert "X-CSRFToken" not in html and "csrfmiddlewaretoken" not in html
    assert "csrftoken" not in response.cookies


def test_an_authenticated_visitor_is_never_served_from_the_cache(client):
    cf.published_item(name="丙事项")
    client.get("/")
    assert client.get("/")["X-Portal-Cache"] == "hit"
    officer = f.UserFactory()
    client.force_login(officer)
    for _ in range(2):
        response = client.get("/")
        assert response.status_code == 200
        assert "X-Portal-Cache" not in response
    html = response.content.decode()
    assert str(officer) in html and "X-CSRFToken" in html
    # the officers' shortcuts to the registry, which the old home page offered
    shortcuts = html.split('id="shortcuts"')[1].split("</section>")[0]
    assert reverse("orgs:tree") in shortcuts and reverse("orgs:staffing", args=["33"]) in shortcuts


def test_a_citizen_finds_apply_and_my_cases_among_the_shortcuts(client):
    citizen, _applicant = kf.citizen_account()
    client.force_login(citizen)
    html = client.get("/").content.decode()
    shortcuts = html.split('id="shortcuts"')[1].split("</section>")[0]
    assert reverse("cases:apply_index") in shortcuts and reverse("cases:mine") in shortcuts
    assert reverse("cases:tasks") not in shortcuts


def test_a_post_to_the_home_page_is_refused(client):
    assert client.post("/").status_code in (403, 405)
