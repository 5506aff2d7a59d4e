from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "onevisit.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # The working-day calendar reads the published holiday arrangements from here.
        from . import arrangements, calendar

        calendar.set_loader(arrangements.load_published)
