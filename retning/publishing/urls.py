from django.urls import path

from . import views

app_name = "publishing"

urlpatterns = [
    path("", views.home, name="home"),
    path("mal/<int:number>/", views.goal_detail, name="goal_detail"),
    path("delmal/<str:code>/", views.subgoal_detail, name="subgoal_detail"),
    path("indikatorer/", views.indicator_list, name="indicator_list"),
    path("indikatorer/<str:code>/", views.indicator_detail, name="indicator_detail"),
    path("indikatorer/<str:code>/data.csv", views.indicator_csv, name="indicator_csv"),
    path("veikart/", views.roadmap, name="roadmap"),
    path("veikart/<str:external_id>/", views.initiative_detail, name="initiative_detail"),
    path("aktorer/", views.organisation_list, name="organisation_list"),
    path("aktorer/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("temaer/", views.theme_list, name="theme_list"),
    path("temaer/<slug:slug>/", views.theme_detail, name="theme_detail"),
    path("dokumenter/", views.document_list, name="document_list"),
    path("sok/", views.search, name="search"),
]
