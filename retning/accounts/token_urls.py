"""Personal API tokens, under /konto/api-nokler/ in the `accounts` namespace."""

from django.urls import path

from . import tokens

urlpatterns = [
    path("", tokens.token_list, name="api_tokens"),
    path("ny/", tokens.token_create, name="api_token_create"),
    path("<int:pk>/trekk-tilbake/", tokens.token_revoke, name="api_token_revoke"),
]
