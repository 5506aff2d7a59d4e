"""The news feeds: RSS 2.0 and Atom 1.0, valid XML, the latest published articles with
title, link, date and summary; withdrawn articles leave them."""

import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest

from onevisit.portal import services
from onevisit.portal.models import ArticleKind
from onevisit.testing import case_factories as cf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def newsroom():
    org = f.organization(region=df.county())
    return org, cf.reviewer_of(org), cf.reviewer_of(org, head=True)


def publish(newsroom, **kw):
    org, writer, head = newsroom
    draft = services.ArticleDraft(**{"title": "新闻", "body": "正文。", **kw})
    article = services.article_create(actor=writer, organization=org, draft=draft)
    services.article_submit(actor=writer, article=article)
    return services.article_publish(actor=head, article=article)


def rss_items(client):
    response = client.get("/news/feed.rss")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel").findall("item")


def atom_entries(client):
    response = client.get("/news/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def test_both_feeds_carry_published_articles_and_drop_withdrawn_ones(client, newsroom):
    article = publish(
        newsroom,
        title="办事大厅 <周末> 开放 & 延时",
        summary="周六上午开放。",
        kind=ArticleKind.ANNOUNCEMENT,
    )
    org, writer, head = newsroom
    # A draft is in neither feed.
    services.article_create(
        actor=writer, organization=org, draft=services.ArticleDraft(title="草稿", body="正文")
    )

    (item,) = rss_items(client)
    assert item.findtext("title") == "办事大厅 <周末> 开放 & 延时"
    assert item.findtext("link") == f"http://testserver/news/{article.pk}/"
    assert item.findtext("description") == "周六上午开放。"
    assert parsedate_to_datetime(item.findtext("pubDate")) == article.published_at.replace(
        microsecond=0
    )

    (entry,) = atom_entries(client)
    assert entry.findtext(f"{ATOM}title") == "办事大厅 <周末> 开放 & 延时"
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver/news/{article.pk}/"
    assert entry.findtext(f"{ATOM}summary") == "周六上午开放。"
    assert entry.findtext(f"{ATOM}published")

    services.article_withdraw(actor=head, article=article, reason="有误")
    assert rss_items(client) == []
    assert atom_entries(client) == []


def test_the_feeds_hold_the_latest_thirty_newest_first(client, newsroom):
    articles = [publish(newsroom, title=f"新闻{n}") for n in range(31)]
    links = [i.findtext("link") for i in rss_items(client)]
    expected = [f"http://testserver/news/{a.pk}/" for a in reversed(articles)][:30]
    assert links == expected
    hrefs = [e.find(f"{ATOM}link").get("href") for e in atom_entries(client)]
    assert hrefs == expected


def test_an_english_title_is_used_in_english(client, newsroom):
    publish(newsroom, title="中文标题", title_en="English title", body_en="English text.")
    (item,) = rss_items(client)
    assert item.findtext("title") == "English title"
    assert item.findtext("description") == "English text."


def test_the_feeds_are_served_from_the_cache(client, newsroom):
    publish(newsroom)
    assert client.get("/news/feed.rss")["X-Portal-Cache"] == "miss"
    second = client.get("/news/feed.rss")
    assert second["X-Portal-Cache"] == "hit"
    assert second["Content-Type"].startswith("application/rss+xml")
    ET.fromstring(second.content)
