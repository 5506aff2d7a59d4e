"""Template context: the current user's roles, for navigation."""

from .scoping import MANAGES_REGISTRY, assignments_of


def roles(request):
    assignments = assignments_of(getattr(request, "user", None))
    return {
        "user_roles": assignments,
        "can_manage_registry": any(a.role in MANAGES_REGISTRY for a in assignments)
        or getattr(getattr(request, "user", None), "is_superuser", False),
    }
