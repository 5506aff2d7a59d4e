"""The newsroom (新闻发布): officers draft articles, a head of the department who did not
write it reviews and publishes; publishing indexes the article for search and moves the
portal's generation, which retires every cached anonymous page."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.cases.services.common import REVIEWERS, holds_role_in
from onevisit.cases.services.uploads import sniff
from onevisit.catalog.models import Bundle, ServiceItem
from onevisit.core.audit import audit_record
from onevisit.core.errors import Conflict, NotFound, ValidationFailed, required_text
from onevisit.core.models import Role

from . import search
from .models import Article, ArticleKind, ArticleState, EntryKind

#: Officers of a department who may write its articles.
WRITERS = REVIEWERS | {Role.WINDOW_CLERK}
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png"}
IMAGE_MAX_BYTES = 5 * 1024 * 1024


@dataclass
class ArticleDraft:
    """What an officer writes."""

    kind: str = ArticleKind.NEWS
    title: str = ""
    title_en: str = ""
    summary: str = ""
    body: str = ""
    body_en: str = ""
    image_alt: str = ""
    items: list[int] = field(default_factory=list)
    bundles: list[int] = field(default_factory=list)


def _clean(draft: ArticleDraft) -> ArticleDraft:
    problems = []
    if draft.kind not in ArticleKind.values:
        problems.append(_("Choose news or announcement."))
    if not draft.title.strip():
        problems.append(_("A title is required."))
    if len(draft.title) > 200 or len(draft.title_en) > 200:
        problems.append(_("A title is at most 200 characters."))
    if len(draft.summary) > 300:
        problems.append(_("A summary is at most 300 characters."))
    if not draft.body.strip():
        problems.append(_("The text is required."))
    if problems:
        raise ValidationFailed(" ".join(problems), code="article")
    return draft


def _image(content: bytes | None, name: str) -> ContentFile | None:
    if not content:
        return None
    if len(content) > IMAGE_MAX_BYTES:
        raise ValidationFailed(
            _("The image is larger than 5 MB."), code="file_too_large", status=413
        )
    mime = sniff(content)
    if mime not in IMAGE_TYPES:
        raise ValidationFailed(
            _("The image must be a JPEG or PNG picture (checked by its content)."),
            code="file_type",
            status=415,
        )
    digest = hashlib.sha256(content).hexdigest()[:16]
    return ContentFile(content, name=f"{digest}.{IMAGE_TYPES[mime]}")


def _links(article: Article, draft: ArticleDraft) -> None:
    items = list(ServiceItem.objects.filter(pk__in=draft.items))
    bundles = list(Bundle.objects.filter(pk__in=draft.bundles, published=True))
    if len(items) != len(set(draft.items)) or len(bundles) != len(set(draft.bundles)):
        raise ValidationFailed(_("A related service does not exist."), code="related")
    article.items.set(items)
    article.bundles.set(bundles)


def _snapshot(article: Article) -> dict:
    return {
        "state": article.state,
        "title": article.title,
        "kind": article.kind,
        "image": article.image.name or None,
        "image_alt": article.image_alt,
    }


def article_create(
    *, actor, organization, draft: ArticleDraft, image: bytes | None = None, image_name=""
) -> Article:
    """Draft an article of the actor's department."""
    if not holds_role_in(actor, WRITERS, organization.pk):
        raise NotFound(_("No such department."))
    draft = _clean(draft)
    picture = _image(image, image_name)
    if picture is not None and not draft.image_alt.strip():
        raise ValidationFailed(_("Describe the image for readers who cannot see it."))
    with transaction.atomic():
        article = Article(
            organization=organization,
            author=actor,
            kind=draft.kind,
            title=draft.title.strip(),
            title_en=draft.title_en.strip(),
            summary=draft.summary.strip(),
            body=draft.body.strip(),
            body_en=draft.body_en.strip(),
            image_alt=draft.image_alt.strip() if picture else "",
        )
        if picture is not None:
            article.image.save(picture.name, picture, save=False)
        article.save()
        _links(article, draft)
        audit_record(actor=actor, action="article.create", obj=article, after=_snapshot(article))
    return article


