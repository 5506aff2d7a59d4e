from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "onevisit.cases"
    label = "cases"
    verbose_name = _("Service desk")

    def ready(self) -> None:
        # Registers the open-task impact provider and apply hook with the reform plans,
        # and the intake plans' forgetting with the catalog's change hook.
        from . import plans, reform  # noqa: F401
        from .services import deadlines  # noqa: F401  (recomputes due dates on a new calendar)
