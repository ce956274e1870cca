"""Personal API tokens: list, create (the secret is shown once) and revoke your own."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .models import ApiToken, User

# Enough for every system a person might connect; more usually means forgotten tokens.
MAX_ACTIVE_TOKENS = 20


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Navn på nøkkelen"),
        max_length=100,
        help_text=gettext_lazy(
            "Hva nøkkelen skal brukes til, for eksempel «Rapportering fra porteføljesystemet». "
            "Navnet hjelper deg å kjenne den igjen senere."
        ),
        error_messages={
            "required": gettext_lazy("Gi nøkkelen et navn, så du vet hva den brukes til."),
            "max_length": gettext_lazy("Navnet kan ha høyst %(limit_value)d tegn."),
        },
        widget=forms.TextInput(attrs={"class": "ds-input", "autocomplete": "off"}),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        active = self.user.api_tokens.filter(revoked_at__isnull=True).count()
        if active >= MAX_ACTIVE_TOKENS:
            raise forms.ValidationError(
                _(
                    "Du har allerede %(count)d aktive nøkler, som er det høyeste antallet. Trekk "
                    "tilbake en du ikke bruker, før du lager en ny."
                )
                % {"count": active}
            )
        return cleaned


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _list_page(request: HttpRequest, form: TokenForm) -> HttpResponse:
    context = {
        "tokens": _user(request).api_tokens.all(),
        "form": form,
        "docs_url": reverse("api-v1:openapi-view"),
        "crumbs": [
            (_("Forside"), reverse("publishing:home")),
            (_("Min side"), reverse("accounts:profile")),
            (_("API-nøkler"), None),
        ],
    }
    return render(request, "accounts/tokens.html", context)


@login_required
@require_GET
@never_cache
def token_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, TokenForm(user=_user(request)))


@login_required
@require_POST
@never_cache
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST, user=_user(request))
    if not form.is_valid():
        return _list_page(request, form)
    token, secret = ApiToken.issue(user=_user(request), name=form.cleaned_data["name"].strip())
    # Rendered, not redirected: the secret exists only in this response and is never stored.
    return render(
        request,
        "accounts/tokens_created.html",
        {
            "token": token,
            "secret": secret,
            "api_url": request.build_absolute_uri(reverse("api-v1:api-root")),
            "crumbs": [
                (_("Forside"), reverse("publishing:home")),
                (_("Min side"), reverse("accounts:profile")),
                (_("API-nøkler"), reverse("accounts:api_tokens")),
                (_("Ny nøkkel"), None),
            ],
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Only your own tokens: someone else's gives 404, as if it did not exist.
    token = get_object_or_404(ApiToken, pk=pk, user=_user(request))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        messages.success(
            request,
            _("Nøkkelen «%(name)s» er trukket tilbake og virker ikke lenger.")
            % {"name": token.name},
        )
    else:
        messages.info(
            request, _("Nøkkelen «%(name)s» var allerede trukket tilbake.") % {"name": token.name}
        )
    return redirect("accounts:api_tokens")
