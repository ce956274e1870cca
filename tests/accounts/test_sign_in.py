"""Signing in and out with a username and password, the lockout, "Min side" and the site header."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from retning.accounts.models import User
from retning.actors.models import Organisation

from .conftest import PASSWORD

LOGIN = "/konto/logg-inn/"


def _sign_in(client: Client, username: str, password: str, **extra: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_the_login_page_has_the_agreed_address_and_norwegian_labels(client: Client) -> None:
    assert reverse("accounts:login") == LOGIN
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="ds-label" for="id_username">Brukernavn</label>' in html
    assert '<label class="ds-label" for="id_password">Passord</label>' in html
    assert 'class="ds-input"' in html
    assert "Glemt passordet?" in html


def test_a_user_signs_in_and_is_sent_to_the_page_they_came_from(
    client: Client, make_user: Callable[..., User]
) -> None:
    user = make_user()
    response = _sign_in(client, "kari", PASSWORD, next="/veikart/")
    assert response.status_code == 302
    assert response["Location"] == "/veikart/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_next_address_on_another_site_is_ignored(
    client: Client, make_user: Callable[..., User]
) -> None:
    make_user()
    response = _sign_in(client, "kari", PASSWORD, next="https://evil.example/")
    assert response["Location"] == "/"


def test_a_wrong_password_is_refused_with_a_norwegian_message_and_an_error_summary(
    client: Client, make_user: Callable[..., User]
) -> None:
    make_user()
    response = _sign_in(client, "kari", "feil-passord-her")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert "Brukernavnet eller passordet er feil." in html
    assert "Etter 5 mislykkede forsøk på rad" in html
    assert 'class="ds-error-summary"' in html


def test_empty_fields_get_a_message_next_to_each_field(client: Client, db: None) -> None:
    response = _sign_in(client, "", "")
    html = response.content.decode()
    username_error = re.search(r'<div id="id_username_error">(.*?)</div>', html, re.S)
    password_error = re.search(r'<div id="id_password_error">(.*?)</div>', html, re.S)
    assert username_error and "Skriv inn brukernavnet ditt." in username_error.group(1)
    assert password_error and "Skriv inn passordet ditt." in password_error.group(1)
    # The input points at its message, and the summary links to the field.
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="id_username"', html) or re.search(
        r'<input[^>]*id="id_username"[^>]*aria-invalid="true"', html
    )
    assert 'aria-describedby="id_username_error"' in html
    assert 'href="#id_username"' in html


def test_an_inactive_user_cannot_sign_in(client: Client, make_user: Callable[..., User]) -> None:
    make_user(is_active=False)
    response = _sign_in(client, "kari", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_username_and_address_out_for_an_hour(
    client: Client, make_user: Callable[..., User]
) -> None:
    make_user()
    statuses = [_sign_in(client, "kari", f"feil-{n}").status_code for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]

    # Even the right password is refused while the lockout lasts.
    locked = _sign_in(client, "kari", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    html = locked.content.decode()
    assert "Innloggingen er midlertidig stengt" in html
    assert re.search(r"Du kan prøve igjen etter (\d+\. \w+ )?klokken \d\d:\d\d\.", html)
    assert "Innloggingen stenges i 1 time" in html
    assert 3500 <= int(locked["Retry-After"]) <= 3600


def test_the_lockout_is_per_username_so_others_can_still_sign_in(
    client: Client, make_user: Callable[..., User]
) -> None:
    make_user("kari")
    make_user("ola")
    for n in range(5):
        _sign_in(client, "kari", f"feil-{n}")
    assert _sign_in(client, "ola", PASSWORD).status_code == 302


def test_a_success_before_the_limit_resets_the_count(
    client: Client, make_user: Callable[..., User]
) -> None:
    make_user()
    for n in range(4):
        _sign_in(client, "kari", f"feil-{n}")
    assert _sign_in(client, "kari", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    assert [_sign_in(client, "kari", f"feil-{n}").status_code for n in range(4)] == [200] * 4


def test_signing_out_needs_a_post(client: Client, make_user: Callable[..., User]) -> None:
    client.force_login(make_user())
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session

    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_min_side_needs_a_signed_in_user(client: Client, db: None) -> None:
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/konto/"


def test_min_side_shows_the_users_roles_and_the_organisations_they_report_for(
    client: Client, make_user: Callable[..., User], seeded: None
) -> None:
    hdir = Organisation.objects.get(org_number="983544622")
    other = Organisation.objects.exclude(pk=hdir.pk).order_by("name").first()
    assert other is not None
    user = make_user(first_name="Kari", last_name="Nordmann", is_data_steward=True)
    user.reporter_for.add(hdir, other)
    client.force_login(user)

    html = client.get(reverse("accounts:profile")).content.decode()
    roles = re.search(r'<ul class="ds-list" id="roles">(.*?)</ul>', html, re.S)
    assert roles is not None
    assert "Dataforvalter" in roles.group(1)
    assert "Sekretariat" not in roles.group(1)
    assert "Rapportør for" in roles.group(1)
    assert hdir.name in roles.group(1) and other.name in roles.group(1)
    assert "Kari Nordmann" in html
    assert 'href="/konto/api-nokler/"' in html
    assert 'action="/konto/logg-ut/"' in html
    assert 'href="/konto/passord/"' in html


def test_min_side_says_so_when_the_user_has_no_roles(
    client: Client, make_user: Callable[..., User]
) -> None:
    client.force_login(make_user())
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Du har ingen roller ennå" in html


def test_min_side_offers_no_password_change_to_single_sign_on_users(
    client: Client, db: None
) -> None:
    user = User.objects.create_user(username="oidc-abc", oidc_subject="abc")
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Virksomhetens pålogging" in html
    assert 'href="/konto/passord/"' not in html


@pytest.mark.parametrize(
    ("path", "next_"), [("/", "/"), ("/veikart/?fase=2&side=1", "/veikart/%3Ffase%3D2%26side%3D1")]
)
def test_the_header_offers_sign_in_to_visitors_and_brings_them_back(
    client: Client, seeded: None, path: str, next_: str
) -> None:
    html = client.get(path).content.decode()
    assert f'<a class="ds-link" href="{LOGIN}?next={next_}">Logg inn</a>' in html
    assert "Min side" not in html


def test_the_header_shows_the_signed_in_users_name_and_the_way_out(
    client: Client, make_user: Callable[..., User], seeded: None
) -> None:
    client.force_login(make_user(first_name="Kari", last_name="Nordmann"))
    html = client.get("/").content.decode()
    header = re.search(r"<header.*?</header>", html, re.S)
    assert header is not None
    assert "<strong>Kari Nordmann</strong>" in header.group(0)
    assert 'href="/konto/"' in header.group(0)
    assert re.search(r'<form[^>]*action="/konto/logg-ut/" method="post"', header.group(0))
    assert ">Logg inn<" not in header.group(0)


def test_the_login_page_has_no_single_sign_on_button_while_oidc_is_off(
    client: Client, db: None
) -> None:
    html = client.get(LOGIN).content.decode()
    assert "/oidc/authenticate/" not in html
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


@override_settings(OIDC_ENABLED=True, RETNING_OIDC_LABEL="Logg inn med HelseID")
def test_the_login_page_offers_single_sign_on_when_oidc_is_on(client: Client, db: None) -> None:
    html = client.get(LOGIN + "?next=/veikart/").content.decode()
    assert re.search(r'<a class="ds-button"[^>]*href="/oidc/authenticate/\?next=/veikart/"', html)
    assert "Logg inn med HelseID" in html