def _locked(article: Article, *states: str) -> Article:
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.state not in states:
        raise Conflict(
            _("The article is %(state)s.") % {"state": article.get_state_display()},
            code="article_state",
        )
    return article


def article_update(
    *, actor, article: Article, draft: ArticleDraft, image: bytes | None = None, image_name=""
) -> Article:
    """Change a draft, its image too (a published article is withdrawn and written anew,
    never edited)."""
    if not holds_role_in(actor, WRITERS, article.organization_id):
        raise NotFound(_("No such article."))
    draft = _clean(draft)
    picture = _image(image, image_name)
    with transaction.atomic():
        article = _locked(article, ArticleState.DRAFT)
        before = _snapshot(article)
        for name in ("kind", "title", "title_en", "summary", "body", "body_en"):
            setattr(article, name, getattr(draft, name).strip())
        if article.image or picture is not None:
            article.image_alt = draft.image_alt.strip() or article.image_alt
            if not article.image_alt:  # checked before the file is stored
                raise ValidationFailed(_("Describe the image for readers who cannot see it."))
        if picture is not None:
            article.image.save(picture.name, picture, save=False)
        article.save()
        _links(article, draft)
        audit_record(
            actor=actor,
            action="article.update",
            obj=article,
            before=before,
            after=_snapshot(article),
        )
    return article


def _move(actor, article: Article, to: str, action: str, *states: str, **changes) -> Article:
    with transaction.atomic():
        article = _locked(article, *states)
        before = _snapshot(article)
        article.state = to
        for name, value in changes.items():
            setattr(article, name, value)
        article.save()
        if to == ArticleState.PUBLISHED:
            index_article(article)
        elif before["state"] == ArticleState.PUBLISHED:
            search.remove(kind=EntryKind.NEWS, object_id=article.pk)
        audit_record(
            actor=actor, action=action, obj=article, before=before, after=_snapshot(article)
        )
    return article


def article_submit(*, actor, article: Article) -> Article:
    """Send a draft for review."""
    if not holds_role_in(actor, WRITERS, article.organization_id):
        raise NotFound(_("No such article."))
    return _move(actor, article, ArticleState.IN_REVIEW, "article.submit", ArticleState.DRAFT)


def _ensure_reviewer(actor, article: Article) -> None:
    if not holds_role_in(actor, WRITERS, article.organization_id):
        raise NotFound(_("No such article."))
    if not holds_role_in(actor, {Role.DEPARTMENT_HEAD}, article.organization_id):
        raise ValidationFailed(
            _("A head of the department reviews articles."), code="forbidden", status=403
        )
    if article.author_id == actor.pk:
        raise ValidationFailed(
            _("An article is reviewed by someone other than its author."),
            code="own_article",
            status=403,
        )


def article_return(*, actor, article: Article, note: str) -> Article:
    """Send an article back to its author with what to change."""
    _ensure_reviewer(actor, article)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("Say what should change."), code="note")
    return _move(
        actor,
        article,
        ArticleState.DRAFT,
        "article.return",
        ArticleState.IN_REVIEW,
        review_note=note,
    )


def article_publish(*, actor, article: Article) -> Article:
    """Publish a reviewed article: it gets its permanent address and joins search."""
    _ensure_reviewer(actor, article)
    return _move(
        actor,
        article,
        ArticleState.PUBLISHED,
        "article.publish",
        ArticleState.IN_REVIEW,
        published_by=actor,
        published_at=timezone.now(),
        review_note="",
    )


def article_withdraw(*, actor, article: Article, reason: str) -> Article:
    """Take a published article down; its address answers "withdrawn" from then on."""
    _ensure_reviewer(actor, article)
    reason = required_text(reason, _("A reason"))
    return _move(
        actor,
        article,
        ArticleState.WITHDRAWN,
        "article.withdraw",
        ArticleState.PUBLISHED,
        review_note=reason,
    )


def index_article(article: Article) -> None:
    search.index(
        kind=EntryKind.NEWS,
        object_id=article.pk,
        title=article.title,
        title_en=article.title_en,
        summary=article.summary or article.body[:200],
        body=f"{article.body} {article.body_en}",
        url=article.get_absolute_url(),
        region_code=article.organization.region.code,
    )
