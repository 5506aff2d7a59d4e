"""Template filters of the working-day calendar.

{% load deadlines %}
{{ task.due_date|date:"Y-m-d" }}{% include "core/_provisional.html" with day=task.due_date %}
"""

from __future__ import annotations

import datetime

from django import template

from onevisit.core import calendar

register = template.Library()


@register.filter
def provisional(day) -> bool:
    """True for a due date that may still move with a holiday arrangement not published yet:
    in a year without one (counted from the statutory holidays alone), or in a December
    whose next year has none (a notice may name days of the December before it)."""
    if not isinstance(day, datetime.date):
        return False
    return not calendar.is_official_year(day.year) or (
        day.month == 12 and not calendar.is_official_year(day.year + 1)
    )
