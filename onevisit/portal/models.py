"""The portal's search index (检索索引): one entry per item, bundle, department or news
article, with its terms analysed once at indexing (Chinese words, their pinyin, English
glossary words), searched with the database's full-text index (SQLite FTS5, PostgreSQL
GIN over tsvector)."""

from __future__ import annotations

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
