from django.urls import path

from . import views

app_name = "alignment"

urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("uten-nasjonalt-initiativ/", views.unreflected, name="unreflected"),
    path("aktorer/<slug:slug>/ny-plan/", views.plan_add, name="plan_add"),
    path("planer/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("planer/<int:pk>/endre/", views.plan_edit, name="plan_edit"),
    path("planer/<int:pk>/nytt-punkt/", views.item_add, name="item_add"),
    path("punkter/<int:pk>/endre/", views.item_edit, name="item_edit"),
    path("punkter/<int:pk>/slett/", views.item_delete, name="item_delete"),
    path("punkter/<int:pk>/foresla-sak/", views.item_propose, name="item_propose"),
    path("gap/", views.gap_list, name="gaps"),
    path("gap/indikatorer/<str:code>/", views.indicator_links, name="indicator_links"),
    path("dokumenter/ny/", views.document_add, name="document_add"),
    path("dokumenter/<int:pk>/endre/", views.document_edit, name="document_edit"),
    path("folges-med/", views.watch_list, name="watch_list"),
    path("folges-med/ny/", views.watch_add, name="watch_add"),
    path("folges-med/<int:pk>/endre/", views.watch_edit, name="watch_edit"),
    path("folges-med/<int:pk>/lukk/", views.watch_close, name="watch_close"),
    path("temaer/<slug:slug>/logg/ny/", views.theme_log_add, name="theme_log_add"),
    path("arsrapport/", views.annual_report_index, name="annual_report_index"),
    path("arsrapport/<int:year>/", views.annual_report_year, name="annual_report"),
    path(
        "arsrapport/<int:year>/generer/",
        views.annual_report_generate,
        name="annual_report_generate",
    ),
    path(
        "arsrapport/<int:year>/<int:pk>/",
        views.annual_report_stored,
        name="annual_report_stored",
    ),
    path("arsrapport/<int:year>/<int:pk>.pdf", views.annual_report_pdf, name="annual_report_pdf"),
    path(
        "arsrapport/<int:year>/<int:pk>/knytt-til-sak/",
        views.annual_report_attach,
        name="annual_report_attach",
    ),
]
