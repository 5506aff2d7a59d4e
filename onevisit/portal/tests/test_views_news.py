"""The newsroom's pages and the public news pages: draft → review → publish through the
pages, the article at its permanent address (410 once withdrawn), its image, the news
list, scoping of officers to their departments, and refusals shown on the page."""

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from onevisit.portal import services
from onevisit.portal.models import Article, ArticleKind, ArticleState
from onevisit.testing import case_factories as cf
from onevisit.testing import catalog_factories as catf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


@pytest.fixture
def desk():
    org = f.organization(name="桐庐县测试局", region=df.county(), name_en="Test Bureau")
    item, _version = catf.published_item(item=catf.service_item(organization=org))
    other_item, _ = catf.published_item(item=catf.service_item(organization=org))
    bundle = catf.bundle([item, other_item], publish=True)
    return {
        "org": org,
        "writer": cf.reviewer_of(org),
        "head": cf.reviewer_of(org, head=True),
        "item": item,
        "bundle": bundle,
    }


def form_data(**changes):
    return {
        "kind": ArticleKind.NEWS,
        "title": "政务服务中心周末开放",
        "title_en": "",
        "summary": "周六上午可办理。",
        "body": "自下月起，周六上午开放。\n\n请携带身份证。",
        "body_en": "",
        "image_alt": "",
        **changes,
    }


def publish(desk, **changes) -> Article:
    """An article published through the services (for the pages that only read)."""
    draft = services.ArticleDraft(
        **{"title": "一则新闻", "body": "正文。", "kind": ArticleKind.NEWS, **changes}
    )
    article = services.article_create(actor=desk["writer"], organization=desk["org"], draft=draft)
    services.article_submit(actor=desk["writer"], article=article)
    return services.article_publish(actor=desk["head"], article=article)


def test_an_article_goes_through_the_newsroom_to_its_public_address(client, desk):
    writer, head = desk["writer"], desk["head"]
    client.force_login(writer)
    response = client.post(
        "/newsroom/new/",
        form_data(
            title_en="Service centre opens on Saturdays",
            body_en="From next month, open on Saturday mornings.\n\nBring your identity card.",
            items=[desk["item"].pk],
            bundles=[desk["bundle"].pk],
        ),
    )
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/newsroom/{article.pk}/"
    assert article.state == ArticleState.DRAFT and article.author == writer
    assert list(article.items.all()) == [desk["item"]]

    # Not public yet.
    client.logout()
    assert client.get(f"/news/{article.pk}/").status_code == 404

    client.force_login(writer)
    response = client.post(f"/newsroom/{article.pk}/submit/")
    assert response.status_code == 302
    page = client.get(f"/newsroom/{article.pk}/").content.decode()
    assert "/publish/" not in page  # a writer does not review

    client.force_login(head)
    page = client.get(f"/newsroom/{article.pk}/").content.decode()
    assert f"/newsroom/{article.pk}/publish/" in page and "/return/" in page
    response = client.post(f"/newsroom/{article.pk}/publish/")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == ArticleState.PUBLISHED and article.published_by == head

    client.logout()
    response = client.get(f"/news/{article.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Service centre opens on Saturdays" in page  # English page, English title
    assert "<p>From next month, open on Saturday mornings.</p>" in page
    assert "<p>Bring your identity card.</p>" in page
    assert "Test Bureau" in page
    assert f'href="/guide/items/{desk["item"].pk}/"' in page
    assert f'href="/guide/bundles/{desk["bundle"].pk}/"' in page
    assert 'aria-label="Breadcrumb"' in page and 'href="/news/"' in page

    listing = client.get("/news/").content.decode()
    assert f'href="/news/{article.pk}/"' in listing

    # In Chinese the Chinese title and text.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(f"/news/{article.pk}/").content.decode()
    assert "政务服务中心周末开放" in page and "<p>请携带身份证。</p>" in page
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]

    client.force_login(head)
    response = client.post(f"/newsroom/{article.pk}/withdraw/", {"withdraw-note": "信息有误"})
    assert response.status_code == 302
    client.logout()
    response = client.get(f"/news/{article.pk}/")
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert f'href="/news/{article.pk}/"' not in client.get("/news/").content.decode()


