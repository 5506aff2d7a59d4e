"""The newsroom: draft, review by another head of the department, publish, withdraw."""

import pytest

from onevisit.core.errors import Conflict, NotFound, ValidationFailed
from onevisit.core.models import AuditEntry
from onevisit.portal import search, services
from onevisit.portal.models import Article, ArticleState
from onevisit.testing import case_factories as cf
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


@pytest.fixture
def newsroom():
    org = f.organization()
    return org, cf.reviewer_of(org), cf.reviewer_of(org, head=True)


def draft(**kw):
    return services.ArticleDraft(
        **{"title": "政务服务中心延长周末办理时间", "body": "自下月起，周六上午开放。", **kw}
    )


def test_an_article_goes_from_draft_to_published_and_into_search(newsroom):
    org, writer, head = newsroom
    article = services.article_create(actor=writer, organization=org, draft=draft())
    services.article_submit(actor=writer, article=article)
    article = services.article_publish(actor=head, article=article)
    assert article.state == ArticleState.PUBLISHED and article.published_at
    assert [h.entry.object_id for h in search.search("周末办理")] == [article.pk]
    assert AuditEntry.objects.filter(action__startswith="article.").count() == 3
    services.article_withdraw(actor=head, article=article, reason="信息有误")
    assert search.search("周末办理") == []


def test_nobody_reviews_their_own_article(newsroom):
    org, _writer, head = newsroom
    article = services.article_create(actor=head, organization=org, draft=draft())
    services.article_submit(actor=head, article=article)
    with pytest.raises(ValidationFailed) as raised:
        services.article_publish(actor=head, article=article)
    assert raised.value.status == 403


def test_a_writer_cannot_publish_and_outsiders_see_nothing(newsroom):
    org, writer, _head = newsroom
    article = services.article_create(actor=writer, organization=org, draft=draft())
    services.article_submit(actor=writer, article=article)
    with pytest.raises(ValidationFailed):
        services.article_publish(actor=writer, article=article)
    outsider = cf.reviewer_of(f.organization(), head=True)
    with pytest.raises(NotFound):
        services.article_publish(actor=outsider, article=article)
    with pytest.raises(NotFound):
        services.article_create(actor=outsider, organization=org, draft=draft())


def test_returned_article_carries_the_note_and_published_ones_are_not_edited(newsroom):
    org, writer, head = newsroom
    article = services.article_create(actor=writer, organization=org, draft=draft())
    services.article_submit(actor=writer, article=article)
    article = services.article_return(actor=head, article=article, note="请补充地址")
    assert article.state == ArticleState.DRAFT and article.review_note == "请补充地址"
    services.article_submit(actor=writer, article=article)
    services.article_publish(actor=head, article=article)
    with pytest.raises(Conflict):
        services.article_update(actor=writer, article=article, draft=draft(title="改"))


def test_bad_input_is_refused_with_nothing_written(newsroom):
    org, writer, _head = newsroom
    with pytest.raises(ValidationFailed):
        services.article_create(actor=writer, organization=org, draft=draft(title=" "))
    with pytest.raises(ValidationFailed) as raised:
        services.article_create(
            actor=writer, organization=org, draft=draft(image_alt="图"), image=b"GIF89a...."
        )
    assert raised.value.status == 415
    with pytest.raises(ValidationFailed):
        services.article_create(actor=writer, organization=org, draft=draft(), image=PNG)
    assert not Article.objects.exists()
    article = services.article_create(
        actor=writer,
        organization=org,
        draft=draft(image_alt="服务大厅"),
        image=PNG,
        image_name="a.png",
    )
    assert article.image.name.endswith(".png") and article.image_alt == "服务大厅"


def test_a_draft_gets_a_new_image_with_its_description(newsroom):
    org, writer, _head = newsroom
    article = services.article_create(actor=writer, organization=org, draft=draft())
    with pytest.raises(ValidationFailed):
        services.article_update(actor=writer, article=article, draft=draft(), image=PNG)
    article.refresh_from_db()
    assert not article.image
    article = services.article_update(
        actor=writer, article=article, draft=draft(image_alt="窗口"), image=PNG, image_name="b.png"
    )
    assert article.image.name.endswith(".png") and article.image_alt == "窗口"
