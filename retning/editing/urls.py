from django.urls import path

from . import imports, overrides, views

app_name = "editing"

urlpatterns = [
    path("endringslogg/", views.changelog, name="changelog"),
    path("mal/<int:number>/", views.goal_edit, name="goal_edit"),
    path("delmal/<str:code>/", views.subgoal_edit, name="subgoal_edit"),
    path("indikatorer/<str:code>/", views.indicator_edit, name="indicator_edit"),
    path("indikatorer/<str:code>/malinger/", views.observation_list, name="observation_list"),
    path("indikatorer/<str:code>/malinger/ny/", views.observation_add, name="observation_add"),
    path(
        "indikatorer/<str:code>/malinger/<int:pk>/",
        views.observation_edit,
        name="observation_edit",
    ),
    path(
        "indikatorer/<str:code>/malinger/<int:pk>/slett/",
        views.observation_delete,
        name="observation_delete",
    ),
    path("indikatorer/<str:code>/import/", imports.import_upload, name="import_upload"),
    path(
        "indikatorer/<str:code>/import/<str:token>/",
        imports.import_preview,
        name="import_preview",
    ),
    path(
        "indikatorer/<str:code>/import/<str:token>/oppsett/",
        imports.import_mapping,
        name="import_mapping",
    ),
    path(
        "indikatorer/<str:code>/vurdering/",
        overrides.assessment_override,
        name="assessment_override",
    ),
    path("veikart/<str:external_id>/", views.initiative_edit, name="initiative_edit"),
    path("veikart/<str:external_id>/ny-leveranse/", views.delivery_row, name="delivery_row"),
    path("aktorer/<slug:slug>/", views.organisation_edit, name="organisation_edit"),
]

# Delivery dates and dependencies (issue 5), appended so other work on this list is not disturbed.
from . import delivery_views  # noqa: E402

urlpatterns += [
    path("leveranser/<int:pk>/", delivery_views.delivery_schedule, name="delivery_schedule"),
    path(
        "veikart/<str:external_id>/avhengigheter/",
        delivery_views.dependency_list,
        name="dependency_list",
    ),
    path(
        "avhengigheter/<int:pk>/slett/",
        delivery_views.dependency_delete,
        name="dependency_delete",
    ),
]
