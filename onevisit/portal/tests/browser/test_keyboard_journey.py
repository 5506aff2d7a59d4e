"""Acceptance (issue 7): a citizen finds, reads, applies for and tracks a service with the
keyboard alone, in Chromium: Tab, typing, Enter, Space and the arrow keys, no click.

From the home page (the skip link first, then the search box) she searches in her own
words (“开饭店”, open a restaurant), opens the food-business licence from the results, goes
from its guide to "Apply online", logs in, fills in the service desk's form and submits
it. No file is uploaded: the business licence is fetched from another department with her
consent (a tick, with Space) and the optional material is left out (an arrow key in its
radio group). The confirmation shows the case number and the check code, once; with both,
the tracking page (reached from the header's navigation) shows the case and its state.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from onevisit.cases.choices import MaterialState
from onevisit.cases.models import Case

from .conftest import FOOD_ITEM, PASSWORD
from .support import focused, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _material(page, name):
    return page.locator("fieldset.material").filter(
        has=page.locator("legend strong", has_text=re.compile(f"^{re.escape(name)}$"))
    )


def test_search_guide_apply_and_track_by_keyboard_alone(page, portal_world):
    citizen = portal_world["citizen"]
    food = portal_world["food"]
    keyboard = page.keyboard

    # --- the home page: the skip link first, then the search box -----------------------
    page.goto("/")
    keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    keyboard.press("Tab")
    search_box = page.get_by_role("searchbox", name="Search services, life events")
    expect(search_box).to_be_focused()
    keyboard.type("开饭店")
    keyboard.press("Enter")

    # --- the results: the food-business licence, by Tab --------------------------------
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    expect(page.locator(".result-summary")).to_contain_text("开饭店")
    result = page.locator(".result-item").get_by_role("link", name=FOOD_ITEM, exact=True)
    tab_to(page, result)
    keyboard.press("Enter")

    # --- its guide: "Apply online" leads to the login page -----------------------------
    expect(page).to_have_url(re.compile(rf"/guide/items/{food.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(FOOD_ITEM)
    tab_to(page, page.get_by_role("link", name="Apply online"))
    keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    tab_to(page, page.get_by_label("Username"))
    keyboard.type(citizen.username)
    keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    keyboard.type(PASSWORD)
    keyboard.press("Enter")

    # --- the application form, filled in by keyboard -----------------------------------
    expect(page).to_have_url(re.compile(rf"/cases/apply/item/{food.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Apply: {FOOD_ITEM}")
    expect(page.locator(".account .user")).to_have_text("林晓")
    tab_to(page, page.get_by_label("Name of the shop"))
    keyboard.type("桐君小馆")
    # the business licence: fetched from the department that issued it, with her consent
    licence = _material(page, "营业执照")
    expect(licence.get_by_label("Let the department fetch it")).to_be_checked()
    consent = licence.get_by_label(re.compile("^I consent"))
    tab_to(page, consent)
    keyboard.press("Space")
    expect(consent).to_be_checked()
    # the optional material: left out, chosen with an arrow key in its radio group
    optional = _material(page, "食品安全管理制度")
    tab_to(page, optional.get_by_label("Upload a file"))
    keyboard.press("ArrowDown")
    expect(optional.get_by_label("Not provided (optional)")).to_be_checked()
    expect(page.get_by_label("Online download (网上下载)")).to_be_checked()
    submit = page.get_by_role("button", name="Submit the application")
    tab_to(page, submit)
    keyboard.press("Enter")

    # --- the confirmation: the case number and the check code, shown once ---------------
    expect(page).to_have_url(re.compile(r"/cases/330122-\d{4}-\d{8}/$"))
    case = Case.objects.get(tasks__item=food)
    note = page.locator("#check-code")
    expect(note).to_contain_text(f"Your case number is {case.number}")
    expect(note).to_contain_text("Your check code is")
    number, code = note.locator("strong.mono").all_inner_texts()
    assert number == case.number
    assert re.fullmatch(r"[A-Z0-9]{6}", code)
    assert case.form_data.get("shop_name") == "桐君小馆"
    states = dict(case.materials.values_list("name", "state"))
    assert states["营业执照"] == MaterialState.SHARED
    assert states.get("食品安全管理制度", MaterialState.MISSING) == MaterialState.MISSING

    # --- tracking, from the header's navigation ----------------------------------------
    main_nav = page.get_by_role("navigation", name="Main")
    tab_to(page, main_nav.get_by_role("link", name="Track a case", exact=True))
    keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/track/$"))
    expect(page.locator("#check-code")).to_have_count(0)
    tab_to(page, page.get_by_role("textbox", name=re.compile("^Case number")))
    keyboard.type(number)
    keyboard.press("Tab")
    assert focused(page.get_by_role("textbox", name=re.compile("^Check code")))
    keyboard.type(code)
    keyboard.press("Enter")
    tracked = page.locator("#tracked")
    expect(tracked).to_contain_text(f"Case {case.number}")
    expect(tracked).to_contain_text(FOOD_ITEM)
    expect(tracked.locator("dd.status")).to_have_text(case.get_state_display())
    expect(tracked.locator(".tracked-tasks tbody tr")).to_have_count(1)
    expect(tracked.locator(".tracked-tasks tbody tr")).to_contain_text("桐庐县市场监督管理局")
