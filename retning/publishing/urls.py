from django.urls import path

from . import indicator_views, views

app_name = "publishing"

urlpatterns = [
    path("", views.home, name="home"),
    path("mal/<int:number>/", views.goal_detail, name="goal_detail"),
    path("delmal/<str:code>/", views.subgoal_detail, name="subgoal_detail"),
    path("indikatorer/", views.indicator_list, name="indicator_list"),
    path("indikatorer/eksport.csv", indicator_views.export_csv, name="export_csv"),
    path("indikatorer/eksport.xlsx", indicator_views.export_xlsx, name="export_xlsx"),
    path("indikatorer/eksport.json", indicator_views.export_jsonstat, name="export_jsonstat"),
    path("indikatorer/<str:code>/", views.indicator_detail, name="indicator_detail"),
    path("indikatorer/<str:code>/data.csv", indicator_views.indicator_csv, name="indicator_csv"),
    path("indikatorer/<str:code>/data.xlsx", indicator_views.indicator_xlsx, name="indicator_xlsx"),
    path(
        "indikatorer/<str:code>/data.json",
        indicator_views.indicator_jsonstat,
        name="indicator_jsonstat",
    ),
    path("metode/", indicator_views.methodology, name="methodology"),
    path("veikart/", views.roadmap, name="roadmap"),
    path("veikart/<str:external_id>/", views.initiative_detail, name="initiative_detail"),
    path("aktorer/", views.organisation_list, name="organisation_list"),
    path("aktorer/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("temaer/", views.theme_list, name="theme_list"),
    path("temaer/<slug:slug>/", views.theme_detail, name="theme_detail"),
    path("dokumenter/", views.document_list, name="document_list"),
    path("sok/", views.search, name="search"),
]

# The open-data archive (issue 8), appended so other work on this list is not disturbed.
from . import archive_views  # noqa: E402

urlpatterns += [
    path("apne-data/retning.zip", archive_views.open_data_archive, name="open_data_archive"),
]

from . import timeline_views  # noqa: E402

urlpatterns += [
    path("mal/<int:number>/tidslinje/", timeline_views.goal_timeline, name="goal_timeline"),
    path(
        "mal/<int:number>/avhengigheter/",
        timeline_views.goal_dependencies,
        name="goal_dependencies",
    ),
    path(
        "aktorer/<slug:slug>/tidslinje/",
        timeline_views.organisation_timeline,
        name="organisation_timeline",
    ),
    path(
        "brukergrupper/<slug:slug>/tidslinje/",
        timeline_views.usergroup_timeline,
        name="usergroup_timeline",
    ),
]
