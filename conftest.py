"""Project-wide pytest fixtures."""

import pytest

# --- browser tests: Playwright + Chromium + axe (run with `pytest -m browser`) ---------
from onevisit.testing.browser import browser, page  # noqa: F401


# --- uploads go to a temporary directory, never into var/media -----------------------
@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


# --- test users need no Argon2 (about 0.5 s a password on these machines) ------------
@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Argon2 stays second, so that hashes made before the override (the demo) still verify.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


# --- cached portal pages, intake plans and holiday arrangements must not leak from one test
# into the next ----
@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    from onevisit.cases.plans import forget_plans
    from onevisit.core.calendar import reset as reset_calendar
    from onevisit.portal.cache import forget_generation
    from onevisit.portal.search import VOCABULARY

    def forget():
        cache.clear()
        forget_plans()
        forget_generation()
        reset_calendar()  # a rolled-back test's holiday arrangement is read no more
        VOCABULARY.generation = -1  # a rolled-back test can reach the same number again

    forget()
    yield
    forget()
