from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicencesConfig(AppConfig):
    name = "onevisit.licences"
    label = "licences"
    verbose_name = _("Electronic licences")
