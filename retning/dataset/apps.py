from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatasetConfig(AppConfig):
    name = "retning.dataset"
    verbose_name = _("Standarddatasett")
