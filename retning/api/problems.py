"""Errors as RFC 9457 problem details (``application/problem+json``), in Norwegian or English.

Every error the API returns goes through :func:`problem_response`, so all of them share one shape:
``type``, ``title``, ``status``, ``detail``, ``instance`` and, for invalid input, ``errors`` with
one entry per field. The language follows the client's Accept-Language header (bokmål unless
English is preferred). Stack traces never leave the server: unexpected errors are logged and
answered with a plain 500 problem.
"""

import json
import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as ModelValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as RequestValidationError

from .negotiation import Language, preferred_language

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
# Body parameters of write operations are all called this; ninja puts the name in error locations.
BODY_PARAMETER = "payload"


@dataclass(frozen=True)
class Text:
    """A message in both languages the API speaks."""

    nb: str
    en: str

    def __call__(self, language: Language, **values: object) -> str:
        template = self.en if language == "en" else self.nb
        if not values:
            return template
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            return template


@dataclass(frozen=True)
class ProblemType:
    slug: str
    status: int
    title: Text
    description: Text


BAD_REQUEST = ProblemType(
    "bad-request",
    400,
    Text("Ugyldig forespørsel", "Bad request"),
    Text(
        "Forespørselen kunne ikke leses, for eksempel fordi innholdet ikke er gyldig JSON.",
        "The request could not be read, for example because the body is not valid JSON.",
    ),
)
NOT_AUTHENTICATED = ProblemType(
    "not-authenticated",
    401,
    Text("Mangler gyldig API-nøkkel", "Valid API token required"),
    Text(
        "Endringer krever en personlig API-nøkkel i headeren «Authorization: Bearer rtn_…».",
        "Changes require a personal API token in the header 'Authorization: Bearer rtn_…'.",
    ),
)
FORBIDDEN = ProblemType(
    "forbidden",
    403,
    Text("Ingen tilgang", "Forbidden"),
    Text(
        "Brukeren som eier API-nøkkelen, har ikke lov til å gjøre denne endringen.",
        "The user who owns the API token is not allowed to make this change.",
    ),
)
NOT_FOUND = ProblemType(
    "not-found",
    404,
    Text("Finnes ikke", "Not found"),
    Text(
        "Ressursen finnes ikke. Sjekk identifikatoren i adressen.",
        "The resource does not exist. Check the identifier in the address.",
    ),
)
METHOD_NOT_ALLOWED = ProblemType(
    "method-not-allowed",
    405,
    Text("Metoden støttes ikke", "Method not allowed"),
    Text(
        "Adressen finnes, men ikke med denne HTTP-metoden. Se headeren Allow.",
        "The address exists, but not with this HTTP method. See the Allow header.",
    ),
)
VERSION_CONFLICT = ProblemType(
    "version-conflict",
    409,
    Text("Endret av noen andre", "Changed by someone else"),
    Text(
        "Ressursen er lagret av noen andre etter at du hentet den. Svaret har den gjeldende "
        "versjonen i «current»; gjør endringen på nytt med «version» fra den.",
        "Someone else saved the resource after you fetched it. The response holds the current "
        "version in 'current'; make your change again with its 'version'.",
    ),
)
DUPLICATE = ProblemType(
    "duplicate",
    409,
    Text("Finnes allerede", "Already exists"),
    Text(
        "Det finnes allerede en ressurs med de samme identifiserende verdiene.",
        "A resource with the same identifying values already exists.",
    ),
)
VALIDATION = ProblemType(
    "validation-error",
    422,
    Text("Ugyldige data", "Invalid data"),
    Text(
        "En eller flere verdier er ugyldige. «errors» sier hva som er galt med hvert felt.",
        "One or more values are invalid. 'errors' says what is wrong with each field.",
    ),
)
RATE_LIMITED = ProblemType(
    "rate-limited",
    429,
    Text("For mange forespørsler", "Too many requests"),
    Text(
        "Du har sendt for mange endringer på kort tid. Vent så mange sekunder som Retry-After "
        "sier, og prøv igjen.",
        "You have sent too many changes in a short time. Wait the number of seconds given in "
        "Retry-After and try again.",
    ),
)
SERVER_ERROR = ProblemType(
    "server-error",
    500,
    Text("Intern feil", "Internal server error"),
    Text(
        "Noe gikk galt hos oss. Feilen er logget.",
        "Something went wrong on our side. The error has been logged.",
    ),
)

