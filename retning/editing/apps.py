from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditingConfig(AppConfig):
    name = "retning.editing"
    verbose_name = _("Redigering og endringslogg")

    def ready(self) -> None:
        from django.contrib import admin

        from .admin import make_history_read_only

        # Runs after the admin has registered every app's model admins (admin comes first).
        make_history_read_only(admin.site)
