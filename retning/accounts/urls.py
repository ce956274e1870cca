from django.urls import include, path

app_name = "accounts"

# Sign-in pages and personal API tokens are kept in their own modules.
urlpatterns = [
    path("", include("retning.accounts.signin_urls")),
    path("api-nokler/", include("retning.accounts.token_urls")),
]
