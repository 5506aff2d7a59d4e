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


# --- cached portal pages and intake plans must not leak from one test into the next ----
@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    from onevisit.cases.plans import forget_plans
    from onevisit.portal.cache import forget_generation
    from onevisit.portal.search import VOCABULARY

    def forget():
        cache.clear()
        forget_plans()  # a rolled-back test can reach the same generation again
        forget_generation()
        VOCABULARY.generation = -1  # a rolled-back test can reach the same number again

    forget()
    yield
    forget()


# --- PostgreSQL: the intake plans' generation moves at once inside a test's transaction --
@pytest.fixture(autouse=True)
def _plan_generation_at_once(request):
    """Its triggers are deferred to the commit, which a test wrapped in a transaction never
    reaches; within such a test they fire at each statement instead (what they do at
    commit, earlier). Tests with real commits keep the deferral."""
    marker = request.node.get_closest_marker("django_db")
    if "db" not in request.fixturenames and marker is None:
        return
    request.getfixturevalue("_django_db_helper")  # the test's transaction first
    from django.db import connection

    from onevisit.cases.plans import TRIGGER

    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {TRIGGER} IMMEDIATE")
