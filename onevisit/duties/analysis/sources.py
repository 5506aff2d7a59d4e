"""Exercise sources: where the analyzer learns that a power was actually exercised.

"No power outside the list" (清单之外无权力) is checked against what organizations *do*:
cases decided, inspections carried out, penalties imposed. Those records live in apps that
come later (cases, enforcement); each registers a source here from its AppConfig.ready(),
and the analyzer reports every exercise by an organization that does not hold the duty on
the list (offside), without knowing the app.

    @register_exercise_source("cases")
    def case_exercises(*, region, as_of):
        for org_id, duty_id, number in Case.objects.filter(...).values_list(...):
            yield Exercise(organization_id=org_id, duty_id=duty_id, reference=number)

A source must answer in a few bulk queries (the analyzer runs at province scale).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from onevisit.regions.models import Region


@dataclass(frozen=True)
class Exercise:
    """One act of an organization under a duty (a case, an inspection…).

    `duty_id` is the item on the list it was done under, or None when it was done under
    no listed item at all (then `duty_label` says what it was called).
    """

    organization_id: int
    duty_id: int | None
    reference: str
    duty_label: str = ""


ExerciseSource = Callable[..., Iterable[Exercise]]
_sources: dict[str, ExerciseSource] = {}


def register_exercise_source(name: str) -> Callable[[ExerciseSource], ExerciseSource]:
    """Decorator: the function `(*, region, as_of) -> Iterable[Exercise]` becomes a source."""

    def decorator(func: ExerciseSource) -> ExerciseSource:
        _sources[name] = func
        return func

    return decorator


def unregister_exercise_source(name: str) -> None:
    _sources.pop(name, None)


def exercise_sources() -> dict[str, ExerciseSource]:
    return dict(_sources)


def exercises(*, region: Region | None, as_of: datetime.date) -> Iterable[tuple[str, Exercise]]:
    for name, source in list(_sources.items()):
        for exercise in source(region=region, as_of=as_of):
            yield name, exercise
