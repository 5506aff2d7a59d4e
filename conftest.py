"""Project-wide pytest fixtures."""

import pytest

# --- browser tests: Playwright + Chromium + axe (run with `pytest -m browser`) ---------
from onevisit.testing.browser import browser, page  # noqa: F401


# --- uploads go to a temporary directory, never into var/media -----------------------
@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
