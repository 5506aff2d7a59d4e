"""Settings come from the environment; production refuses to start without a secret."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _settings(env: dict, tmp_path) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    full.update(env, ONEVISIT_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="onevisit.settings")
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DEBUG, bool(s.SECRET_KEY))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=full, capture_output=True, text=True
    )


def test_secret_key_required_when_debug_is_off(tmp_path):
    result = _settings({"DEBUG": "0"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_development_generates_and_keeps_a_secret(tmp_path):
    first = _settings({}, tmp_path)
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text()
    _settings({}, tmp_path)
    assert (tmp_path / "secret_key").read_text() == key
    assert "sqlite3 True True" in first.stdout


def test_database_url_selects_postgresql(tmp_path):
    result = _settings({"DATABASE_URL": "postgres://u:p@127.0.0.1:5/db", "DEBUG": "1"}, tmp_path)
    assert "postgresql" in result.stdout, result.stderr
