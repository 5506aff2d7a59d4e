"""Public pages of the portal (namespace "portal"), mounted at the site root: the home
page, search, the service guides, tracking, and the reading-mode and language links.
The newsroom's pages (/news/...) are added by its own section below."""

from django.urls import path

from . import feeds, views, views_news

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="search"),
    path("guide/items/<int:pk>/", views.item_guide, name="item"),
    path("guide/bundles/<int:pk>/", views.bundle_guide, name="bundle"),
    path("guide/departments/<int:pk>/", views.department_page, name="department"),
    path("guide/regions/<str:code>/", views.region_page, name="region"),
    path("track/", views.track, name="track"),
    path("mode/<str:mode>/", views.set_mode, name="mode"),
    path("lang/<str:code>/", views.set_language, name="language"),
    # --- news (newsroom helper) ---
    path("news/", views_news.news_list, name="news"),
    path("news/feed.rss", feeds.news_rss, name="news_rss"),
    path("news/feed.atom", feeds.news_atom, name="news_atom"),
    path("news/<int:pk>/", views_news.article, name="article"),
    path("news/<int:pk>/image", views_news.article_image, name="article_image"),
    path("newsroom/", views_news.newsroom, name="newsroom"),
    path("newsroom/new/", views_news.newsroom_new, name="newsroom_new"),
    path("newsroom/<int:pk>/", views_news.newsroom_article, name="newsroom_article"),
    path("newsroom/<int:pk>/edit/", views_news.newsroom_edit, name="newsroom_edit"),
    path("newsroom/<int:pk>/image", views_news.newsroom_image, name="newsroom_image"),
    path("newsroom/<int:pk>/<slug:action>/", views_news.newsroom_action, name="newsroom_action"),
]
