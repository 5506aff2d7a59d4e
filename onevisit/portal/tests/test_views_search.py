"""The search page: results by kind with their departments, nothing found, the query
echoed safely, cached for anonymous visitors."""

import pytest
from django.urls import reverse

from onevisit.catalog.choices import EventKind
from onevisit.portal import indexing, services
from onevisit.testing import case_factories as kf
from onevisit.testing import catalog_factories as cf
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    bureau = f.organization(name="桐庐县市场监督管理局")
    food, _ = cf.published_item(name="食品经营许可", item=cf.service_item(organization=bureau))
    sign, _ = cf.published_item(name="户外招牌设置许可")
    bundle = cf.bundle([food, sign], publish=True, name="开餐馆一件事", event_kind=EventKind.LIFE)
    indexing.index_departments()
    writer, head = kf.reviewer_of(bureau), kf.reviewer_of(bureau, head=True)
    draft = services.ArticleDraft(title="食品经营许可全程网办上线", body="即日起可在网上申请。")
    article = services.article_create(actor=writer, organization=bureau, draft=draft)
    services.article_submit(actor=writer, article=article)
    article = services.article_publish(actor=head, article=article)
    return {"bureau": bureau, "food": food, "bundle": bundle, "article": article}


def _search(client, **params):
    response = client.get(reverse("portal:search"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_results_are_grouped_by_kind_with_their_department(client, catalog):
    html = _search(client, q="食品")
    assert html.count("<h1") == 1
    items = html.split('id="results-item"')[1].split("</section>")[0]
    assert reverse("portal:item", args=[catalog["food"].pk]) in items
    assert "桐庐县市场监督管理局" in items  # the item's department, from the catalog
    news = html.split('id="results-news"')[1].split("</section>")[0]
    assert catalog["article"].get_absolute_url() in news
    assert "食品经营许可全程网办上线" in news
    events = _search(client, q="开餐馆")
    assert reverse("portal:bundle", args=[catalog["bundle"].pk]) in events
    departments = _search(client, q="市场监督管理局")
    assert reverse("portal:department", args=[catalog["bureau"].pk]) in departments


def test_results_filter_by_kind(client, catalog):
    html = _search(client, q="食品", kind="news")
    assert 'id="results-news"' in html and 'id="results-item"' not in html
    filters = html.split('class="kind-filter')[1].split("</nav>")[0]
    assert 'kind=news" aria-current="page"' in filters
    assert "Services <span" in filters  # the other kinds stay one click away
    # an unknown kind is ignored
    assert 'id="results-item"' in _search(client, q="食品", kind="bogus")


def test_nothing_found_suggests_life_events_and_echoes_the_query_safely(client, catalog):
    html = _search(client, q="<script>alert(1)</script>xyzzy")
    assert "Nothing found" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;xyzzy" in html
    suggestions = html.split('id="nothing-title"')[1].split("</section>")[0]
    assert reverse("portal:bundle", args=[catalog["bundle"].pk]) in suggestions


def test_an_empty_query_shows_the_form_only(client, catalog):
    html = _search(client)
    assert 'name="q"' in html and "Nothing found" not in html and "result-list" not in html


def test_search_results_are_cached_for_anonymous_visitors(client, catalog):
    url = reverse("portal:search")
    assert client.get(url, {"q": "食品"})["X-Portal-Cache"] == "miss"
    assert client.get(url, {"q": "食品"})["X-Portal-Cache"] == "hit"
    assert client.get(url, {"q": "招牌"})["X-Portal-Cache"] == "miss"
