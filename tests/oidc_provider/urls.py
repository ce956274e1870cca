from django.contrib.auth.views import LoginView
from django.urls import include, path

urlpatterns = [
    path("login/", LoginView.as_view(template_name="provider/login.html"), name="login"),
    path("", include("oauth2_provider.urls")),
]
