from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Retning – administrasjon")
admin.site.site_title = _("Retning")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
# Norwegian pages live at the root (/mal/1/); English ones under /en/ so both can be shared as links.
urlpatterns += i18n_patterns(
    path("", include("retning.publishing.urls")),
    prefix_default_language=False,
)
