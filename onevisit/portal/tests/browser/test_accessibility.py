"""Acceptance (issue 7): the portal's public pages are accessible in every reading mode
and both languages, and fit a phone.

axe (in Chromium) finds no serious or critical violation on the home page, search
results, an item's guide, its print view, a life event's guide, a news article and a
tracked case, in each reading mode (standard, eye protection, high contrast, elder) and in
English and Chinese. At 360×740 none of these pages scrolls sideways, in the standard and
the elder mode.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from onevisit.testing.browser import assert_accessible

from .conftest import ALT, BUNDLE, FOOD_ITEM
from .support import choose, overflowing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODES = ["standard", "eye", "contrast", "elder"]
LANGUAGES = ["en", "zh-hans"]


def _pages(page, world):
    """Visit each page in turn and yield its label once it is shown (the tracked case
    after the form is sent)."""
    page.goto("/")
    expect(page.locator("#life-events")).to_contain_text(BUNDLE)
    yield "home"

    page.goto("/search/?q=开饭店")
    expect(page.locator(".result-item").first).to_contain_text(FOOD_ITEM)
    yield "search results"

    food = world["food"].pk
    page.goto(f"/guide/items/{food}/")
    expect(page.locator("#guide-title")).to_have_text(FOOD_ITEM)
    expect(page.locator(".materials-table tbody tr")).to_have_count(2)
    yield "item guide"

    page.goto(f"/guide/items/{food}/?print=1")
    expect(page.locator("html")).to_have_class(re.compile(r"\bprint-view\b"))
    expect(page.locator(".site-header")).to_be_hidden()
    yield "item guide, print view"

    page.goto(f"/guide/bundles/{world['bundle'].pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(BUNDLE)
    yield "bundle guide"

    page.goto(f"/news/{world['article'].pk}/")
    image = page.get_by_role("img", name=ALT)
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    yield "news article"

    page.goto("/track/")
    form = page.locator("#track-form")
    form.locator("input[name=number]").fill(world["case"].number)
    form.locator("input[name=code]").fill(world["check_code"])
    form.locator("input[name=code]").press("Enter")
    expect(page.locator("#tracked")).to_contain_text(world["case"].number)
    yield "tracked case"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("mode", MODES)
def test_no_serious_violation_in_any_mode_or_language(page, portal_world, mode, language):
    choose(page, mode=mode, language=language)
    for label in _pages(page, portal_world):
        assert_accessible(page, label=f"{label} ({mode}, {language})")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("mode", ["standard", "elder"])
def test_no_page_scrolls_sideways_on_a_phone(page, portal_world, mode, language):
    page.set_viewport_size({"width": 360, "height": 740})
    choose(page, mode=mode, language=language)
    wide = {}
    for label in _pages(page, portal_world):
        sticking_out = overflowing(page)
        if sticking_out:
            wide[label] = sticking_out
    assert not wide, f"pages wider than 360 px ({mode}, {language}): {wide}"
