"""Sign-in, sign-out, passwords and "Min side": Django's auth views with Retning's templates and texts."""

import math
from datetime import datetime, timedelta
from typing import Any

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from .forms import ChangePasswordForm, NewPasswordForm, ResetRequestForm, SignInForm
from .models import User


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    # Not redirect_authenticated_user: a signed-in user sent here for lack of a permission would loop.

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        context["oidc_label"] = settings.RETNING_OIDC_LABEL
        return context


class SignOutView(auth_views.LogoutView):
    """Signs out on POST only, so a link or an image on another site cannot sign anyone out."""


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "accounts/password_reset_form.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    email_template_name = "accounts/email/password_reset_email.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self) -> dict[str, Any]:  # type: ignore[override]
        return {"valid_for": _duration_text(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT))}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ChangePasswordForm
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


def role_names(user: User) -> list[str]:
    """The user's roles in the words the secretariat uses, without the organisations."""
    roles = []
    if user.is_superuser:
        roles.append(_("Administrator (alle tilganger)"))
    if user.is_secretariat:
        roles.append(_("Sekretariat"))
    if user.is_data_steward:
        roles.append(_("Dataforvalter"))
    return roles


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/profile.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        assert isinstance(user, User)
        context.update(
            {
                "roles": role_names(user),
                "reporter_for": list(user.reporter_for.order_by("name")),
                "has_password": user.has_usable_password(),
                "signs_in_with_provider": bool(user.oidc_subject),
            }
        )
        return context


def _lockout_ends(
    request: HttpRequest, credentials: dict[str, Any] | None, cool_off: timedelta
) -> datetime:
    """When the newest failure counted for this username and address stops counting."""
    latest = AccessAttempt.objects.filter(
        username=get_client_username(request, credentials),
        ip_address=getattr(request, "axes_ip_address", None),
    ).aggregate(latest=Max("attempt_time"))["latest"]
    return (latest or timezone.now()) + cool_off


def _duration_text(delta: timedelta) -> str:
    minutes = max(1, math.ceil(delta.total_seconds() / 60))
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)d time", "%(n)d timer", hours) % {"n": hours}
    return ngettext("%(n)d minutt", "%(n)d minutter", minutes) % {"n": minutes}


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes calls this instead of the sign-in view while a username and address are locked out."""
    cool_off = get_cool_off(request) or timedelta(hours=1)
    now = timezone.now()
    ends = max(_lockout_ends(request, credentials, cool_off), now)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cool_off": _duration_text(cool_off),
        "ends": timezone.localtime(ends),
        "ends_today": timezone.localdate(ends) == timezone.localdate(now),
    }
    response = render(request, "accounts/locked_out.html", context, status=429)
    response["Retry-After"] = str(max(1, math.ceil((ends - now).total_seconds())))
    return response
