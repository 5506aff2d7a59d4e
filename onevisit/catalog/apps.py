from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "onevisit.catalog"
    label = "catalog"
    verbose_name = _("Service catalog")

    def ready(self) -> None:
        # Registers the items' impact provider and apply hook with the reform plans.
        from . import reform  # noqa: F401
