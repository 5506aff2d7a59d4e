"""The news feeds (RSS 2.0 and Atom 1.0): the latest published articles, each with its
title, permanent address, publication date and summary, in the page's language.

Anonymous and the same for everyone, so served from the page cache like the news pages
(a publication or a withdrawal moves the portal's generation and retires them)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from .cache import public_page
from .models import Article
from .selectors import latest_articles
from .views_news import shown

FEED_SIZE = 30


class NewsRss(Feed):
    """Hot News as RSS 2.0."""

    feed_type = Rss201rev2Feed

    def title(self) -> str:
        return _("Hot News · onevisit")

    def link(self) -> str:
        return reverse("portal:news")

    def description(self) -> str:
        return _("News and announcements of the province's departments.")

    def items(self):
        return [shown(article) for article in latest_articles(FEED_SIZE)]

    def item_title(self, item: Article) -> str:
        return item.shown_title

    def item_description(self, item: Article) -> str:
        return item.shown_summary

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.published_at

    def item_author_name(self, item: Article) -> str:
        return item.shown_department

    def item_categories(self, item: Article):
        return [item.get_kind_display()]


class NewsAtom(NewsRss):
    """Hot News as Atom 1.0."""

    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return self.description()


news_rss = public_page(NewsRss())
news_atom = public_page(NewsAtom())
