from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "onevisit.portal"
    label = "portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        # Registers the search indexer with the catalog's change hook.
        from . import indexing  # noqa: F401
