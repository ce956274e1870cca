"""Single sign-on checks that need no browser: state, token signature, audience, subject, claims.

The signature tests verify against the JWKS of the real test provider (tests/oidc_provider),
started on loopback for this module; the browser-driven flow is in test_oidc_browser.py.
"""

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from jwcrypto import jwk, jwt
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from pytest_django.fixtures import Settings as SettingsWrapper

from retning.accounts.models import User
from retning.accounts.oidc import RetningOIDCBackend, check_id_token_claims, organisation_numbers
from retning.actors.orgnr import check_digit, is_valid, normalise
from tests.oidc_provider import CLIENT_ID
from tests.oidc_provider.server import RunningProvider, running_provider

from .conftest import OIDC_BACKEND, use_provider

LOGIN = "/konto/logg-inn/"
REFUSED = "Innloggingen via virksomhetens pålogging ble ikke fullført"


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvider]:
    # No live server here: these tests never let the provider call back, and a live server
    # would empty the shared test database afterwards.
    data_dir = tmp_path_factory.mktemp("oidc-provider-keys")
    with running_provider(data_dir, "http://localhost/not-used/") as running:
        yield running


@pytest.fixture
def oidc_on(settings: SettingsWrapper, db: None) -> SettingsWrapper:
    """OIDC switched on with made-up endpoints, for tests that stop before any network call."""
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "http://127.0.0.1:9/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token/"
    settings.OIDC_OP_USER_ENDPOINT = "http://127.0.0.1:9/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = "http://127.0.0.1:9/jwks/"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, OIDC_BACKEND]
    return settings


def _start_sign_in(client: Client) -> dict[str, list[str]]:
    response = client.get("/oidc/authenticate/?next=/veikart/")
    assert response.status_code == 302
    return parse_qs(urlsplit(response["Location"]).query)


def _signed_token(key: jwk.JWK, kid: str, claims: dict[str, Any]) -> str:
    token = jwt.JWT(header={"alg": "RS256", "kid": kid, "typ": "JWT"}, claims=claims)
    token.make_signed_token(key)
    return str(token.serialize())


def _claims(provider: RunningProvider, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": provider.issuer,
        "sub": provider.sub,
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": "nonce-1",
    }
    return {**claims, **changes}


def _another_key() -> jwk.JWK:
    return jwk.JWK.generate(kty="RSA", size=2048)


def test_the_authorization_request_uses_state_nonce_and_pkce(client: Client, oidc_on: Any) -> None:
    params = _start_sign_in(client)
    assert params["client_id"] == [CLIENT_ID]
    assert params["response_type"] == ["code"]
    assert params["redirect_uri"] == ["http://testserver/oidc/callback/"]
    assert params["code_challenge_method"] == ["S256"]
    assert len(params["state"][0]) >= 32 and len(params["nonce"][0]) >= 32


def test_a_callback_with_an_unknown_state_is_refused(client: Client, oidc_on: Any) -> None:
    _start_sign_in(client)
    response = client.get("/oidc/callback/?code=abc&state=forged", follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert REFUSED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(oidc_subject__gt="").exists()


def test_a_callback_that_was_never_started_is_refused(client: Client, oidc_on: Any) -> None:
    response = client.get("/oidc/callback/?code=abc&state=anything")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_a_provider_that_reports_an_error_leaves_the_user_signed_out(
    client: Client, oidc_on: Any
) -> None:
    state = _start_sign_in(client)["state"][0]
    response = client.get(f"/oidc/callback/?error=access_denied&state={state}", follow=True)
    assert REFUSED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_unreachable_provider_is_explained(client: Client, oidc_on: Any) -> None:
    # Port 9 (discard) on loopback: nothing listens, so the token request fails at once.
    state = _start_sign_in(client)["state"][0]
    response = client.get(f"/oidc/callback/?code=abc&state={state}", follow=True)
    assert "Vi fikk ikke kontakt med påloggingstjenesten." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_id_token_signed_with_another_key_is_refused(
    provider: RunningProvider, settings: SettingsWrapper
) -> None:
    use_provider(settings, provider)
    kid = provider.jwks()["keys"][0]["kid"]
    forged = _signed_token(_another_key(), kid, _claims(provider))
    with pytest.raises(SuspiciousOperation, match="JWS token verification failed"):
        RetningOIDCBackend().verify_token(forged, nonce="nonce-1")


def test_an_id_token_naming_a_key_the_provider_does_not_have_is_refused(
    provider: RunningProvider, settings: SettingsWrapper
) -> None:
    use_provider(settings, provider)
    forged = _signed_token(_another_key(), "not-the-providers-key", _claims(provider))
    with pytest.raises(SuspiciousOperation, match="Could not find a valid JWKS"):
        RetningOIDCBackend().verify_token(forged, nonce="nonce-1")


def test_the_callback_refuses_a_forged_id_token_and_creates_no_user(
    client: Client,
    provider: RunningProvider,
    settings: SettingsWrapper,
    monkeypatch: pytest.MonkeyPatch,
    db: None,
) -> None:
    # Only the token endpoint's answer is replaced; the signature is checked against the
    # provider's real JWKS, as in production.
    use_provider(settings, provider)
    params = _start_sign_in(client)
    forged = _signed_token(
        _another_key(),
        provider.jwks()["keys"][0]["kid"],
        _claims(provider, nonce=params["nonce"][0]),
    )
    monkeypatch.setattr(
        RetningOIDCBackend,
        "get_token",
        lambda self, payload: {"id_token": forged, "access_token": "x"},
    )
    response = client.get(f"/oidc/callback/?code=abc&state={params['state'][0]}", follow=True)
    assert REFUSED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(oidc_subject=provider.sub).exists()


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"aud": "another-client"}, "another client"),
        ({"aud": [CLIENT_ID, "another-client"], "azp": "another-client"}, "authorised party"),
        ({"aud": [CLIENT_ID, "another-client"]}, "authorised party"),
        ({"iss": "http://127.0.0.1:1"}, "another issuer"),
    ],
)
def test_an_id_token_for_another_client_or_issuer_is_refused(
    changes: dict[str, Any], reason: str
) -> None:
    payload = {"iss": "http://op", "aud": CLIENT_ID, "sub": "1", **changes}
    with pytest.raises(SuspiciousOperation, match=reason):
        check_id_token_claims(payload, client_id=CLIENT_ID, issuer="http://op")


