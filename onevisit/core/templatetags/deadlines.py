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
    """True for a due date in a year whose holiday arrangement is not published yet: it was
    counted from the statutory holidays alone and may still move."""
    return isinstance(day, datetime.date) and not calendar.is_official_year(day.year)
