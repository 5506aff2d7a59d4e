"""The portal's search index (检索索引): one entry per item, bundle, department or news
article, with its terms analysed once at indexing (Chinese words, their pinyin, English
glossary words), searched with the database's full-text index (SQLite FTS5, PostgreSQL
GIN over tsvector)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    """What a search result is."""

    ITEM = "item", _("Service")
    BUNDLE = "bundle", _("Life event")
    ORGANIZATION = "organization", _("Department")
    NEWS = "news", _("News")


class SearchEntry(models.Model):
    """One searchable thing and its analysed terms.

    `title_index` and `body_index` hold the encoded terms (see `analysis.encode`) the
    full-text index reads; the title's terms weigh more in the ranking.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    url = models.CharField(max_length=300)
    region_code = models.CharField(max_length=12, blank=True)
    #: A tie-breaker: how often the thing is used (cases filed, readers).
    popularity = models.PositiveIntegerField(default=0)
    title_index = models.TextField(blank=True)
    body_index = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="portal_entry_once")
        ]

    def __str__(self) -> str:
        return self.title


class SearchTerm(models.Model):
    """A term of the index and the number of entries holding it (document frequency):
    the vocabulary that pinyin splitting, typo correction and ranking read."""

    term = models.CharField(max_length=100, unique=True)
    entries = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self) -> str:
        return self.term


class SearchIndexState(models.Model):
    """One row: a counter bumped whenever the index changes, so that every process knows
    when its copy of the vocabulary is stale."""

    generation = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"search index, generation {self.generation}"


class ArticleKind(models.TextChoices):
    """News (新闻) or an announcement (通知公告)."""

    NEWS = "news", _("News")
    ANNOUNCEMENT = "announcement", _("Announcement")


class ArticleState(models.TextChoices):
    """Where an article is in the newsroom: drafted, sent for review, published, withdrawn."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Article(models.Model):
    """A news article or announcement of a department (政务动态/通知公告).

    Written by an officer, reviewed and published by a head of the same department who is
    not its author; once published its address (`/news/<id>/`) never changes. An image
    carries a text alternative; related services link to their guides.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ArticleKind.choices)
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    body_en = models.TextField(_("English text"), blank=True)
    image = models.FileField(_("image"), upload_to="news/%Y/%m/", blank=True)
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    items = models.ManyToManyField(
        "catalog.ServiceItem", blank=True, related_name="+", verbose_name=_("related services")
    )
    bundles = models.ManyToManyField(
        "catalog.Bundle", blank=True, related_name="+", verbose_name=_("related life events")
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ArticleState.choices, default=ArticleState.DRAFT
    )
    review_note = models.TextField(_("reviewer's note"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["state", "-published_at"], name="portal_article_feed")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="published") | models.Q(published_at__isnull=False),
                name="portal_article_published_at",
            ),
            models.CheckConstraint(
                condition=models.Q(image="") | ~models.Q(image_alt=""),
                name="portal_article_image_alt",
                violation_error_message=_("An image needs a description for screen readers."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/news/{self.pk}/"


class TrackingLock(models.Model):
    """Failed tracking look-ups of a case number in the current hour: after too many, the
    number is locked until the hour ends, so that check codes cannot be guessed."""

    case_number = models.CharField(max_length=32)
    hour = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case_number", "hour"], name="portal_tracking_hour")
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.hour:%Y-%m-%d %H}:00 ({self.failures})"
