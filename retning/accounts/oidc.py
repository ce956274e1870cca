"""Single sign-on with OpenID Connect: who the provider says you are, and which organisations you act for."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from retning.actors.models import Organisation
from retning.actors.orgnr import InvalidOrganisationNumber, validate

from .models import User


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


class RetningOIDCBackend(OIDCAuthenticationBackend):
    """Matches users by the provider's stable subject, never by e-mail address alone."""

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