def test_an_id_token_for_this_client_passes_the_claim_checks() -> None:
    check_id_token_claims(
        {"iss": "http://op", "aud": [CLIENT_ID, "api"], "azp": CLIENT_ID},
        client_id=CLIENT_ID,
        issuer="http://op",
    )
    # Without a configured issuer, any issuer is accepted (the signature still binds it).
    check_id_token_claims({"iss": "http://x", "aud": CLIENT_ID}, client_id=CLIENT_ID, issuer="")


def test_userinfo_about_another_subject_is_refused(
    oidc_on: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        OIDCAuthenticationBackend, "get_userinfo", lambda self, a, i, p: {"sub": "someone-else"}
    )
    payload = {"sub": "me", "aud": CLIENT_ID, "iss": "http://op"}
    with pytest.raises(SuspiciousOperation, match="userinfo subject"):
        RetningOIDCBackend().get_userinfo("access", "id", payload)


def test_claims_from_the_id_token_fill_in_what_userinfo_leaves_out(
    oidc_on: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        OIDCAuthenticationBackend,
        "get_userinfo",
        lambda self, a, i, p: {"sub": "me", "email": "new@example.no"},
    )
    payload = {"sub": "me", "aud": CLIENT_ID, "orgnr": "983544622", "email": "old@example.no"}
    claims = RetningOIDCBackend().get_userinfo("access", "id", payload)
    assert claims["orgnr"] == "983544622"
    assert claims["email"] == "new@example.no"


def test_a_user_is_found_by_subject_not_by_e_mail(oidc_on: Any, seeded: None) -> None:
    backend = RetningOIDCBackend()
    local = User.objects.create_user(username="kari", email="kari@example.no")
    claims = {"sub": "abc-123", "email": "kari@example.no", "orgnr": ["983544622"]}
    assert list(backend.filter_users_by_claims(claims)) == []

    created = backend.create_user(claims)
    assert created.pk != local.pk
    assert created.oidc_subject == "abc-123"
    assert not created.has_usable_password()
    assert list(created.reporter_for.values_list("org_number", flat=True)) == ["983544622"]
    assert list(backend.filter_users_by_claims(claims)) == [created]


def test_the_organisation_claim_can_be_switched_off(oidc_on: SettingsWrapper, seeded: None) -> None:
    oidc_on.RETNING_OIDC_GRANT_REPORTER = False
    user = RetningOIDCBackend().create_user({"sub": "abc", "orgnr": "983544622"})
    assert not user.reporter_for.exists()


def test_the_organisation_claim_name_comes_from_the_settings(settings: SettingsWrapper) -> None:
    settings.RETNING_OIDC_ORGNR_CLAIM = "helseid://claims/client/claims/orgnr_parent"
    claims = {"helseid://claims/client/claims/orgnr_parent": "983544622", "orgnr": "994598759"}
    assert organisation_numbers(claims) == {"983544622"}


_eight_digits = st.text(alphabet="0123456789", min_size=8, max_size=8)
_valid = _eight_digits.filter(lambda d: check_digit(d) is not None).map(
    lambda d: d + str(check_digit(d))
)


@given(
    valid=st.lists(_valid, max_size=4),
    junk=st.lists(st.one_of(st.text(max_size=12), st.integers(), st.none()), max_size=4),
)
def test_only_valid_organisation_numbers_are_taken_from_the_claim(
    valid: list[str], junk: list[Any]
) -> None:
    values = valid + junk
    expected = set(valid) | {normalise(str(v)) for v in junk if is_valid(str(v))}
    assert organisation_numbers({"orgnr": values}) == expected
    if valid:
        assert organisation_numbers({"orgnr": valid[0]}) == {valid[0]}
