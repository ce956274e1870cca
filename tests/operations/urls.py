"""The site's URLs plus views that exist only to exercise the request plumbing."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from retning.urls import urlpatterns as site_urlpatterns


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("intern detalj: passord=hemmelig på db-01.internal")


def whoami(request: HttpRequest) -> HttpResponse:
    # Touches request.user, as a page with a signed-in header would.
    signed_in = "ja" if request.user.is_authenticated else "nei"
    return HttpResponse(f"{request.request_id} {signed_in}")  # type: ignore[attr-defined]


urlpatterns = [
    path("test/feil/", fail),
    path("test/hvem/", whoami),
    *site_urlpatterns,
]
