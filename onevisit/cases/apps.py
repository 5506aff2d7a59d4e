from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_plan_triggers(sender, using, **kwargs) -> None:
    """After every migrate (and flush): the intake plans' generation triggers (schema, not
    business logic; see cases.plans)."""
    from django.db import connections

    from .plans import install_triggers

    install_triggers(connections[using])


class CasesConfig(AppConfig):
    name = "onevisit.cases"
    label = "cases"
    verbose_name = _("Service desk")

    def ready(self) -> None:
        # Registers the open-task impact provider and apply hook with the reform plans.
        from . import reform  # noqa: F401

        post_migrate.connect(_install_plan_triggers, sender=self)
