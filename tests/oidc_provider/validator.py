"""Claims the test provider puts in the ID token and the userinfo answer."""

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from . import ORGNR


class ClaimsValidator(OAuth2Validator):
    # Claims outside this map are dropped, so the organisation claim needs a scope too.
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "orgnr": "profile"}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        return {
            "email": user.email,
            "email_verified": True,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "name": user.get_full_name(),
            "orgnr": ORGNR,
        }
