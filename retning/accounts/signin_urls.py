"""Sign-in, sign-out, passwords and "Min side", under /konto/ in the `accounts` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.ProfileView.as_view(), name="profile"),
    path("logg-inn/", views.SignInView.as_view(), name="login"),
    path("logg-ut/", views.SignOutView.as_view(), name="logout"),
    path("passord/", views.PasswordChangeView.as_view(), name="password_change"),
    path("passord/endret/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("glemt-passord/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "glemt-passord/sendt/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "nytt-passord/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "nytt-passord/ferdig/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
