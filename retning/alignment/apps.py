from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlignmentConfig(AppConfig):
    name = "retning.alignment"
    verbose_name = _("Sammenheng med andre planer")
