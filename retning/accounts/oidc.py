"""Single sign-on with OpenID Connect: who the provider says you are, and which organisations you act for.

mozilla-django-oidc does the authorization-code flow; this module adds what Retning needs on top:
users are matched by the provider's stable subject, the ID token must be meant for this client,
the userinfo must describe the same subject, and the sign-in views answer 404 while OIDC is off.
"""

import logging
from collections.abc import Iterable
from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from retning.actors.models import Organisation
from retning.actors.orgnr import InvalidOrganisationNumber, validate

from .models import User

logger = logging.getLogger(__name__)


def organisation_numbers(claims: dict[str, Any]) -> set[str]:
    """Valid organisation numbers from the configured claim (a string or a list of strings)."""
    raw = claims.get(settings.RETNING_OIDC_ORGNR_CLAIM)
    values: Iterable[Any] = raw if isinstance(raw, list) else [raw] if raw else []
    numbers = set()
    for value in values:
        try:
            numbers.add(validate(str(value)))
        except InvalidOrganisationNumber:
            continue
    return numbers


def check_id_token_claims(payload: dict[str, Any], *, client_id: str, issuer: str) -> None:
    """Refuse an ID token issued to another client or by another issuer.

    The signature alone does not prove the token was meant for us: any client of the same
    provider holds tokens signed with the same key (OpenID Connect Core, section 3.1.3.7).
    """
    audience = payload.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if client_id not in audiences:
        raise SuspiciousOperation("The ID token was issued to another client.")
    if len(audiences) > 1 and payload.get("azp") != client_id:
        raise SuspiciousOperation("The ID token's authorised party is another client.")
    if issuer and payload.get("iss") != issuer:
        raise SuspiciousOperation("The ID token comes from another issuer.")


class RetningOIDCBackend(OIDCAuthenticationBackend):
    """Matches users by the provider's stable subject, never by e-mail address alone."""

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        check_id_token_claims(
            payload, client_id=self.OIDC_RP_CLIENT_ID, issuer=settings.OIDC_OP_ISSUER
        )
        userinfo = super().get_userinfo(access_token, id_token, payload)
        # Userinfo for another subject would let one person sign in as another (Core 5.3.2).
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo subject differs from the ID token's.")
        # Some providers put the organisation claim in the ID token only; userinfo wins on conflicts.
        return {**payload, **userinfo}

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub")) and bool(super().verify_claims(claims))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        subject = claims.get("sub")
        if not subject:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(oidc_subject=subject)

    def create_user(self, claims: dict[str, Any]) -> User:
        user = User.objects.create_user(
            username=f"oidc-{claims['sub']}"[:150],
            email=claims.get("email", ""),
            first_name=claims.get("given_name", ""),
            last_name=claims.get("family_name", ""),
            oidc_subject=claims["sub"],
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        return self.update_user(user, claims)

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        for field, claim in (
            ("email", "email"),
            ("first_name", "given_name"),
            ("last_name", "family_name"),
        ):
            if claims.get(claim):
                setattr(user, field, claims[claim])
        user.save()
        if settings.RETNING_OIDC_GRANT_REPORTER:
            numbers = organisation_numbers(claims)
            if numbers:
                user.reporter_for.add(*Organisation.objects.filter(org_number__in=numbers))
        return user


class _OnlyWhenEnabled:
    """The /oidc/ URLs are always routed; without a configured provider they do not exist."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not configured.")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class ProviderSignInView(_OnlyWhenEnabled, OIDCAuthenticationRequestView):
    """Sends the browser to the provider's login page."""


class ProviderCallbackView(_OnlyWhenEnabled, OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back. Any failure ends on our login page with a message."""

    @property
    def failure_url(self) -> str:
        return reverse("accounts:login")

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)
        except SuspiciousOperation as error:
            # A forged or replayed callback, or a token that failed a check: refuse, and keep a trace.
            logger.warning("Single sign-on refused: %s", error)
            return self._fail(request)
        except requests.RequestException as error:
            logger.error("Single sign-on provider unreachable: %s", error)
            return self._fail(
                request,
                _(
                    "Vi fikk ikke kontakt med påloggingstjenesten. Vent litt og prøv igjen, "
                    "eller logg inn med brukernavn og passord."
                ),
            )

    def login_failure(self) -> HttpResponse:
        return self._fail(self.request)

    def _fail(self, request: HttpRequest, message: str | None = None) -> HttpResponseRedirect:
        messages.error(
            request,
            message
            or _(
                "Innloggingen via virksomhetens pålogging ble ikke fullført, og du er ikke logget inn. "
                "Prøv igjen fra denne siden, eller logg inn med brukernavn og passord."
            ),
        )
        return HttpResponseRedirect(self.failure_url)
