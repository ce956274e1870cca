"""Write operations: what the roles may change, with the same rules as the web UI.

Every operation here is authenticated by a personal API token and checks the object-level rule
with ``user.has_perm(permission, record)``. Changes to an existing record carry the ``version``
the client last saw and are saved with ``versioned_save``, so nobody overwrites an edit they have
not seen: a stale version gives 409 with the record as it is now. Model validation
(``full_clean``) gives 422 with a message per field. The history records the token's user.

All data in Retning is public, so a user who may not change a record gets 403, never 404: hiding
that the record exists would protect nothing.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from ninja import Query, Status

from retning.accounts.models import User
from retning.editing.services import (
    RecordGone,
    StaleVersion,
    versioned_create,
    versioned_delete,
    versioned_save,
)
from retning.indicators.models import Indicator, Observation, Target
from retning.lib.models import Versioned
from retning.roadmap.models import Delivery, Initiative
from retning.strategy.models import Goal, Strategy, SubGoal

from . import representations as rep
from .auth import ApiTokenAuth, WriteThrottle
from .problems import (
    DUPLICATE,
    FORBIDDEN,
    VERSION_CONFLICT,
    ApiProblem,
    Text,
    clean_identifier,
    missing,
    model_validation_problem,
    request_language,
)
from .read import MAX_ID, initiative_get, initiative_queryset, router
from .schemas import (
    DeliveryCreate,
    DeliveryOut,
    DeliveryPatch,
    GoalDetail,
    GoalPatch,
    InitiativeDetail,
    InitiativePatch,
    ObservationCreate,
    ObservationOut,
    ObservationPatch,
    Problem,
    SubGoalDetail,
    SubGoalPatch,
    TargetOut,
    TargetPatch,
    VersionParam,
)

# Same router as the reads: ninja gives each router its own URL patterns, so a GET and a PATCH on
# one address must live in one router. Authentication and throttling are set per operation.
TOKEN = ApiTokenAuth()
THROTTLE = WriteThrottle()

CHANGE_REASON = "Endret gjennom API-et"
ERRORS: dict[int, Any] = {status: Problem for status in (400, 401, 403, 404, 409, 422, 429, 500)}


@dataclass(frozen=True)
class Subject:
    """How messages name the record being written, and who may write it."""

    name: Text  # "initiativet {id}" / "initiative {id}"
    who_may: Text
    identifier: object


_SECRETARIAT_ONLY = Text("Bare sekretariatet kan gjøre det.", "Only the secretariat may do that.")
_INITIATIVE_EDITORS = Text(
    "Det kan sekretariatet og rapportører for aktørene som eier initiativet.",
    "The secretariat and reporters for the organisations that own the initiative may.",
)
_INDICATOR_EDITORS = Text(
    "Det kan sekretariatet, dataforvaltere og rapportører for aktøren som har ansvar for "
    "indikatoren.",
    "The secretariat, data stewards and reporters for the organisation responsible for the "
    "indicator may.",
)


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _require(
    request: HttpRequest, permission: str, record: Model, action: Text, subject: Subject
) -> None:
    user = _user(request)
    if user.has_perm(permission, record):
        return
    # {user} and {id} stay placeholders for the message to fill in the client's language.
    text = Text(
        f"Brukeren {{user}} har ikke lov til å {action.nb} {subject.name.nb}. {subject.who_may.nb}",
        f"User {{user}} is not allowed to {action.en} {subject.name.en}. {subject.who_may.en}",
    )
    raise ApiProblem(FORBIDDEN, text, {"user": user.get_username(), "id": subject.identifier})


def _conflict(
    subject: Subject, sent: int, current: Versioned, current_json: dict[str, Any]
) -> ApiProblem:
    name_nb, name_en = subject.name.nb, subject.name.en
    text = Text(
        f"{name_nb[:1].upper()}{name_nb[1:]} er lagret av noen andre etter at du hentet det: du "
        "sendte versjon {sent}, men gjeldende versjon er {current}. Ingenting er lagret. Se "
        "«current», gjør endringen på nytt og send den med versjon {current}.",
        f"{name_en[:1].upper()}{name_en[1:]} was saved by someone else after you fetched it: you "
        "sent version {sent}, but the current version is {current}. Nothing was saved. See "
        "'current', make your change again and send it with version {current}.",
    )
    return ApiProblem(
        VERSION_CONFLICT,
        text,
        {"id": subject.identifier, "sent": sent, "current": current.version},
        extra={"current_version": current.version, "current": current_json},
    )


def _validate(request: HttpRequest, record: Model, exclude: Iterable[str] = ()) -> None:
    try:
        record.full_clean(exclude=list(exclude))
    except ValidationError as error:
        raise model_validation_problem(error, request_language(request)) from error


def _update[V: Versioned](
    request: HttpRequest,
    record: V,
    changes: dict[str, Any],
    sent_version: int,
    subject: Subject,
    represent: Callable[[V], dict[str, Any]],
    resource: str,
    exclude: Iterable[str] = (),
) -> V:
    """Apply the changes and save them, unless the record moved on since the client saw it."""
    if record.version != sent_version:
        raise _conflict(subject, sent_version, record, represent(record))
    for name, value in changes.items():
        setattr(record, name, value)
    _validate(request, record, exclude)
    try:
        return versioned_save(
            record, expected_version=sent_version, user=_user(request), reason=CHANGE_REASON
        )
    except StaleVersion as stale:
        current: V = stale.current  # type: ignore[assignment]
        raise _conflict(subject, sent_version, current, represent(current)) from stale
    except RecordGone as gone:
        raise missing(resource, subject.identifier) from gone


def _delete(
    request: HttpRequest,
    record: Versioned,
    sent_version: int,
    subject: Subject,
    represent: Callable[[Any], dict[str, Any]],
    resource: str,
) -> None:
    if record.version != sent_version:
        raise _conflict(subject, sent_version, record, represent(record))
    try:
        versioned_delete(
            record, expected_version=sent_version, user=_user(request), reason=CHANGE_REASON
        )
    except StaleVersion as stale:
        raise _conflict(subject, sent_version, stale.current, represent(stale.current)) from stale
    except RecordGone as gone:
        raise missing(resource, subject.identifier) from gone


def _create(request: HttpRequest, record: Versioned, exclude: Iterable[str] = ()) -> None:
    _validate(request, record, exclude)
    try:
        versioned_create(record, user=_user(request), reason=CHANGE_REASON)
    except IntegrityError as error:
        # Two clients created the same record at once; full_clean saw neither.
        raise ApiProblem(
            DUPLICATE,
            Text(
                "Det finnes allerede en slik oppføring. Hent den og endre den i stedet.",
                "Such a record already exists. Fetch it and change it instead.",
            ),
        ) from error


def _changes(payload: Any) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True, exclude={"version"})


_CHANGE = Text("endre", "change")
_ADD_TO = Text("legge til en leveranse i", "add a delivery to")
_ADD_OBSERVATION = Text("legge til en måling for", "add an observation to")
_DELETE = Text("slette", "delete")


# --- Initiatives and deliveries ----------------------------------------------------------------


def _initiative_subject(initiative: Initiative) -> Subject:
    return Subject(
        Text("initiativet {id}", "initiative {id}"), _INITIATIVE_EDITORS, initiative.external_id
    )


@router.patch(
    "/initiatives/{external_id}",
    auth=TOKEN,
    throttle=THROTTLE,
    response={200: InitiativeDetail, **ERRORS},
    operation_id="patchInitiative",
    summary="Endre et initiativ",
    tags=["Veikart"],
)
def patch_initiative(
    request: HttpRequest, external_id: str, payload: InitiativePatch
) -> dict[str, Any]:
    """Endre tittel, beskrivelse, faser, planleggingsstatus eller datoer. Bare feltene som sendes, endres.

    Krever «version» fra siste GET; er initiativet endret siden, kommer 409 med gjeldende versjon.
    """
    initiative = initiative_get(external_id)
    subject = _initiative_subject(initiative)
    _require(request, "roadmap.change_initiative", initiative, _CHANGE, subject)
    links = rep.Links(request)

    def represent(record: Initiative) -> dict[str, Any]:
        return rep.initiative_detail(initiative_queryset().get(pk=record.pk), links)

    _update(
        request, initiative, _changes(payload), payload.version, subject, represent, "initiative"
    )
    return represent(initiative)


def _delivery_get(initiative: Initiative, delivery_id: int) -> Delivery:
    if not 0 < delivery_id <= MAX_ID:
        raise missing("delivery", delivery_id)
    delivery = Delivery.objects.filter(initiative=initiative, pk=delivery_id).first()
    if delivery is None:
        raise missing("delivery", delivery_id)
    return delivery


def _delivery_subject(delivery_id: object) -> Subject:
    return Subject(Text("leveransen {id}", "delivery {id}"), _INITIATIVE_EDITORS, delivery_id)


@router.post(
    "/initiatives/{external_id}/deliveries",
    auth=TOKEN,
    throttle=THROTTLE,
    response={201: DeliveryOut, **ERRORS},
    operation_id="createDelivery",
    summary="Legge til en leveranse i et initiativ",
    tags=["Veikart"],
)
def create_delivery(
    request: HttpRequest, response: HttpResponse, external_id: str, payload: DeliveryCreate
) -> Status[dict[str, Any]]:
    """Ny leveranse (milepæl). En ny ressurs har ingen tidligere versjon, så «version» trengs ikke."""
    initiative = initiative_get(external_id)
    subject = _initiative_subject(initiative)
    _require(request, "roadmap.add_delivery", initiative, _ADD_TO, subject)
    delivery = Delivery(initiative=initiative, **payload.model_dump())
    _create(request, delivery)
    body = rep.delivery_out(delivery, initiative, rep.Links(request))
    response["Location"] = body["url"]
    return Status(201, body)


@router.patch(
    "/initiatives/{external_id}/deliveries/{delivery_id}",
    auth=TOKEN,
    throttle=THROTTLE,
    response={200: DeliveryOut, **ERRORS},
    operation_id="patchDelivery",
    summary="Endre en leveranse",
    tags=["Veikart"],
)
def patch_delivery(
    request: HttpRequest, external_id: str, delivery_id: int, payload: DeliveryPatch
) -> dict[str, Any]:
    """Endre tittel, type eller datoer for en leveranse. Krever «version» fra siste GET."""
    initiative = initiative_get(external_id)
    delivery = _delivery_get(initiative, delivery_id)
    subject = _delivery_subject(delivery_id)
    _require(request, "roadmap.change_delivery", delivery, _CHANGE, subject)
    links = rep.Links(request)

    def represent(record: Delivery) -> dict[str, Any]:
        return rep.delivery_out(record, initiative, links)

    _update(request, delivery, _changes(payload), payload.version, subject, represent, "delivery")
    return represent(delivery)


@router.delete(
    "/initiatives/{external_id}/deliveries/{delivery_id}",
    auth=TOKEN,
    throttle=THROTTLE,
    response={204: None, **ERRORS},
    operation_id="deleteDelivery",
    summary="Slette en leveranse",
    tags=["Veikart"],
)
def delete_delivery(
    request: HttpRequest, external_id: str, delivery_id: int, params: Query[VersionParam]
) -> Status[None]:
    """Slett leveransen. Versjonen du sist hentet, sendes som parameteren «version» i adressen."""
    initiative = initiative_get(external_id)
    delivery = _delivery_get(initiative, delivery_id)
    subject = _delivery_subject(delivery_id)
    _require(request, "roadmap.delete_delivery", delivery, _DELETE, subject)
    links = rep.Links(request)
    _delete(
        request,
        delivery,
        params.version,
        subject,
        lambda record: rep.delivery_out(record, initiative, links),
        "delivery",
    )
    return Status(204, None)


# --- Indicators ---------------------------------------------------------------------------------


def _indicator_get(code: str) -> Indicator:
    code = clean_identifier(code, "indicator")
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None:
        raise missing("indicator", code)
    return indicator


def _observation_get(indicator: Indicator, observation_id: int) -> Observation:
    if not 0 < observation_id <= MAX_ID:
        raise missing("observation", observation_id)
    observation = indicator.observations.filter(pk=observation_id).first()
    if observation is None:
        raise missing("observation", observation_id)
    return observation


def _observation_subject(observation_id: object) -> Subject:
    return Subject(Text("målingen {id}", "observation {id}"), _INDICATOR_EDITORS, observation_id)


@router.post(
    "/indicators/{code}/observations",
    auth=TOKEN,
    throttle=THROTTLE,
    response={201: ObservationOut, **ERRORS},
    operation_id="createObservation",
    summary="Legge til en måling",
    tags=["Indikatorer"],
)
def create_observation(
    request: HttpRequest, response: HttpResponse, code: str, payload: ObservationCreate
) -> Status[dict[str, Any]]:
    """Ny måling for en periode (f.eks. 2025, 2025H1, 2025T2, 2025Q3 eller 2025-03).

    En måling uten verdi må ha status «not_available» eller «confidential».
    """
    indicator = _indicator_get(code)
    subject = Subject(
        Text("indikatoren {id}", "indicator {id}"), _INDICATOR_EDITORS, indicator.code
    )
    _require(request, "indicators.add_observation", indicator, _ADD_OBSERVATION, subject)
    observation = Observation(indicator=indicator, **payload.model_dump())
    # period_start is derived from the period on save; the period's own validator reports errors.
    _create(request, observation, exclude=["period_start"])
    body = rep.observation_out(observation, indicator, rep.Links(request))
    response["Location"] = body["url"]
    return Status(201, body)


@router.patch(
    "/indicators/{code}/observations/{observation_id}",
    auth=TOKEN,
    throttle=THROTTLE,
    response={200: ObservationOut, **ERRORS},
    operation_id="patchObservation",
    summary="Endre en måling",
    tags=["Indikatorer"],
)
def patch_observation(
    request: HttpRequest, code: str, observation_id: int, payload: ObservationPatch
) -> dict[str, Any]:
    """Endre verdi, status, kilde eller merknad. Periode og inndeling identifiserer målingen og
    endres ikke; slett og lag en ny i stedet. Krever «version» fra siste GET."""
    indicator = _indicator_get(code)
    observation = _observation_get(indicator, observation_id)
    subject = _observation_subject(observation_id)
    _require(request, "indicators.change_observation", observation, _CHANGE, subject)
    links = rep.Links(request)

    def represent(record: Observation) -> dict[str, Any]:
        return rep.observation_out(record, indicator, links)

    _update(
        request,
        observation,
        _changes(payload),
        payload.version,
        subject,
        represent,
        "observation",
        exclude=["period_start"],
    )
    return represent(observation)


@router.delete(
    "/indicators/{code}/observations/{observation_id}",
    auth=TOKEN,
    throttle=THROTTLE,
    response={204: None, **ERRORS},
    operation_id="deleteObservation",
    summary="Slette en måling",
    tags=["Indikatorer"],
)
def delete_observation(
    request: HttpRequest, code: str, observation_id: int, params: Query[VersionParam]
) -> Status[None]:
    """Slett målingen. Versjonen du sist hentet, sendes som parameteren «version» i adressen."""
    indicator = _indicator_get(code)
    observation = _observation_get(indicator, observation_id)
    subject = _observation_subject(observation_id)
    _require(request, "indicators.delete_observation", observation, _DELETE, subject)
    links = rep.Links(request)
    _delete(
        request,
        observation,
        params.version,
        subject,
        lambda record: rep.observation_out(record, indicator, links),
        "observation",
    )
    return Status(204, None)


@router.patch(
    "/indicators/{code}/targets/{period}",
    auth=TOKEN,
    throttle=THROTTLE,
    response={200: TargetOut, **ERRORS},
    operation_id="patchTarget",
    summary="Endre en målverdi (sekretariatet)",
    tags=["Indikatorer"],
)
def patch_target(
    request: HttpRequest, code: str, period: str, payload: TargetPatch
) -> dict[str, Any]:
    """Endre målverdien for en periode, eller merk at den ikke lenger er eksempeldata
    (`is_example = false`) når det offisielle tallet er kjent. Bare sekretariatet."""
    indicator = _indicator_get(code)
    period = clean_identifier(period, "target")
    target: Target | None = indicator.targets.filter(period=period).first()
    if target is None:
        raise missing("target", period)
    subject = Subject(Text("målverdien for {id}", "the target for {id}"), _SECRETARIAT_ONLY, period)
    _require(request, "indicators.change_target", target, _CHANGE, subject)
    links = rep.Links(request)

    def represent(record: Target) -> dict[str, Any]:
        return rep.target_out(record, indicator, links)

    _update(request, target, _changes(payload), payload.version, subject, represent, "target")
    return represent(target)


# --- Strategy texts -----------------------------------------------------------------------------


@router.patch(
    "/goals/{number}",
    auth=TOKEN,
    throttle=THROTTLE,
    response={200: GoalDetail, **ERRORS},
    operation_id="patchGoal",
    summary="Endre teksten i et strategisk mål (sekretariatet)",
    tags=["Strategi"],
)
def patch_goal(request: HttpRequest, number: int, payload: GoalPatch) -> dict[str, Any]:
    """Endre tittel (norsk og engelsk) eller beskrivelse. Bare sekretariatet."""
    strategy = Strategy.current()
    goal = None
    if strategy is not None and 0 < number <= MAX_ID:
        goal = Goal.objects.filter(strategy=strategy, number=number).first()
    if goal is None:
        raise missing("goal", number)
    subject = Subject(Text("mål {id}", "goal {id}"), _SECRETARIAT_ONLY, number)
    _require(request, "strategy.change_goal", goal, _CHANGE, subject)
    links = rep.Links(request)

    def represent(record: Goal) -> dict[str, Any]:
        return rep.goal_detail(Goal.objects.get(pk=record.pk), links)

    _update(request, goal, _changes(payload), payload.version, subject, represent, "goal")
    return represent(goal)


@router.patch(
    "/subgoals/{code}",
    auth=TOKEN,
    throttle=THROTTLE,
    response={200: SubGoalDetail, **ERRORS},
    operation_id="patchSubGoal",
    summary="Endre teksten i et delmål (sekretariatet)",
    tags=["Strategi"],
)
def patch_subgoal(request: HttpRequest, code: str, payload: SubGoalPatch) -> dict[str, Any]:
    """Endre tittel (norsk og engelsk) eller beskrivelse. Bare sekretariatet."""
    code = clean_identifier(code, "subgoal").upper()
    strategy = Strategy.current()
    subgoal = SubGoal.objects.filter(strategy=strategy, code=code).first() if strategy else None
    if subgoal is None:
        raise missing("subgoal", code)
    subject = Subject(Text("delmål {id}", "sub-goal {id}"), _SECRETARIAT_ONLY, code)
    _require(request, "strategy.change_subgoal", subgoal, _CHANGE, subject)
    links = rep.Links(request)

    def represent(record: SubGoal) -> dict[str, Any]:
        fresh = SubGoal.objects.select_related("goal").get(pk=record.pk)
        count = fresh.initiatives.filter(retired_in__isnull=True).count()
        return rep.subgoal_detail(fresh, links, count)

    _update(request, subgoal, _changes(payload), payload.version, subject, represent, "subgoal")
    return represent(subgoal)
