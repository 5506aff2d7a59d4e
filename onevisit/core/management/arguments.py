"""Argument types shared by the management commands."""

from __future__ import annotations

import argparse
import datetime

from django.utils.translation import gettext as _


def iso_date(value: str) -> datetime.date:
    """An argparse type: a day written YYYY-MM-DD (a clear error otherwise)."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("Not a date: %(value)s (use YYYY-MM-DD).") % {"value": value}
        ) from None
