from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from retning.api.v1 import api

admin.site.site_header = _("Retning – administrasjon")
admin.site.site_title = _("Retning")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]
if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

# Norwegian pages live at the root (/mal/1/); English ones under /en/ so both can be shared as links.
urlpatterns += i18n_patterns(
    path("konto/", include("retning.accounts.urls")),
    path("rediger/", include("retning.editing.urls")),
    path("", include("retning.publishing.urls")),
    prefix_default_language=False,
)
