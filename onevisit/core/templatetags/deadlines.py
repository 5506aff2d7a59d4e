"""Template filters of the working-day calendar::

{% load deadlines %}
{% include "core/_provisional.html" with day=task.due_date open=task.is_open %}
"""

from __future__ import annotations

from django import template

from onevisit.core import calendar

register = template.Library()


@register.filter
def provisional(day) -> bool:
    """`calendar.is_provisional`: the due date may still move with a holiday arrangement not
    published yet."""
    return calendar.is_provisional(day)
