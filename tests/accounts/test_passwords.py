"""Forgotten and changed passwords: the e-mail, its link, and the rules a new password must meet."""

import re
from collections.abc import Callable

from django.core import mail
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from retning.accounts.forms import NewPasswordForm
from retning.accounts.models import User

from .conftest import PASSWORD

NEW_PASSWORD = "sju-blå-fjell-og-en-fjord"


def _reset_link(client: Client, email: str) -> str:
    response = client.post(reverse("accounts:password_reset"), {"email": email})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    match = re.search(r"http://testserver(/konto/nytt-passord/\S+/)", str(mail.outbox[0].body))
    assert match is not None, mail.outbox[0].body
    return match.group(1)


def test_the_reset_e_mail_is_in_norwegian_and_goes_to_the_user(
    client: Client, make_user: Callable[..., User]
) -> None:
    make_user(first_name="Kari", last_name="Nordmann")
    _reset_link(client, "kari@example.no")
    message = mail.outbox[0]
    assert message.to == ["kari@example.no"]
    assert message.subject == "Nytt passord til Retning"
    assert "Hei, Kari Nordmann!" in message.body
    assert "Brukernavnet ditt er kari." in message.body
    assert "Lenken virker i 72 timer og kan bare brukes én gang." in message.body


def test_the_reset_link_lets_the_user_choose_a_new_password_and_sign_in_with_it(
    client: Client, make_user: Callable[..., User]
) -> None:
    make_user()
    link = _reset_link(client, "kari@example.no")

    # Django moves the token from the address into the session, then shows the form.
    form_page = client.get(link, follow=True)
    assert "Lag nytt passord" in form_page.content.decode()
    form_url = form_page.redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_reset_complete")

    fresh = Client()
    assert (
        fresh.post(
            reverse("accounts:login"), {"username": "kari", "password": PASSWORD}
        ).status_code
        == 200
    )
    signed_in = fresh.post(
        reverse("accounts:login"), {"username": "kari", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302


def test_a_reset_link_works_only_once(client: Client, make_user: Callable[..., User]) -> None:
    make_user()
    link = _reset_link(client, "kari@example.no")
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = Client().get(link, follow=True)
    assert "Lenken virker ikke lenger." in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_e_mail(client: Client, db: None) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "ingen@example.no"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_single_sign_on_users_get_no_reset_e_mail(client: Client, db: None) -> None:
    user = User.objects.create_user(username="oidc-1", email="sso@example.no", oidc_subject="1")
    user.set_unusable_password()
    user.save()
    client.post(reverse("accounts:password_reset"), {"email": "sso@example.no"})
    assert mail.outbox == []


def test_an_invalid_address_is_explained_next_to_the_field(client: Client, db: None) -> None:
    html = client.post(reverse("accounts:password_reset"), {"email": "kari@"}).content.decode()
    assert '<div id="id_email_error">' in html
    assert "Skriv inn en gyldig e-postadresse, for eksempel navn@virksomhet.no." in html


def test_a_signed_in_user_changes_their_password(
    client: Client, make_user: Callable[..., User]
) -> None:
    user = make_user()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # Changing the password keeps this session signed in.
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_wrong_current_password_is_explained_in_norwegian(
    client: Client, make_user: Callable[..., User]
) -> None:
    client.force_login(make_user())
    html = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "ikke-dette",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    ).content.decode()
    assert "Det nåværende passordet er feil." in html


def test_password_change_needs_a_signed_in_user(client: Client, db: None) -> None:
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_new_password_rules_are_explained_in_norwegian(
    client: Client, make_user: Callable[..., User]
) -> None:
    client.force_login(make_user())
    cases = {
        "kort-ord": "Passordet er for kort. Det må ha minst 12 tegn.",
        "123456789012": "Passordet kan ikke bare være tall.",
        "password1234": "Passordet er for vanlig",
        "kari@example.no": "Passordet ligner for mye på navnet, brukernavnet eller e-postadressen din.",
    }
    for password, message in cases.items():
        html = client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
        ).content.decode()
        error = re.search(r'<div id="id_new_password2_error">(.*?)</div>', html, re.S)
        assert error is not None, password
        assert message in error.group(1), password


def test_two_different_new_passwords_are_refused(
    client: Client, make_user: Callable[..., User]
) -> None:
    client.force_login(make_user())
    html = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": PASSWORD},
    ).content.decode()
    assert "De to passordene er ikke like." in html


@given(length=st.integers(min_value=0, max_value=30))
def test_the_length_rule_is_exactly_twelve_characters(length: int) -> None:
    # Letters only, each different from the user's attributes, so only the length rule can apply.
    password = ("qxzvjw" * 5)[:length]
    form = NewPasswordForm(
        User(username="kari"), {"new_password1": password, "new_password2": password}
    )
    too_short = "Passordet er for kort. Det må ha minst 12 tegn."
    errors = list(form.errors.get("new_password2", [])) if not form.is_valid() else []
    assert (too_short in errors) == (0 < length < 12)