PROBLEM_TYPES: dict[str, ProblemType] = {
    kind.slug: kind
    for kind in (
        BAD_REQUEST,
        NOT_AUTHENTICATED,
        FORBIDDEN,
        NOT_FOUND,
        METHOD_NOT_ALLOWED,
        VERSION_CONFLICT,
        DUPLICATE,
        VALIDATION,
        RATE_LIMITED,
        SERVER_ERROR,
    )
}
_BY_STATUS = {kind.status: kind for kind in reversed(PROBLEM_TYPES.values())}


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one input value. ``field`` is empty when it concerns the whole object."""

    location: str
    field: str
    detail: Text | str

    def as_json(self, language: Language) -> dict[str, str]:
        detail = self.detail if isinstance(self.detail, str) else self.detail(language)
        result = {"location": self.location, "field": self.field, "detail": detail}
        if self.location == "body":
            result["pointer"] = "#/" + self.field.replace(".", "/") if self.field else "#"
        return result


@dataclass(eq=False)
class ApiProblem(Exception):
    """Raised anywhere in an operation to answer with a problem document."""

    kind: ProblemType
    detail: Text
    values: Mapping[str, object] = field(default_factory=dict)
    errors: list[FieldProblem] = field(default_factory=list)
    extra: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.kind.status} {self.kind.slug}"


def request_language(request: HttpRequest) -> Language:
    return preferred_language(request.headers.get("Accept-Language"))


def _type_uri(request: HttpRequest, kind: ProblemType) -> str:
    try:
        return request.build_absolute_uri(reverse("api-v1:problem_type", args=[kind.slug]))
    except NoReverseMatch:
        return "about:blank"


def problem_response(request: HttpRequest, problem: ApiProblem) -> HttpResponse:
    language = request_language(request)
    kind = problem.kind
    body: dict[str, Any] = {
        "type": _type_uri(request, kind),
        "title": kind.title(language),
        "status": kind.status,
        "detail": problem.detail(language, **problem.values),
        "instance": request.get_full_path(),
    }
    if problem.errors:
        body["errors"] = [error.as_json(language) for error in problem.errors]
    body.update(problem.extra)
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        status=kind.status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    response["Content-Language"] = language
    response["Cache-Control"] = "no-store"
    for name, value in problem.headers.items():
        response[name] = value
    return response


# --- Input that did not match the operation's schema (pydantic) --------------------------------

_NOT_A_NUMBER = Text("Verdien må være et tall.", "The value must be a number.")
_NOT_A_WHOLE_NUMBER = Text("Verdien må være et heltall.", "The value must be a whole number.")
_NOT_A_DATE = Text(
    "Verdien må være en dato på formen ÅÅÅÅ-MM-DD.", "The value must be a date as YYYY-MM-DD."
)
_NOT_AN_OBJECT = Text("Innholdet må være et JSON-objekt.", "The body must be a JSON object.")
_TOO_MANY_DIGITS = Text("Tallet har for mange sifre.", "The number has too many digits.")

_SCHEMA_MESSAGES: dict[str, Text] = {
    "missing": Text("Feltet må være med.", "This field is required."),
    "extra_forbidden": Text(
        "Feltet finnes ikke, eller kan ikke endres gjennom API-et.",
        "This field does not exist or cannot be changed through the API.",
    ),
    "string_type": Text("Verdien må være tekst.", "The value must be text."),
    "string_too_short": Text(
        "Teksten må ha minst {min_length} tegn.",
        "The text must have at least {min_length} characters.",
    ),
    "string_too_long": Text(
        "Teksten kan ha høyst {max_length} tegn.",
        "The text can have at most {max_length} characters.",
    ),
    "string_pattern_mismatch": Text(
        "Verdien har ikke riktig form.", "The value does not have the expected form."
    ),
    "int_type": _NOT_A_WHOLE_NUMBER,
    "int_parsing": _NOT_A_WHOLE_NUMBER,
    "int_from_float": _NOT_A_WHOLE_NUMBER,
    "int_parsing_size": Text("Tallet er for stort.", "The number is too large."),
    "float_type": _NOT_A_NUMBER,
    "float_parsing": _NOT_A_NUMBER,
    "decimal_type": _NOT_A_NUMBER,
    "decimal_parsing": _NOT_A_NUMBER,
    "finite_number": Text("Verdien må være et endelig tall.", "The value must be a finite number."),
    "decimal_max_digits": _TOO_MANY_DIGITS,
    "decimal_max_places": _TOO_MANY_DIGITS,
    "decimal_whole_digits": _TOO_MANY_DIGITS,
    "greater_than": Text(
        "Verdien må være større enn {gt}.", "The value must be greater than {gt}."
    ),
    "greater_than_equal": Text(
        "Verdien må være {ge} eller større.", "The value must be {ge} or greater."
    ),
    "less_than": Text("Verdien må være mindre enn {lt}.", "The value must be less than {lt}."),
    "less_than_equal": Text(
        "Verdien må være {le} eller mindre.", "The value must be {le} or less."
    ),
    "date_type": _NOT_A_DATE,
    "date_parsing": _NOT_A_DATE,
    "date_from_datetime_parsing": _NOT_A_DATE,
    "date_from_datetime_inexact": _NOT_A_DATE,
    "bool_type": Text("Verdien må være true eller false.", "The value must be true or false."),
    "bool_parsing": Text("Verdien må være true eller false.", "The value must be true or false."),
    "literal_error": Text(
        "Verdien må være en av disse: {expected}.", "The value must be one of: {expected}."
    ),
    "enum": Text(
        "Verdien må være en av disse: {expected}.", "The value must be one of: {expected}."
    ),
    "model_attributes_type": _NOT_AN_OBJECT,
    "model_type": _NOT_AN_OBJECT,
    "dict_type": _NOT_AN_OBJECT,
    "json_invalid": Text("Innholdet er ikke gyldig JSON.", "The body is not valid JSON."),
    "list_type": Text("Verdien må være en liste.", "The value must be a list."),
}
_INVALID_VALUE = Text("Verdien er ugyldig.", "The value is invalid.")


class _Localised:
    """A pydantic message resolved lazily, so the response picks the language."""

    def __init__(self, message: Text, context: Mapping[str, object]) -> None:
        self.message = message
        self.context = {key: str(value) for key, value in context.items()}

    def __call__(self, language: Language) -> str:
        return self.message(language, **self.context)


def _schema_field_problem(error: Mapping[str, Any]) -> FieldProblem:
    location, *path = [str(part) for part in error.get("loc", ("body",))]
    if location == "body" and path[:1] == [BODY_PARAMETER]:
        path = path[1:]
    message = _SCHEMA_MESSAGES.get(str(error.get("type")), _INVALID_VALUE)
    localised = _Localised(message, error.get("ctx") or {})
    return FieldProblem(location, ".".join(path), localised)  # type: ignore[arg-type]


_ONE_INVALID = Text(
    "Én verdi i forespørselen er ugyldig. Se «errors» for hva som er galt.",
    "One value in the request is invalid. See 'errors' for what is wrong.",
)
_SEVERAL_INVALID = Text(
    "{count} verdier i forespørselen er ugyldige. Se «errors» for hva som er galt med hver av dem.",
    "{count} values in the request are invalid. See 'errors' for what is wrong with each.",
)


def validation_problem(errors: list[FieldProblem]) -> ApiProblem:
    summary = _ONE_INVALID if len(errors) == 1 else _SEVERAL_INVALID
    return ApiProblem(VALIDATION, summary, {"count": len(errors)}, errors=errors)


def model_validation_problem(error: ModelValidationError, language: Language) -> ApiProblem:
    """Django's own messages (Norwegian in the models), rendered in the client's language."""
    with translation.override(language):
        errors = [
            FieldProblem("body", "" if name == NON_FIELD_ERRORS else name, str(message))
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return validation_problem(errors)


def form_validation_problem(
    form_errors: Mapping[str, Iterable[Any]], language: Language, location: str = "query"
) -> ApiProblem:
    with translation.override(language):
        errors = [
            FieldProblem(location, name, str(message))
            for name, messages in form_errors.items()
            for message in messages
        ]
    return validation_problem(errors)


# --- Exception handlers -------------------------------------------------------------------------

_MISSING_TOKEN = Text(
    "Denne operasjonen krever en personlig API-nøkkel i headeren «Authorization: Bearer rtn_…». "
    "Du lager en nøkkel på siden «API-nøkler» når du er logget inn.",
    "This operation requires a personal API token in the header 'Authorization: Bearer rtn_…'. "
    "You can create one on the 'API-nøkler' page when signed in.",
)
_BAD_TOKEN = Text(
    "API-nøkkelen er ukjent, trukket tilbake eller tilhører en bruker som ikke lenger er aktiv.",
    "The API token is unknown, revoked, or belongs to a user who is no longer active.",
)
_UNREADABLE = Text(
    "Innholdet i forespørselen kunne ikke leses. Send gyldig JSON med "
    "«Content-Type: application/json».",
    "The request body could not be read. Send valid JSON with 'Content-Type: application/json'.",
)
_NOTHING_HERE = Text("Det finnes ingenting på adressen {path}.", "There is nothing at {path}.")
_NOT_ALLOWED = Text("Du har ikke tilgang til dette.", "You are not allowed to do this.")
_THROTTLED = Text(
    "Du har sendt for mange endringer på kort tid. Vent {seconds} sekunder og prøv igjen.",
    "You have sent too many changes in a short time. Wait {seconds} seconds and try again.",
)
_BROKEN = Text(
    "Noe gikk galt hos oss. Feilen er logget. Prøv igjen senere, og si fra hvis den ikke går over.",
    "Something went wrong on our side. The error has been logged. Try again later, and tell us "
    "if it persists.",
)
_METHOD = Text(
    "Metoden {method} støttes ikke på {path}. Tillatt: {allowed}.",
    "The method {method} is not supported at {path}. Allowed: {allowed}.",
)


def not_authenticated(request: HttpRequest) -> HttpResponse:
    presented = bool(request.headers.get("Authorization"))
    challenge = 'Bearer realm="retning"'
    if presented:
        challenge += ', error="invalid_token"'
    problem = ApiProblem(
        NOT_AUTHENTICATED,
        _BAD_TOKEN if presented else _MISSING_TOKEN,
        headers={"WWW-Authenticate": challenge},
    )
    return problem_response(request, problem)


def not_found(request: HttpRequest) -> HttpResponse:
    return problem_response(
        request, ApiProblem(NOT_FOUND, _NOTHING_HERE, {"path": request.path[:200]})
    )


def method_not_allowed(request: HttpRequest, allowed: str) -> HttpResponse:
    problem = ApiProblem(
        METHOD_NOT_ALLOWED,
        _METHOD,
        {"method": request.method, "path": request.path[:200], "allowed": allowed},
        headers={"Allow": allowed},
    )
    return problem_response(request, problem)


def server_error(request: HttpRequest, error: BaseException | None = None) -> HttpResponse:
    if error is not None:
        logger.error(
            "Unhandled error in API %s %s",
            request.method,
            request.path,
            exc_info=(type(error), error, error.__traceback__),
        )
    return problem_response(request, ApiProblem(SERVER_ERROR, _BROKEN))


def _on_http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    if isinstance(error, AuthenticationError) or error.status_code == 401:
        return not_authenticated(request)
    if isinstance(error, Throttled):
        # ceil, as ninja rounds the Retry-After header it sets on top of ours.
        seconds = max(1, math.ceil(error.wait)) if error.wait else 60
        problem = ApiProblem(
            RATE_LIMITED,
            _THROTTLED,
            {"seconds": seconds},
            extra={"retry_after": seconds},
            headers={"Retry-After": str(seconds)},
        )
        return problem_response(request, problem)
    if error.status_code == 400:
        return problem_response(request, ApiProblem(BAD_REQUEST, _UNREADABLE))
    if error.status_code == 403:
        return problem_response(request, ApiProblem(FORBIDDEN, _NOT_ALLOWED))
    if error.status_code == 404:
        return not_found(request)
    kind = _BY_STATUS.get(error.status_code, SERVER_ERROR)
    return problem_response(request, ApiProblem(kind, kind.description))


def _on_request_validation(request: HttpRequest, error: RequestValidationError) -> HttpResponse:
    problems = [_schema_field_problem(item) for item in error.errors]
    return problem_response(request, validation_problem(problems))


def install(api: NinjaAPI) -> None:
    """Replace ninja's default error answers with problem documents."""
    handlers: list[tuple[type[Exception], Any]] = [
        (ApiProblem, problem_response),
        (RequestValidationError, _on_request_validation),
        (HttpError, _on_http_error),
        (Http404, lambda request, exc: not_found(request)),
        (
            PermissionDenied,
            lambda request, exc: problem_response(request, ApiProblem(FORBIDDEN, _NOT_ALLOWED)),
        ),
        (Exception, server_error),
    ]
    for exception, handler in handlers:
        api.add_exception_handler(exception, handler)


