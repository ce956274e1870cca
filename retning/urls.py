from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from retning.api.v1 import api
from retning.operations import views as operations

admin.site.site_header = _("Retning – administrasjon")
admin.site.site_title = _("Retning")

urlpatterns = [
    # Health checks for load balancers: no language prefix, no sign-in, never cached.
    path("healthz", operations.healthz, name="healthz"),
    path("readyz", operations.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    # Always routed; the views answer 404 unless settings.OIDC_ENABLED (see accounts/oidc.py).
    path("oidc/", include("mozilla_django_oidc.urls")),
]

# Norwegian pages live at the root (/mal/1/); English ones under /en/ so both can be shared as links.
urlpatterns += i18n_patterns(
    path("konto/", include("retning.accounts.urls")),
    path("rediger/", include("retning.editing.urls")),
    path("rapportering/", include("retning.reporting.urls")),
    path("rad/", include("retning.council.urls")),
    path("samsvar/", include("retning.alignment.urls")),
    path("", include("retning.publishing.urls")),
    prefix_default_language=False,
)
