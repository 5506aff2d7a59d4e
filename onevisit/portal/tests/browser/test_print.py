"""Acceptance (issue 7): a service guide prints on A4 without the site around it.

With the print media emulated, the header (its reading toolbar and main navigation), the
breadcrumb, the guide's buttons and the footer are hidden while the guide itself shows;
the PDF Chromium prints is one or two A4 pages holding the guide's title and materials and
none of the navigation. The screenshot of the printed page is written to
docs/screenshots/guide-print.png only when ONEVISIT_SCREENSHOTS=1 (so that CI does not
rewrite it); otherwise to a temporary directory.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from .conftest import FOOD_ITEM
from .support import pdf_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
#: A4 at 96 dpi, so that the screenshot looks like the printed sheet.
A4_VIEWPORT = {"width": 794, "height": 1123}
A4_POINTS = (595.92, 842.88)


def _media_boxes(pdf: bytes) -> list[tuple[float, float]]:
    return [
        (float(w), float(h))
        for w, h in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    ]


def test_a_guide_prints_on_a4_without_navigation(page, portal_world, tmp_path):
    food = portal_world["food"]
    page.set_viewport_size(A4_VIEWPORT)
    page.goto(f"/guide/items/{food.pk}/")
    header = page.locator(".site-header")
    expect(header.get_by_role("navigation", name="Main")).to_be_visible()

    page.emulate_media(media="print")
    for hidden in (
        header,
        header.locator(".reading-toolbar"),
        header.get_by_role("navigation", name="Main"),
        page.locator(".site-footer"),
        page.get_by_role("navigation", name="Breadcrumb"),
        page.locator(".guide-actions"),
        page.locator(".skip-link"),
    ):
        expect(hidden).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_have_text(FOOD_ITEM)
    materials = page.locator(".materials-table")
    expect(materials).to_be_visible()
    expect(materials.locator("tbody tr")).to_have_count(2)
    expect(page.locator(".guide-footer .print-only")).to_be_visible()  # the guide's address

    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF-")
    boxes = _media_boxes(pdf)
    assert 1 <= len(boxes) <= 2, f"{len(boxes)} pages"
    for width, height in boxes:
        assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1
    pages = pdf_pages(pdf)
    assert len(pages) == len(boxes)
    text = "".join(pages)
    for wanted in (FOOD_ITEM, "Materials", "营业执照", "食品安全管理制度", "Where and when to go"):
        assert wanted in text, f"{wanted!r} is not in the printed guide"
    for unwanted in ("Reading mode", "Track a case", "Skip to main content", "Apply online"):
        assert unwanted not in text, f"{unwanted!r} was printed"

    # The sheet's margins, which a screenshot does not get from @page.
    page.add_style_tag(content="@media print { body { padding: 15mm; } }")
    wanted_dir = SCREENSHOTS if os.environ.get("ONEVISIT_SCREENSHOTS") == "1" else tmp_path
    shot = page.screenshot(path=wanted_dir / "guide-print.png", full_page=True)
    assert shot.startswith(b"\x89PNG")


def test_the_print_view_shows_the_sheet_on_screen(page, portal_world):
    """?print=1 (the header's "Print view" link) shows on screen what prints, with a way
    back to the normal page."""
    food = portal_world["food"]
    page.goto(f"/guide/items/{food.pk}/")
    page.get_by_role("link", name="Print view", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/guide/items/{food.pk}/\?print=1$"))
    expect(page.locator("html")).to_have_class(re.compile(r"\bprint-view\b"))
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_have_text(FOOD_ITEM)
    bar = page.get_by_role("region", name="Print view")
    expect(bar).to_be_visible()
    bar.get_by_role("link", name="Back to the normal view").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/guide/items/{food.pk}/$"))
    expect(page.locator(".site-header")).to_be_visible()
