from django.apps import AppConfig
from django.core.signals import request_finished
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "retning.operations"
    verbose_name = _("Drift")

    def ready(self) -> None:
        from .logging import clear_request_context

        request_finished.connect(
            clear_request_context, dispatch_uid="retning.clear_request_context"
        )
