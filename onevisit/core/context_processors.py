"""Template context: the current user's roles, and which sections the navigation offers."""

from .models import Role
from .scoping import MANAGES_REGISTRY, assignments_of

#: Navigation sections and the roles that see them (the pages themselves check again).
NAV_ROLES = {
    "plans": {Role.ESTABLISHMENT_OFFICER, Role.SUPERVISOR, Role.SYSTEM_ADMINISTRATOR},
    "apply": {Role.CITIZEN, Role.ENTERPRISE},
    "tasks": {
        Role.DEPARTMENT_REVIEWER,
        Role.DEPARTMENT_HEAD,
        Role.SUPERVISOR,
        Role.SYSTEM_ADMINISTRATOR,
    },
    "window": {Role.WINDOW_CLERK},
    # The working-day calendar's holiday arrangements (core.views.holiday_calendar).
    "calendar": {Role.SYSTEM_ADMINISTRATOR},
    # Officers of a department write its news (portal.services.WRITERS).
    "newsroom": {Role.DEPARTMENT_REVIEWER, Role.DEPARTMENT_HEAD, Role.WINDOW_CLERK},
    # The same roles as `cases.selectors.rates_scope`.
    "rates": {
        Role.DEPARTMENT_REVIEWER,
        Role.DEPARTMENT_HEAD,
        Role.SUPERVISOR,
        Role.ESTABLISHMENT_OFFICER,
        Role.SYSTEM_ADMINISTRATOR,
    },
}


def roles(request):
    user = getattr(request, "user", None)
    assignments = assignments_of(user)
    held = {a.role for a in assignments}
    superuser = bool(getattr(user, "is_superuser", False))
    nav = {name: superuser or bool(held & wanted) for name, wanted in NAV_ROLES.items()}
    nav["window"] = bool(held & NAV_ROLES["window"])
    nav["apply"] = bool(held & NAV_ROLES["apply"])
    nav["newsroom"] = bool(held & NAV_ROLES["newsroom"])
    return {
        "user_roles": assignments,
        "can_manage_registry": bool(held & MANAGES_REGISTRY) or superuser,
        "nav": nav,
    }
