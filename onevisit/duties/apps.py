from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "onevisit.duties"
    label = "duties"
    verbose_name = _("Power and responsibility lists")

    def ready(self) -> None:
        # Registers the duties' impact provider and apply hook with the reform plans.
        from . import impact  # noqa: F401
