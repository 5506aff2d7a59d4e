"""Browser-test support: Playwright (sync API) driving Debian's Chromium, and axe-core.

Imported by the root conftest.py. Tests that use these fixtures are marked
`@pytest.mark.browser` and run with `pytest -m browser`.
"""

from __future__ import annotations

import os

import pytest

CHROMIUM = os.environ.get("ONEVISIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
#: axe impacts that fail a page.
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    # Playwright's sync API runs an event loop in this thread; Django's ORM, used by the
    # test itself between page actions, would otherwise refuse to run "in async context".
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) with a page; `page.base_url` is the live server."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base_url = live_server.url
    try:
        yield page
    finally:
        context.close()


def axe_violations(page, *, impacts: set[str] = BLOCKING_IMPACTS) -> list[dict]:
    """Run axe-core on the page and return the violations with one of the given impacts."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in impacts]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(
                f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '')}"
            )
    return "\n".join(lines)


def assert_accessible(page, *, label: str = "") -> None:
    """Fail listing every serious or critical axe violation on the current page."""
    violations = axe_violations(page)
    assert not violations, (
        f"axe found serious/critical violations on {label or page.url}:\n"
        + format_violations(violations)
    )
