"""Personal API tokens: made and revoked on /konto/api-nokler/, stored only as a hash."""

import re
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.urls import reverse

from retning.accounts.models import ApiToken, User
from retning.accounts.tokens import MAX_ACTIVE_TOKENS

from .conftest import API

TOKENS_URL = "/konto/api-nokler/"


def create_token(client: Client, name: str = "Porteføljesystemet") -> str:
    response = client.post(f"{TOKENS_URL}ny/", {"name": name})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "vises bare denne ene gangen" in html
    [secret] = re.findall(r'id="api-token-secret" type="text" value="(rtn_[^"]+)"', html)
    return secret


def every_stored_value() -> str:
    """Everything in every table, as text, to look for a secret in."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names come from the schema
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_the_token_page_needs_a_signed_in_user(db: None, client: Client) -> None:
    response = client.get(TOKENS_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(
    seeded: None, client: Client, make_user: Callable[..., User]
) -> None:
    user = make_user()
    client.force_login(user)
    secret = create_token(client)
    token = ApiToken.objects.get(user=user)
    assert token.name == "Porteføljesystemet"
    assert secret.startswith(token.prefix) and len(secret) > 40
    assert secret not in every_stored_value()
    listing = client.get(TOKENS_URL).content.decode()
    assert token.prefix in listing
    assert secret not in listing


def test_a_token_authenticates_its_user_and_records_when_it_was_used(
    seeded: None, client: Client, make_user: Callable[..., User]
) -> None:
    user = make_user()
    client.force_login(user)
    secret = create_token(client)
    assert ApiToken.authenticate(secret) == user
    assert ApiToken.objects.get(user=user).last_used_at is not None
    assert ApiToken.authenticate(secret + "x") is None


def test_a_revoked_token_gets_401_from_the_api(
    seeded: None, client: Client, api: Client, make_user: Callable[..., User]
) -> None:
    user = make_user(is_secretariat=True)
    client.force_login(user)
    secret = create_token(client)
    token = ApiToken.objects.get(user=user)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    body = {"version": 999}
    # Accepted before: the stale version shows the token got past authentication.
    assert api.patch(f"{API}/goals/1", body, "application/json", **headers).status_code == 409

    response = client.post(f"{TOKENS_URL}{token.pk}/trekk-tilbake/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "trukket tilbake" in client.get(TOKENS_URL).content.decode()

    refused = api.patch(f"{API}/goals/1", body, "application/json", **headers)
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == 'Bearer realm="retning", error="invalid_token"'
    assert refused.json()["detail"].startswith("API-nøkkelen er ukjent, trukket tilbake")


def test_nobody_can_revoke_someone_elses_token(
    seeded: None, client: Client, make_user: Callable[..., User]
) -> None:
    owner, intruder = make_user(), make_user()
    token, _ = ApiToken.issue(user=owner, name="Mitt system")
    client.force_login(intruder)
    assert client.post(f"{TOKENS_URL}{token.pk}/trekk-tilbake/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_needs_a_post_with_a_csrf_token(
    seeded: None, make_user: Callable[..., User]
) -> None:
    user = make_user()
    token, _ = ApiToken.issue(user=user, name="Mitt system")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.get(f"{TOKENS_URL}{token.pk}/trekk-tilbake/").status_code == 405
    assert strict.post(f"{TOKENS_URL}{token.pk}/trekk-tilbake/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_needs_a_name_and_there_is_a_limit_on_active_tokens(
    seeded: None, client: Client, make_user: Callable[..., User]
) -> None:
    user = make_user()
    client.force_login(user)
    response = client.post(f"{TOKENS_URL}ny/", {"name": "  "})
    assert "Gi nøkkelen et navn" in response.content.decode()
    for number in range(MAX_ACTIVE_TOKENS):
        ApiToken.issue(user=user, name=f"Nøkkel {number}")
    response = client.post(f"{TOKENS_URL}ny/", {"name": "En til"})
    assert "høyeste antallet" in response.content.decode()
    assert user.api_tokens.count() == MAX_ACTIVE_TOKENS


def test_the_token_page_lists_name_prefix_and_status_in_english_too(
    seeded: None, client: Client, make_user: Callable[..., User]
) -> None:
    user = make_user()
    ApiToken.issue(user=user, name="Rapportering")
    client.force_login(user)
    response = client.get("/en" + TOKENS_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "Rapportering" in html and user.api_tokens.get().prefix in html
