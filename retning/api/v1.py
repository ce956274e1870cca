"""The JSON API, version 1 (django-ninja), mounted at /api/v1/.

- Reads (``read.py``) are anonymous; writes (``write.py``) need a personal API token.
- Every successful GET has an ETag and honours If-None-Match (``etag.py``).
- Every error is ``application/problem+json`` in Norwegian or English (``problems.py``), including
  unknown addresses and unsupported methods below /api/v1/.
- The interactive docs at /api/v1/docs are ninja's Swagger UI served from our own static files
  (``ninja`` is in INSTALLED_APPS), so they work offline and under the site's strict CSP.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, re_path
from django.views.decorators.common import no_append_slash
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger
from ninja.openapi.schema import OpenAPISchema
from ninja.renderers import JSONRenderer

from . import council, imports, problems, read, write  # noqa: F401 - they add their operations to read.router
from .etag import conditional_get, conditional_view
from .problems import PROBLEM_CONTENT_TYPE

DESCRIPTION = """\
Åpne data om Nasjonal e-helsestrategi 2023–2030 og planen for realisering: mål, delmål,
målindikatorer med målverdier og målinger, initiativer i veikartet, aktører og tverrgående
forutsetninger.

**Lesing** er åpen og krever ingen nøkkel. Lister er sidedelt med `limit` og `offset`; svaret har
`count`, `next` og `previous` (og en `Link`-header). Alle GET-svar har `ETag`; send den tilbake i
`If-None-Match`, så får du `304 Not Modified` når ingenting er endret.

**Eksempeldata:** Noen målverdier er plassholdere til de offisielle tallene er publisert. De er
merket `is_example = true`, og indikatorer med slike tall har `example_data = true`.

**Endringer** krever en personlig API-nøkkel (`Authorization: Bearer rtn_…`), som du lager på
/konto/api-nokler/. Nøkkelen har de samme rettighetene som brukeren i nettløsningen. Send med
`version` fra siste GET; er ressursen endret siden, svarer API-et `409` med gjeldende versjon.

**Feil** kommer som `application/problem+json` (RFC 9457). Teksten er på norsk, eller på engelsk
med `Accept-Language: en`.
"""


def _problem_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja answers an unsupported method with plain text; make it a problem document."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return problems.method_not_allowed(request, response["Allow"])
        return response

    return wrapper


@csrf_exempt
@no_append_slash
def _nothing_here(request: HttpRequest, rest: str = "") -> HttpResponse:
    return problems.not_found(request)


class Utf8JSONRenderer(JSONRenderer):
    # Norwegian letters as themselves: shorter bodies, readable with curl.
    json_dumps_params = {"ensure_ascii": False}


class RetningAPI(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        return conditional_get(request, response)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        # ninja documents every body as application/json; errors are problem+json.
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        answer["content"] = {PROBLEM_CONTENT_TYPE: content["application/json"]}
        return schema

    @property
    def urls(self) -> tuple[list[Any], str, str]:
        patterns, app_name, namespace = super().urls
        wrapped: list[Any] = [
            URLPattern(p.pattern, _problem_405(p.callback), p.default_args, p.name)
            if isinstance(p, URLPattern)
            else p
            for p in patterns
        ]
        wrapped.append(re_path(r"^(?P<rest>.*)$", _nothing_here, name="not-found"))
        return wrapped, app_name, namespace


api = RetningAPI(
    title="Retning API",
    version="1",
    urls_namespace="api-v1",
    description=DESCRIPTION,
    docs=Swagger(settings={"persistAuthorization": False, "tryItOutEnabled": False}),
    docs_decorator=conditional_view,
    renderer=Utf8JSONRenderer(),
)
problems.install(api)
api.add_router("", read.router)
