"""Writes through the API: versioned, validated, permission-checked and recorded in history."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from retning.accounts.models import User
from retning.actors.models import Organisation
from retning.indicators.models import Indicator, Observation, Target
from retning.roadmap.models import Delivery, Initiative
from retning.strategy.models import Goal

from .conftest import API

Send = Callable[..., Any]


@pytest.fixture
def send(api: Client) -> Send:
    def request(method: str, url: str, body: object, headers: dict[str, str], **extra: str) -> Any:
        data = body if isinstance(body, str) else json.dumps(body)
        return getattr(api, method)(url, data, "application/json", **headers, **extra)

    return request


@pytest.fixture
def reporter(make_user: Callable[..., User], hdir: Organisation) -> User:
    return make_user(reporter_for=[hdir])


def test_a_reporter_changes_an_initiative_and_history_names_the_token_user(
    send: Send,
    bearer: Callable[[User], dict[str, str]],
    reporter: User,
    owned_initiative: Initiative,
) -> None:
    url = f"{API}/initiatives/{owned_initiative.external_id}"
    body = {
        "version": 1,
        "title": "Ny tittel",
        "planning_status": "tentative",
        "phase_first": 2,
        "phase_last": 3,
    }
    response = send("patch", url, body, bearer(reporter))
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert response.json()["title"] == "Ny tittel"
    assert response.json()["phase_first"] == {
        "number": 2,
        "label": "Utvikling og begrenset utprøving",
    }
    owned_initiative.refresh_from_db()
    assert (owned_initiative.title, owned_initiative.planning_status) == ("Ny tittel", "tentative")
    latest = owned_initiative.history.latest()
    assert latest.history_user == reporter
    assert latest.history_change_reason == "Endret gjennom API-et"


def test_a_stale_version_gives_409_with_the_current_record_and_overwrites_nothing(
    send: Send,
    bearer: Callable[[User], dict[str, str]],
    reporter: User,
    owned_initiative: Initiative,
) -> None:
    url = f"{API}/initiatives/{owned_initiative.external_id}"
    headers = bearer(reporter)
    assert send("patch", url, {"version": 1, "title": "Først"}, headers).status_code == 200
    history_before = owned_initiative.history.count()

    response = send(
        "patch", url, {"version": 1, "title": "Sist, men basert på gammel versjon"}, headers
    )
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["current_version"] == 2
    assert problem["current"]["title"] == "Først"
    assert problem["current"]["external_id"] == owned_initiative.external_id
    assert "du sendte versjon 1, men gjeldende versjon er 2" in problem["detail"]
    owned_initiative.refresh_from_db()
    assert owned_initiative.title == "Først" and owned_initiative.version == 2
    assert owned_initiative.history.count() == history_before


def test_a_conflict_is_explained_in_english_when_asked(
    send: Send, bearer: Callable[[User], dict[str, str]], secretariat: User
) -> None:
    response = send(
        "patch",
        f"{API}/goals/1",
        {"version": 7, "title": "X"},
        bearer(secretariat),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    assert response.json()["title"] == "Changed by someone else"
    assert "you sent version 7, but the current version is 1" in response.json()["detail"]


def test_model_validation_gives_422_with_norwegian_messages_per_field(
    send: Send,
    bearer: Callable[[User], dict[str, str]],
    reporter: User,
    owned_initiative: Initiative,
) -> None:
    url = f"{API}/initiatives/{owned_initiative.external_id}"
    body = {
        "version": 1,
        "start_date": "2027-01-01",
        "end_date": "2026-01-01",
        "phase_first": 3,
        "phase_last": None,
    }
    response = send("patch", url, body, bearer(reporter))
    assert response.status_code == 422
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert errors["end_date"]["detail"] == "Sluttdato kan ikke være før startdato."
    assert errors["end_date"]["pointer"] == "#/end_date"
    assert errors["phase_last"]["detail"] == "Oppgi både første og siste fase, eller ingen av dem."
    owned_initiative.refresh_from_db()
    assert owned_initiative.version == 1


def test_input_that_does_not_fit_the_schema_gives_422_in_norwegian(
    send: Send,
    bearer: Callable[[User], dict[str, str]],
    reporter: User,
    owned_initiative: Initiative,
) -> None:
    url = f"{API}/initiatives/{owned_initiative.external_id}"
    response = send(
        "patch", url, {"title": "", "owners": ["hdir"], "phase_first": 9}, bearer(reporter)
    )
    assert response.status_code == 422
    errors = {e["field"]: e["detail"] for e in response.json()["errors"]}
    assert errors == {
        "version": "Feltet må være med.",
        "title": "Teksten må ha minst 1 tegn.",
        "owners": "Feltet finnes ikke, eller kan ikke endres gjennom API-et.",
        "phase_first": "Verdien må være 5 eller mindre.",
    }


def test_a_body_that_is_not_json_gives_400(
    send: Send,
    bearer: Callable[[User], dict[str, str]],
    reporter: User,
    owned_initiative: Initiative,
) -> None:
    url = f"{API}/initiatives/{owned_initiative.external_id}"
    response = send("patch", url, "{not json", bearer(reporter))
    assert response.status_code == 400
    assert response.json()["title"] == "Ugyldig forespørsel"


def test_a_forbidden_change_says_who_may_make_it(
    send: Send, bearer: Callable[[User], dict[str, str]], make_user: Callable[..., User]
) -> None:
    steward = make_user(is_data_steward=True)
    response = send("patch", f"{API}/goals/1", {"version": 1, "title": "X"}, bearer(steward))
    assert response.status_code == 403
    assert response.json()["detail"] == (
        f"Brukeren {steward.username} har ikke lov til å endre mål 1. "
        "Bare sekretariatet kan gjøre det."
    )
    assert Goal.objects.get(number=1).title != "X"


def test_deliveries_can_be_added_changed_and_deleted(
    send: Send,
    bearer: Callable[[User], dict[str, str]],
    reporter: User,
    owned_initiative: Initiative,
) -> None:
    headers = bearer(reporter)
    base = f"{API}/initiatives/{owned_initiative.external_id}/deliveries"
    created = send(
        "post",
        base,
        {"title": "Pilot", "kind": "provisional", "planned_date": "2026-05-01"},
        headers,
    )
    assert created.status_code == 201, created.content
    delivery = created.json()
    assert created["Location"] == delivery["url"]
    assert Delivery.objects.get(pk=delivery["id"]).history.latest().history_user == reporter

    changed = send(
        "patch",
        delivery["url"],
        {"version": 1, "kind": "completed", "actual_date": "2026-06-01"},
        headers,
    )
    assert changed.status_code == 200
    assert changed.json()["kind"] == "completed" and changed.json()["version"] == 2

    stale = send("delete", delivery["url"] + "?version=1", "", headers)
    assert stale.status_code == 409
    assert Delivery.objects.filter(pk=delivery["id"]).exists()

    deleted = send("delete", delivery["url"] + "?version=2", "", headers)
    assert deleted.status_code == 204
    assert not Delivery.objects.filter(pk=delivery["id"]).exists()
    assert (
        Delivery.history.filter(id=delivery["id"], history_type="-").get().history_user == reporter
    )


def test_observations_can_be_added_changed_and_deleted_by_a_data_steward(
    send: Send,
    bearer: Callable[[User], dict[str, str]],
    make_user: Callable[..., User],
    hdir_indicator: Indicator,
) -> None:
    headers = bearer(make_user(is_data_steward=True))
    base = f"{API}/indicators/{hdir_indicator.code}/observations"
    created = send("post", base, {"period": "2029", "value": "61.5", "source": "SSB"}, headers)
    assert created.status_code == 201, created.content
    observation = created.json()
    assert observation["value"] == 61.5 and observation["period_start"] == "2029-01-01"

    changed = send(
        "patch",
        observation["url"],
        {"version": 1, "value": None, "status": "not_available"},
        headers,
    )
    assert changed.status_code == 200 and changed.json()["value"] is None

    deleted = send("delete", observation["url"] + "?version=2", "", headers)
    assert deleted.status_code == 204
    assert not Observation.objects.filter(pk=observation["id"]).exists()


def test_an_observation_is_validated_like_in_the_web_ui(
    send: Send,
    bearer: Callable[[User], dict[str, str]],
    secretariat: User,
    hdir_indicator: Indicator,
) -> None:
    headers = bearer(secretariat)
    base = f"{API}/indicators/{hdir_indicator.code}/observations"
    missing_value = send("post", base, {"period": "2029"}, headers)
    assert missing_value.status_code == 422
    [error] = missing_value.json()["errors"]
    assert error["field"] == "value"
    assert "status «ikke tilgjengelig» eller «skjermet»" in error["detail"]

    bad_period = send("post", base, {"period": "20X9", "value": 1}, headers)
    assert bad_period.status_code == 422
    assert bad_period.json()["errors"][0]["field"] == "period"

    existing = hdir_indicator.observations.filter(breakdown_dimension="").first()
    duplicate = send("post", base, {"period": existing.period, "value": 1}, headers)
    assert duplicate.status_code == 422
    assert "Det finnes allerede en måling for denne perioden." in duplicate.content.decode()


def test_the_secretariat_publishes_a_target_by_clearing_its_example_flag(
    send: Send, bearer: Callable[[User], dict[str, str]], secretariat: User
) -> None:
    target = Target.objects.filter(is_example=True).select_related("indicator").first()
    url = f"{API}/indicators/{target.indicator.code}/targets/{target.period}"
    response = send(
        "patch",
        url,
        {"version": target.version, "value": "75", "is_example": False},
        bearer(secretariat),
    )
    assert response.status_code == 200, response.content
    assert response.json() == {**response.json(), "value": 75.0, "is_example": False}
    target.refresh_from_db()
    assert target.is_example is False and target.history.latest().history_user == secretariat


def test_the_secretariat_edits_the_text_of_a_subgoal(
    send: Send, bearer: Callable[[User], dict[str, str]], secretariat: User, api: Client
) -> None:
    response = send(
        "patch",
        f"{API}/subgoals/1a",
        {"version": 1, "description": "Oppdatert tekst."},
        bearer(secretariat),
    )
    assert response.status_code == 200
    assert api.get(f"{API}/subgoals/1A").json()["description"] == "Oppdatert tekst."


def test_too_many_writes_in_a_short_time_give_429_with_retry_after(
    send: Send,
    bearer: Callable[[User], dict[str, str]],
    secretariat: User,
    settings: Settings,
) -> None:
    settings.RETNING_API_WRITE_RATE = "2/m"
    # The throttle counts in the cache; the test profile's cache is a dummy (see settings/test.py).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "w"}
    }
    headers = bearer(secretariat)
    statuses = [
        send("patch", f"{API}/goals/1", {"version": 99}, headers).status_code for _ in range(3)
    ]
    assert statuses == [409, 409, 429]
    response = send("patch", f"{API}/goals/1", {"version": 99}, headers)
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["retry_after"] == int(response["Retry-After"])


def test_reads_stay_open_when_a_write_token_is_sent_or_not(
    api: Client,
    bearer: Callable[[User], dict[str, str]],
    secretariat: User,
    owned_initiative: Initiative,
) -> None:
    url = f"{API}/initiatives/{owned_initiative.external_id}"
    assert api.get(url).status_code == 200
    assert api.get(url, **bearer(secretariat)).status_code == 200


@pytest.mark.parametrize(
    ("language", "title_401", "title_403"),
    [
        ("nb-NO", "Mangler gyldig API-nøkkel", "Ingen tilgang"),
        ("en-US,en;q=0.8", "Valid API token required", "Forbidden"),
    ],
)
def test_refusals_are_explained_in_norwegian_or_english(
    send: Send,
    bearer: Callable[[User], dict[str, str]],
    make_user: Callable[..., User],
    language: str,
    title_401: str,
    title_403: str,
) -> None:
    url = f"{API}/goals/1"
    body = {"version": 1, "title": "X"}
    anonymous = send("patch", url, body, {}, HTTP_ACCEPT_LANGUAGE=language)
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == 'Bearer realm="retning"'
    assert anonymous.json()["title"] == title_401
    assert anonymous["Content-Language"] == language[:2]
    user = make_user()
    refused = send("patch", url, body, bearer(user), HTTP_ACCEPT_LANGUAGE=language)
    assert refused.status_code == 403
    assert refused.json()["title"] == title_403
    assert user.username in refused.json()["detail"]
