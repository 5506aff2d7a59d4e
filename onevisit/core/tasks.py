"""Background work of the shared kernel, run by the tasks worker (`manage.py db_worker`)."""

from __future__ import annotations

from django.tasks import task

from .models import User
from .services import holiday_arrangement_settle


@task()
def settle_holiday_arrangement(
    year: int, revision: int | None = None, actor_id: int | None = None
) -> dict[str, int]:
    """The second pass after publishing `revision` of `year`'s holiday arrangement:
    deadlines set under the old calendar by another process meanwhile are recomputed
    (usually none)."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return holiday_arrangement_settle(year=year, revision=revision, actor=actor)
