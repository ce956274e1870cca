from django.urls import path

from . import views

app_name = "council"

urlpatterns = [
    path("", views.body_list, name="body_list"),
    path("arshjul/", views.annual_cycle_current, name="annual_cycle_current"),
    path("arshjul/<int:year>/", views.annual_cycle_year, name="annual_cycle"),
    path("plan/", views.plan_history, name="plan_history"),
    path("plan/endringer/", views.plan_diff, name="plan_diff"),
    path("plan/<int:pk>/", views.plan_version, name="plan_version"),
    path("oppfolging/", views.follow_up_list, name="follow_up_list"),
    path("oppfolging/<int:pk>/status/", views.follow_up_status, name="follow_up_status"),
    path("kalender/", views.my_calendar, name="my_calendar"),
    path("kalender/<str:token>.ics", views.personal_calendar, name="personal_calendar"),
    path("sak/ny/", views.case_propose, name="case_propose"),
    path("sak/<int:pk>/", views.case_detail, name="case_detail"),
    path("sak/<int:pk>/behandle/", views.case_triage, name="case_triage"),
    path("sak/<int:pk>/vedtak/", views.decision_create, name="decision_create"),
    path("sak/<int:pk>/vedlegg/ny/", views.attachment_upload, name="attachment_upload"),
    path(
        "sak/<int:pk>/vedlegg/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("vedtak/<int:pk>/oppfolging/ny/", views.follow_up_create, name="follow_up_create"),
    path("mote/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("mote/<int:pk>/innkalling/", views.notice_html, name="notice_html"),
    path("mote/<int:pk>/innkalling.pdf", views.notice_pdf, name="notice_pdf"),
    path("mote/<int:pk>/referat/", views.minutes_html, name="minutes_html"),
    path("mote/<int:pk>/referat.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("mote/<int:pk>/innkall/", views.meeting_convene, name="meeting_convene"),
    path("mote/<int:pk>/avhold/", views.meeting_hold, name="meeting_hold"),
    path("mote/<int:pk>/referat/rediger/", views.minutes_edit, name="minutes_edit"),
    path("mote/<int:pk>/referat/godkjenn/", views.minutes_approve, name="minutes_approve"),
    path("<str:short_name>/", views.body_detail, name="body_detail"),
    path("<str:short_name>/moter/", views.meeting_list, name="meeting_list"),
    path("<str:short_name>/mote/ny/", views.meeting_create, name="meeting_create"),
    path("<str:short_name>/kalender.ics", views.body_calendar, name="body_calendar"),
]
