from django.urls import path

from . import views

app_name = "reporting"

urlpatterns: list = [
    path("", views.todo, name="todo"),
    path("rapporter/<int:pk>/", views.report_detail, name="report_detail"),
    path("rapporter/<int:pk>/fyll-ut/", views.report_edit, name="report_edit"),
    path("rapporter/<int:pk>/godkjenn/", views.report_approve, name="report_approve"),
    path("rapporter/<int:pk>/returner/", views.report_return, name="report_return"),
    path("runder/", views.round_list, name="round_list"),
    path("runder/ny/", views.round_open, name="round_open"),
    path("runder/<int:pk>/", views.round_detail, name="round_detail"),
    path("runder/<int:pk>/las/", views.round_lock, name="round_lock"),
]

# Portfolio report and the round's spreadsheet (report_views.py).
from . import report_views  # noqa: E402

urlpatterns += [
    path("runder/<int:round_id>/portefolje/", report_views.portfolio_page, name="portfolio"),
    path("runder/<int:round_id>/portefolje.pdf", report_views.portfolio_pdf, name="portfolio_pdf"),
    path("runder/<int:round_id>/regneark.xlsx", report_views.sheet_export, name="sheet_export"),
    path(
        "runder/<int:round_id>/regneark/last-opp/",
        report_views.sheet_upload,
        name="sheet_upload",
    ),
    path(
        "runder/<int:round_id>/regneark/kontroller/",
        report_views.sheet_preview,
        name="sheet_preview",
    ),
]
