"""Project-wide pytest fixtures."""

# --- browser tests: Playwright + Chromium + axe (run with `pytest -m browser`) ---------
from onevisit.testing.browser import browser, page  # noqa: F401
