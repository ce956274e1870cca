"""Sign-in and password forms: Django's own, with Norwegian messages that say what to do next."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def _use_designsystemet(form: forms.Form) -> None:
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "ds-input")


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Brukernavnet eller passordet er feil. Sjekk at du har skrevet begge riktig, og prøv "
            "igjen. Etter %(limit)s mislykkede forsøk på rad stenges innloggingen en stund."
        ),
        "inactive": _(
            "Denne kontoen er deaktivert. Kontakt sekretariatet hvis du trenger tilgang."
        ),
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = _("Brukernavn")
        username.error_messages["required"] = _("Skriv inn brukernavnet ditt.")
        password = self.fields["password"]
        password.label = _("Passord")
        password.error_messages["required"] = _("Skriv inn passordet ditt.")
        _use_designsystemet(self)

    def get_invalid_login_error(self) -> forms.ValidationError:
        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"limit": settings.AXES_FAILURE_LIMIT},
        )


class ResetRequestForm(PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = _("E-postadresse")
        email.help_text = _("Adressen som er registrert på kontoen din i Retning.")
        email.error_messages["required"] = _("Skriv inn e-postadressen din.")
        email.error_messages["invalid"] = _(
            "Skriv inn en gyldig e-postadresse, for eksempel navn@virksomhet.no."
        )
        _use_designsystemet(self)


_PASSWORD_HELP = _(
    "Minst 12 tegn. Bruk gjerne flere ord; passordet kan ikke bare være tall eller ligne "
    "brukernavnet ditt."
)


# Our own wording for the password validators' errors, by error code: Django's Norwegian catalogue
# lags behind its English messages (the too-short message is untranslated in Django 6.1).
_PASSWORD_PROBLEMS = {
    "password_too_short": _("Passordet er for kort. Det må ha minst %(min_length)d tegn."),
    "password_too_common": _(
        "Passordet er for vanlig og lett å gjette. Velg et annet, gjerne flere ord satt sammen."
    ),
    "password_entirely_numeric": _("Passordet kan ikke bare være tall. Ta med bokstaver også."),
    "password_too_similar": _(
        "Passordet ligner for mye på navnet, brukernavnet eller e-postadressen din. Velg et annet."
    ),
}


def _in_norwegian(error: ValidationError) -> list[ValidationError]:
    problems = []
    for item in error.error_list:
        wording = _PASSWORD_PROBLEMS.get(item.code or "")
        if wording is None:
            problems.append(item)
        else:
            problems.append(ValidationError(wording, code=item.code, params=item.params))
    return problems


class _NorwegianPasswordErrors:
    def validate_password_for_user(
        self,
        user: Any,
        password_field_name: str = "new_password2",  # noqa: S107 - a field name, not a password
    ) -> None:
        password = self.cleaned_data.get(password_field_name)  # type: ignore[attr-defined]
        if not password:
            return
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            self.add_error(password_field_name, _in_norwegian(error))  # type: ignore[attr-defined]


def _label_new_passwords(form: SetPasswordForm) -> None:
    form.error_messages = {
        **form.error_messages,
        "password_mismatch": _(
            "De to passordene er ikke like. Skriv det samme passordet to ganger."
        ),
    }
    first = form.fields["new_password1"]
    first.label = _("Nytt passord")
    first.help_text = _PASSWORD_HELP
    first.error_messages["required"] = _("Skriv inn et nytt passord.")
    second = form.fields["new_password2"]
    second.label = _("Gjenta det nye passordet")
    second.help_text = ""
    second.error_messages["required"] = _("Skriv inn det nye passordet en gang til.")


class NewPasswordForm(_NorwegianPasswordErrors, SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _label_new_passwords(self)
        _use_designsystemet(self)


class ChangePasswordForm(_NorwegianPasswordErrors, PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": _(
                "Det nåværende passordet er feil. Skriv inn passordet du logger inn med i dag."
            ),
        }
        old = self.fields["old_password"]
        old.label = _("Nåværende passord")
        old.error_messages["required"] = _("Skriv inn passordet du bruker i dag.")
        _label_new_passwords(self)
        _use_designsystemet(self)
