"""Pages of the service desk (办件): applying online, following one's cases, the
department's task queue and task page, the comprehensive window and the visit rates.

Views parse input and render; reads go through `selectors`, writes through `services`.
What the user may not see is a 404; a refusal is shown next to its form with the domain
error's message and a 4xx status, never a 500.
"""

from .apply import apply_bundle, apply_index, apply_item
from .cases import (
    case_dispatch,
    case_page,
    case_pickup,
    case_rate,
    case_supplement,
    case_supplement_in_person,
    material_file,
    my_cases,
)
from .rates import rates
from .tasks import task_action, task_page, task_queue
from .window import window

__all__ = [
    "apply_bundle",
    "apply_index",
    "apply_item",
    "case_dispatch",
    "case_page",
    "case_pickup",
    "case_rate",
    "case_supplement",
    "case_supplement_in_person",
    "material_file",
    "my_cases",
    "rates",
    "task_action",
    "task_page",
    "task_queue",
    "window",
]
