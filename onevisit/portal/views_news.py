"""News pages of the portal (新闻动态) and the newsroom (新闻发布).

Public, anonymous and served from the page cache (`cache.public_page`): "Hot News", the
published articles newest first, filtered by kind; each article at its permanent address
`/news/<id>/`, which answers 410 Gone once the article is withdrawn and 404 while it is
not published; its image through `/news/<id>/image` (media files are not served as
static files).

The newsroom, for officers of a department (`services.WRITERS`): its articles by state,
writing and editing drafts, and the moves of `services` (submit, return with a note,
publish, withdraw with a reason). Officers read only their own departments' articles;
another department's article is a 404. A refusal is shown on the page with its message,
never as a server error.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from onevisit.cases.services.common import holds_role_in
from onevisit.cases.views.common import page_status
from onevisit.catalog.selectors import item_names
from onevisit.core.errors import Conflict, DomainError, NotFound
from onevisit.core.models import Role
from onevisit.core.scoping import assignments_of
from onevisit.orgs.models import Organization

from . import selectors, services
from .cache import public_page
from .forms_news import ArticleForm, ReturnForm, WithdrawForm
from .indexing import bundle_path, item_path
from .models import Article, ArticleKind, ArticleState

PAGE_SIZE = 10
KINDS = [
    (ArticleKind.NEWS, gettext_lazy("News")),
    (ArticleKind.ANNOUNCEMENT, gettext_lazy("Announcements")),
]
IMAGE_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


# --- showing an article ------------------------------------------------------------------
def _english() -> bool:
    return not (get_language() or "en").startswith("zh")


def paragraphs(text: str) -> list[str]:
    """Plain text cut into paragraphs at blank lines (the template escapes each)."""
    text = (text or "").replace("\r\n", "\n").strip()
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def shown(article: Article) -> Article:
    """Set what the page shows in its language: the English title and text when the page
    is in English and the article has them (the department's English name likewise), and
    the language of what stays in Chinese on an English page."""
    english = _english()
    title_en = english and bool(article.title_en)
    body_en = english and bool(article.body_en)
    body = article.body_en if body_en else article.body
    article.shown_title = article.title_en if title_en else article.title
    article.title_lang = "zh-Hans" if english and not title_en else ""
    article.shown_paragraphs = paragraphs(body)
    article.body_lang = "zh-Hans" if english and not body_en else ""
    # The summary is written in Chinese: an English page summarizes the English text.
    article.shown_summary = _excerpt(body) if body_en or not article.summary else article.summary
    article.summary_lang = article.body_lang
    org = article.organization
    article.shown_department = (english and org.name_en) or org.name
    article.department_lang = "zh-Hans" if english and not org.name_en else ""
    return article


def _excerpt(text: str, length: int = 120) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _related(article: Article) -> list[dict]:
    """The related services still offered, each with the address of its guide (item
    names are Chinese only; a bundle may have an English name)."""
    english = _english()
    zh = "zh-Hans" if english else ""
    rows = []
    items = selectors.items_in_force().filter(pk__in=article.items.values("pk"))
    for pk, name in item_names(items).items():
        rows.append({"name": name, "url": item_path(pk), "kind": "item", "lang": zh})
    for bundle in article.bundles.filter(published=True):
        name, lang = (bundle.name_en, "") if english and bundle.name_en else (bundle.name, zh)
        rows.append({"name": name, "url": bundle_path(bundle.pk), "kind": "bundle", "lang": lang})
    return rows


def _image_response(article: Article):
    if not article.image:
        raise Http404("No image")
    extension = article.image.name.rsplit(".", 1)[-1].lower()
    content_type = IMAGE_TYPES.get(extension)
    if content_type is None:
        raise Http404("No image")
    try:
        handle = article.image.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("No image")
    return FileResponse(handle, content_type=content_type)


# --- public pages ----------------------------------------------------------------------------
@require_safe
@public_page
def news_list(request):
    """Hot News (热点新闻): the published articles, newest first, news or announcements."""
    kind = request.GET.get("kind", "")
    if kind not in ArticleKind.values:
        kind = ""
    rows = selectors.published_articles()
    if kind:
        rows = rows.filter(kind=kind)
    page = Paginator(rows.order_by("-published_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for article in page:
        shown(article)
    return render(
        request,
        "portal/news_list.html",
        {
            "page": page,
            "kind": kind,
            "kinds": KINDS,
            "query": urlencode({"kind": kind}) if kind else "",
        },
    )


def _public_article(pk: int) -> Article:
    article = Article.objects.select_related("organization").filter(pk=pk).first()
    if article is None or article.state not in (ArticleState.PUBLISHED, ArticleState.WITHDRAWN):
        raise Http404("No such article")
    return article


@require_safe
@public_page
def article(request, pk: int):
    """A published article at its permanent address; a withdrawn one is gone (410)."""
    article = _public_article(pk)
    if article.state == ArticleState.WITHDRAWN:
        return render(request, "portal/news_withdrawn.html", {}, status=410)
    return render(
        request,
        "portal/news_article.html",
        {
            "article": shown(article),
            "related": _related(article),
            "image_url": reverse("portal:article_image", args=[article.pk]),
        },
    )


@require_safe
def article_image(request, pk: int):
    """The image of a published article."""
    article = selectors.published_articles().filter(pk=pk).first()
    if article is None:
        raise Http404("No such article")
    response = _image_response(article)
    response["Cache-Control"] = "public, max-age=300"
    return response


# --- the newsroom ------------------------------------------------------------------------
STATE_ORDER = [
    ArticleState.IN_REVIEW,
    ArticleState.DRAFT,
    ArticleState.PUBLISHED,
    ArticleState.WITHDRAWN,
]


def _department_ids(user) -> set[int]:
    return {
        a.organization_id
        for a in assignments_of(user)
        if a.role in services.WRITERS and a.organization_id
    }


def _departments(user) -> list[Organization]:
    """The departments whose articles the user writes (or reviews)."""
    ids = _department_ids(user)
    if not ids:
        raise Http404("No newsroom")
    return list(Organization.objects.filter(pk__in=ids).select_related("region").order_by("name"))


def _officer_article(user, pk: int) -> Article:
    """The article if it belongs to one of the user's departments (else 404)."""
    article = (
        Article.objects.select_related("organization", "author", "published_by")
        .filter(pk=pk, organization_id__in=_department_ids(user))
        .first()
    )
    if article is None:
        raise Http404("No such article")
    return article


def _reviewer(user, article: Article) -> bool:
    """A head of the department who did not write it (the services check again)."""
    return article.author_id != user.pk and holds_role_in(
        user, {Role.DEPARTMENT_HEAD}, article.organization_id
    )


def _actions(user, article: Article) -> dict:
    reviewer = _reviewer(user, article)
    draft = article.state == ArticleState.DRAFT
    return {
        "edit": draft,
        "submit": draft,
        "review": reviewer and article.state == ArticleState.IN_REVIEW,
        "withdraw": reviewer and article.state == ArticleState.PUBLISHED,
    }


@login_required
@require_GET
def newsroom(request):
    """The user's departments' articles by state, each with what the user may do."""
    departments = _departments(request.user)
    rows = (
        Article.objects.filter(organization__in=departments)
        .select_related("organization", "author")
        .order_by("-updated_at", "-id")
    )
    groups = {state: [] for state in STATE_ORDER}
    for row in rows:
        row.actions = _actions(request.user, row)
        groups[row.state].append(row)
    labels = dict(ArticleState.choices)
    return render(
        request,
        "portal/newsroom.html",
        {
            "departments": departments,
            "groups": [
                {"state": state, "label": labels[state], "articles": groups[state]}
                for state in STATE_ORDER
            ],
        },
    )


def _preview_context(request, article: Article, *, bound=None, error=None) -> dict:
    actions = _actions(request.user, article)
    bound = bound or {}
    return {
        "article": shown(article),
        "related": _related(article),
        "actions": actions,
        "return_form": bound.get("return") or ReturnForm(prefix="return"),
        "withdraw_form": bound.get("withdraw") or WithdrawForm(prefix="withdraw"),
        "error": error,
        "image_url": reverse("portal:newsroom_image", args=[article.pk]),
    }


@login_required
@require_GET
def newsroom_article(request, pk: int):
    """An article as readers will see it, its state, and the moves open to the user."""
    article = _officer_article(request.user, pk)
    return render(request, "portal/newsroom_article.html", _preview_context(request, article))


@login_required
@require_GET
def newsroom_image(request, pk: int):
    """The image of one of the user's departments' articles, whatever its state."""
    response = _image_response(_officer_article(request.user, pk))
    response["Cache-Control"] = "private, no-store"
    return response


ACTIONS = {
    "submit": gettext_lazy("The article was sent for review."),
    "return": gettext_lazy("The article was returned to its author."),
    "publish": gettext_lazy("The article is published."),
    "withdraw": gettext_lazy("The article was withdrawn."),
}


@login_required
@require_POST
def newsroom_action(request, pk: int, action: str):
    """Submit, return (with a note), publish or withdraw (with a reason)."""
    if action not in ACTIONS:
        raise Http404("No such action")
    article = _officer_article(request.user, pk)
    actor = request.user
    form = None
    if action == "return":
        form = ReturnForm(request.POST, prefix="return")
    elif action == "withdraw":
        form = WithdrawForm(request.POST, prefix="withdraw")
    if form is not None and not form.is_valid():
        context = _preview_context(request, article, bound={action: form})
        return render(request, "portal/newsroom_article.html", context, status=400)
    try:
        if action == "submit":
            services.article_submit(actor=actor, article=article)
        elif action == "publish":
            services.article_publish(actor=actor, article=article)
        elif action == "return":
            services.article_return(actor=actor, article=article, note=form.cleaned_data["note"])
        else:
            services.article_withdraw(
                actor=actor, article=article, reason=form.cleaned_data["note"]
            )
    except NotFound:
        raise Http404("No such article")
    except DomainError as exc:
        article.refresh_from_db()
        context = _preview_context(
            request, article, bound={action: form} if form else None, error=exc.message
        )
        return render(request, "portal/newsroom_article.html", context, status=page_status(exc))
    messages.success(request, str(ACTIONS[action]))
    return redirect("portal:newsroom_article", pk=article.pk)


def _form_page(request, form, *, organization, departments, article=None, status=200):
    return render(
        request,
        "portal/newsroom_form.html",
        {
            "form": form,
            "organization": organization,
            "departments": departments,
            "article": article,
            "image_url": reverse("portal:newsroom_image", args=[article.pk])
            if article is not None and article.image
            else "",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def newsroom_new(request):
    """Write a new article for one of the user's departments (`?org=` picks it)."""
    departments = _departments(request.user)
    raw = request.GET.get("org") or ""
    organization = departments[0]
    if raw:
        organization = next((d for d in departments if str(d.pk) == raw), None)
        if organization is None:
            raise Http404("No such department")
    page = {"organization": organization, "departments": departments}
    if request.method == "GET":
        form = ArticleForm(organization=organization, initial={"kind": ArticleKind.NEWS})
        return _form_page(request, form, **page)
    form = ArticleForm(request.POST, request.FILES, organization=organization)
    if not form.is_valid():
        return _form_page(request, form, status=400, **page)
    image, name = form.image_content()
    try:
        article = services.article_create(
            actor=request.user,
            organization=organization,
            draft=form.draft(),
            image=image,
            image_name=name,
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _form_page(request, form, status=page_status(exc), **page)
    messages.success(request, _("The draft was saved."))
    return redirect("portal:newsroom_article", pk=article.pk)


@login_required
@require_http_methods(["GET", "POST"])
def newsroom_edit(request, pk: int):
    """Change a draft (an article in review or published is not edited)."""
    article = _officer_article(request.user, pk)
    if article.state != ArticleState.DRAFT:
        raise Conflict(
            _("Only a draft is edited; this article is %(state)s.")
            % {"state": article.get_state_display().lower()},
            code="article_state",
        )
    organization = article.organization
    page = {"organization": organization, "departments": [organization], "article": article}
    if request.method == "GET":
        form = ArticleForm(
            organization=organization,
            initial={
                "kind": article.kind,
                "title": article.title,
                "title_en": article.title_en,
                "summary": article.summary,
                "body": article.body,
                "body_en": article.body_en,
                "image_alt": article.image_alt,
                "items": list(article.items.values_list("pk", flat=True)),
                "bundles": list(article.bundles.values_list("pk", flat=True)),
            },
        )
        return _form_page(request, form, **page)
    form = ArticleForm(request.POST, request.FILES, organization=organization)
    if not form.is_valid():
        return _form_page(request, form, status=400, **page)
    image, name = form.image_content()
    try:
        services.article_update(
            actor=request.user, article=article, draft=form.draft(), image=image, image_name=name
        )
    except NotFound:
        raise Http404("No such article")
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _form_page(request, form, status=page_status(exc), **page)
    messages.success(request, _("The draft was saved."))
    return redirect("portal:newsroom_article", pk=article.pk)
