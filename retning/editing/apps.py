from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditingConfig(AppConfig):
    name = "retning.editing"
    verbose_name = _("Redigering og endringslogg")
