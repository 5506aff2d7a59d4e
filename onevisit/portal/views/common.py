"""What the portal's pages share: the language of the page and the names shown in it."""

from __future__ import annotations

from django.utils import translation


def chinese() -> bool:
    return (translation.get_language() or "en").startswith("zh")


def shown_name(name: str, name_en: str = "") -> str:
    """The English name on English pages when there is one, else the official name."""
    return name_en if name_en and not chinese() else name


def crumbs(*pairs) -> list[tuple[str, str]]:
    """Breadcrumb links after "Home": (label, url) pairs; the current page is not one."""
    return [(label, url) for label, url in pairs if label]


def titled(objects, name: str = "name", name_en: str = "name_en", *, to: str = "title_shown"):
    """Give each object its name in the page's language as `to` (bundles, departments,
    articles; the department of a popular item)."""
    for obj in objects:
        setattr(obj, to, shown_name(getattr(obj, name, ""), getattr(obj, name_en, "")))
    return objects