# --- Missing resources ---------------------------------------------------------------------------

# resource → (Norwegian noun phrase, English noun phrase, the list to point at or "")
_RESOURCES: dict[str, tuple[str, str, str]] = {
    "goal": ("Målet {id}", "Goal {id}", "goals"),
    "subgoal": ("Delmålet {id}", "Sub-goal {id}", "subgoals"),
    "indicator": ("Indikatoren {id}", "Indicator {id}", "indicators"),
    "initiative": (
        "Initiativet med Leveranse-ID {id}",
        "The initiative with Leveranse-ID {id}",
        "initiatives",
    ),
    "organisation": ("Aktøren {id}", "Organisation {id}", "organisations"),
    "theme": ("Den tverrgående forutsetningen {id}", "Theme {id}", "themes"),
    "delivery": ("Leveransen {id}", "Delivery {id}", ""),
    "observation": ("Målingen {id}", "Observation {id}", ""),
    "target": ("Målverdien for perioden {id}", "The target for period {id}", ""),
    "problem-type": ("Feiltypen {id}", "Problem type {id}", "problems"),
    "strategy": ("Strategien", "The strategy", ""),
}


def missing(resource: str, identifier: object = "") -> ApiProblem:
    """404 for a resource that is not there, naming it and where to find the ones that are."""
    nb, en, listing = _RESOURCES[resource]
    values: dict[str, object] = {"id": str(identifier)[:100]}
    if listing:
        try:
            values["list"] = reverse("api-v1:api-root") + listing
        except NoReverseMatch:
            listing = ""
    if listing:
        text = Text(nb + " finnes ikke. Se {list} for alle.", en + " does not exist. See {list}.")
    else:
        text = Text(nb + " finnes ikke.", en + " does not exist.")
    return ApiProblem(NOT_FOUND, text, values)


def clean_identifier(value: str, resource: str) -> str:
    """A path identifier fit for a database lookup, or a 404 (PostgreSQL refuses NUL bytes)."""
    if "\x00" in value or len(value) > 100:
        raise missing(resource, value.replace("\x00", ""))
    return value