def test_the_body_is_plain_text_never_html(client, desk):
    article = publish(desk, body="第一段<script>alert(1)</script>\n第一段第二行\n\n第二段")
    page = client.get(f"/news/{article.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "第一段&lt;script&gt;alert(1)&lt;/script&gt;<br>第一段第二行" in page
    assert "<p>第二段</p>" in page


def test_drafts_and_unknown_articles_are_not_found(client, desk):
    draft = services.article_create(
        actor=desk["writer"],
        organization=desk["org"],
        draft=services.ArticleDraft(title="草稿", body="正文"),
    )
    assert client.get(f"/news/{draft.pk}/").status_code == 404
    assert client.get(f"/news/{draft.pk + 1000}/").status_code == 404
    services.article_submit(actor=desk["writer"], article=draft)
    assert client.get(f"/news/{draft.pk}/").status_code == 404


def test_a_published_article_is_served_from_the_cache_until_something_is_published(client, desk):
    article = publish(desk)
    first = client.get(f"/news/{article.pk}/")
    assert first.status_code == 200 and first["X-Portal-Cache"] == "miss"
    second = client.get(f"/news/{article.pk}/")
    assert second["X-Portal-Cache"] == "hit" and second.content == first.content
    assert client.get("/news/")["X-Portal-Cache"] == "miss"
    assert client.get("/news/")["X-Portal-Cache"] == "hit"
    # A withdrawal retires the cached pages at once.
    services.article_withdraw(actor=desk["head"], article=article, reason="过期")
    assert client.get(f"/news/{article.pk}/").status_code == 410
    assert f"/news/{article.pk}/" not in client.get("/news/").content.decode()


def test_the_news_list_filters_by_kind_and_pages(client, desk):
    notice = publish(desk, title="停水通知", kind=ArticleKind.ANNOUNCEMENT)
    news = [publish(desk, title=f"新闻{n}") for n in range(11)]
    page = client.get("/news/?kind=announcement").content.decode()
    assert f'href="/news/{notice.pk}/"' in page
    assert not any(f'href="/news/{a.pk}/"' in page for a in news)
    first = client.get("/news/?kind=news").content.decode()
    # Newest first, ten a page.
    shown = [int(pk) for pk in re.findall(r'href="/news/(\d+)/"', first)]
    assert shown == [a.pk for a in reversed(news)][:10]
    second = client.get("/news/?kind=news&page=2").content.decode()
    assert f'href="/news/{news[0].pk}/"' in second
    everything = client.get("/news/").content.decode()
    assert "Page 1 of 2" in everything and 'aria-current="page">Hot News<' in everything


def test_the_image_is_served_for_published_articles_only(client, desk):
    client.force_login(desk["writer"])
    response = client.post(
        "/newsroom/new/",
        {
            **form_data(image_alt="服务大厅的窗口"),
            "image": SimpleUploadedFile("hall.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    article = Article.objects.get()
    officer_image = client.get(f"/newsroom/{article.pk}/image")
    assert officer_image.status_code == 200 and officer_image["Content-Type"] == "image/png"
    client.logout()
    assert client.get(f"/news/{article.pk}/image").status_code == 404  # a draft
    services.article_submit(actor=desk["writer"], article=article)
    services.article_publish(actor=desk["head"], article=article)
    response = client.get(f"/news/{article.pk}/image")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    page = client.get(f"/news/{article.pk}/").content.decode()
    assert f'<img src="/news/{article.pk}/image" alt="服务大厅的窗口">' in page


def test_a_file_that_is_not_a_picture_is_refused_on_the_form(client, desk):
    client.force_login(desk["writer"])
    response = client.post(
        "/newsroom/new/",
        {
            **form_data(image_alt="图"),
            "image": SimpleUploadedFile("fake.png", b"GIF89a not really", content_type="image/png"),
        },
    )
    assert response.status_code == 415
    page = response.content.decode()
    assert "The image must be a JPEG or PNG picture" in page
    assert 'value="政务服务中心周末开放"' in page  # the form keeps what was written
    assert not Article.objects.exists()


def test_officers_see_only_their_departments_articles(client, desk):
    article = services.article_create(
        actor=desk["writer"],
        organization=desk["org"],
        draft=services.ArticleDraft(title="本局草稿", body="正文"),
    )
    outsider = cf.reviewer_of(f.organization(region=df.county()), head=True)
    client.force_login(outsider)
    assert client.get(f"/newsroom/{article.pk}/edit/").status_code == 404
    assert client.get(f"/newsroom/{article.pk}/").status_code == 404
    assert client.get(f"/newsroom/{article.pk}/image").status_code == 404
    assert client.post(f"/newsroom/{article.pk}/submit/").status_code == 404
    assert "本局草稿" not in client.get("/newsroom/").content.decode()
    article.refresh_from_db()
    assert article.state == ArticleState.DRAFT
    # Someone of no department has no newsroom; a visitor is sent to log in.
    client.force_login(f.UserFactory())
    assert client.get("/newsroom/").status_code == 404
    client.logout()
    assert client.get("/newsroom/").status_code == 302


def test_the_related_services_offered_are_the_departments_own(client, desk):
    foreign_item, _ = catf.published_item()
    client.force_login(desk["writer"])
    page = client.get("/newsroom/new/").content.decode()
    assert f'value="{desk["item"].pk}"' in page and f'value="{desk["bundle"].pk}"' in page
    response = client.post("/newsroom/new/", form_data(items=[foreign_item.pk]))
    assert response.status_code == 400
    assert not Article.objects.exists()


def test_review_moves_are_offered_to_heads_who_did_not_write_the_article(client, desk):
    org, head = desk["org"], desk["head"]
    article = services.article_create(
        actor=head, organization=org, draft=services.ArticleDraft(title="局长稿", body="正文")
    )
    services.article_submit(actor=head, article=article)
    client.force_login(head)
    page = client.get(f"/newsroom/{article.pk}/").content.decode()
    assert "/publish/" not in page
    # Posted anyway, the refusal is shown on the page, not a server error.
    response = client.post(f"/newsroom/{article.pk}/publish/")
    assert response.status_code == 400
    assert "reviewed by someone other than its author" in response.content.decode()
    article.refresh_from_db()
    assert article.state == ArticleState.IN_REVIEW

    other_head = cf.reviewer_of(org, head=True)
    client.force_login(other_head)
    assert "#review" in client.get("/newsroom/").content.decode()
    response = client.post(f"/newsroom/{article.pk}/return/", {"return-note": "  "})
    assert response.status_code == 400  # a note is required
    response = client.post(f"/newsroom/{article.pk}/return/", {"return-note": "请补充地址"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == ArticleState.DRAFT and article.review_note == "请补充地址"
    # The note shows on the author's edit page; a draft is edited, nothing else.
    client.force_login(head)
    page = client.get(f"/newsroom/{article.pk}/edit/").content.decode()
    assert "请补充地址" in page
    response = client.post(
        f"/newsroom/{article.pk}/edit/", form_data(title="局长稿（修订）", body="新正文")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "局长稿（修订）" and article.body == "新正文"
    services.article_submit(actor=head, article=article)
    assert client.get(f"/newsroom/{article.pk}/edit/").status_code == 409
    # Publishing what is not in review is refused on the page (409).
    client.force_login(other_head)
    services.article_publish(actor=other_head, article=article)
    response = client.post(f"/newsroom/{article.pk}/publish/")
    assert response.status_code == 409
    assert "The article is Published." in response.content.decode()


def test_the_newsroom_lists_the_departments_articles_by_state(client, desk):
    published = publish(desk, title="已发布的新闻")
    draft = services.article_create(
        actor=desk["writer"],
        organization=desk["org"],
        draft=services.ArticleDraft(title="还在写的稿子", body="正文"),
    )
    client.force_login(desk["writer"])
    page = client.get("/newsroom/").content.decode()
    drafts = page[page.index('id="articles-draft"') : page.index('id="articles-published"')]
    assert "还在写的稿子" in drafts and f"/newsroom/{draft.pk}/submit/" in drafts
    done = page[page.index('id="articles-published"') : page.index('id="articles-withdrawn"')]
    assert "已发布的新闻" in done and f'href="/news/{published.pk}/"' in done
    assert "Withdraw" not in done  # the writer is no head


def test_a_drafts_image_is_added_or_replaced_on_its_edit_page(client, desk):
    client.force_login(desk["writer"])
    response = client.post(f"/newsroom/new/?org={desk['org'].pk}", form_data())
    assert response.status_code == 302
    article = Article.objects.get()
    assert not article.image
    # An image needs its description; nothing is stored without one.
    image = SimpleUploadedFile("hall.png", PNG, content_type="image/png")
    response = client.post(f"/newsroom/{article.pk}/edit/", {**form_data(), "image": image})
    assert response.status_code == 400
    assert "Describe the image" in response.content.decode()
    article.refresh_from_db()
    assert not article.image
    image = SimpleUploadedFile("hall.png", PNG, content_type="image/png")
    response = client.post(
        f"/newsroom/{article.pk}/edit/", {**form_data(image_alt="服务大厅"), "image": image}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    first = article.image.name
    assert first and article.image_alt == "服务大厅"
    # Saved again without a file: the image stays; with a new one: it is replaced.
    response = client.post(f"/newsroom/{article.pk}/edit/", form_data(image_alt="窗口"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.image.name == first and article.image_alt == "窗口"
    image = SimpleUploadedFile("window.png", PNG, content_type="image/png")
    response = client.post(
        f"/newsroom/{article.pk}/edit/", {**form_data(image_alt="窗口"), "image": image}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.image.name != first
    from onevisit.core.models import AuditEntry

    update = AuditEntry.objects.filter(action="article.update").order_by("seq").last()
    assert (update.before["image"], update.after["image"]) == (first, article.image.name)
    assert b"".join(client.get(f"/newsroom/{article.pk}/image").streaming_content) == PNG
    replaced = article.image.name
    # Not an image by its content: refused with the reason, the old one kept.
    fake = SimpleUploadedFile("evil.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    response = client.post(
        f"/newsroom/{article.pk}/edit/", {**form_data(image_alt="窗口"), "image": fake}
    )
    assert response.status_code in (400, 415, 422)
    assert "image" in response.content.decode().lower()
    article.refresh_from_db()
    assert article.image.name == replaced
