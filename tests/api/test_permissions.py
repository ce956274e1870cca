"""The permission matrix of the API: every operation that changes data, for every role.

The table below is the contract. Adding a write operation without adding it here fails
`test_every_write_operation_is_in_the_matrix`, so no endpoint can ship without a rule; every
cell is then exercised for real against the seeded data.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from retning.accounts.models import User
from retning.actors.models import Organisation
from retning.api.v1 import api as ninja_api
from retning.indicators.models import Indicator, Observation
from retning.roadmap.models import Delivery, Initiative
from retning.strategy.models import Goal, SubGoal

from .conftest import API

ROLES = ("anonymous", "owner_reporter", "other_reporter", "data_steward", "secretariat")
OK = "ok"  # the operation's own 2xx status

_ROADMAP = {
    "anonymous": 401,
    "owner_reporter": OK,
    "other_reporter": 403,
    "data_steward": 403,
    "secretariat": OK,
}
_INDICATOR_DATA = {
    "anonymous": 401,
    "owner_reporter": OK,
    "other_reporter": 403,
    "data_steward": OK,
    "secretariat": OK,
}
_SECRETARIAT_ONLY = {
    "anonymous": 401,
    "owner_reporter": 403,
    "other_reporter": 403,
    "data_steward": 403,
    "secretariat": OK,
}

MATRIX: dict[str, dict[str, int | str]] = {
    "patchInitiative": _ROADMAP,
    "createDelivery": _ROADMAP,
    "patchDelivery": _ROADMAP,
    "deleteDelivery": _ROADMAP,
    "createObservation": _INDICATOR_DATA,
    "patchObservation": _INDICATOR_DATA,
    "deleteObservation": _INDICATOR_DATA,
    "importObservations": _INDICATOR_DATA,
    "patchTarget": _SECRETARIAT_ONLY,
    "patchGoal": _SECRETARIAT_ONLY,
    "patchSubGoal": _SECRETARIAT_ONLY,
}


@dataclass
class World:
    """Records the requests act on: owned by the organisation the owner reporter reports for."""

    initiative: Initiative
    delivery: Delivery
    indicator: Indicator
    observation: Observation
    goal: Goal
    subgoal: SubGoal


def _target_request(w: World) -> tuple[str, dict[str, Any]]:
    target = w.indicator.targets.first()
    assert target is not None
    url = f"{API}/indicators/{w.indicator.code}/targets/{target.period}"
    return url, {"version": target.version, "value": "80"}


def _initiative(w: World) -> str:
    return f"{API}/initiatives/{w.initiative.external_id}"


def _delivery(w: World) -> str:
    return f"{_initiative(w)}/deliveries/{w.delivery.pk}"


def _observation(w: World) -> str:
    return f"{API}/indicators/{w.indicator.code}/observations/{w.observation.pk}"


# operation id → how to call it: (path, JSON body) for the given records.
REQUESTS: dict[str, Callable[[World], tuple[str, dict[str, Any] | None]]] = {
    "patchInitiative": lambda w: (_initiative(w), {"version": 1, "title": "Endret tittel"}),
    "createDelivery": lambda w: (
        f"{_initiative(w)}/deliveries",
        {"title": "Pilot", "kind": "provisional"},
    ),
    "patchDelivery": lambda w: (_delivery(w), {"version": 1, "title": "Endret leveranse"}),
    "deleteDelivery": lambda w: (f"{_delivery(w)}?version=1", None),
    "createObservation": lambda w: (
        f"{API}/indicators/{w.indicator.code}/observations",
        {"period": "2030", "value": 1},
    ),
    "patchObservation": lambda w: (
        _observation(w),
        {"version": w.observation.version, "note": "Rettet"},
    ),
    "deleteObservation": lambda w: (f"{_observation(w)}?version={w.observation.version}", None),
    "importObservations": lambda w: (
        f"{API}/indicators/{w.indicator.code}/imports?filename=tilgang.json",
        {
            "version": "2.0",
            "class": "dataset",
            "id": ["Tid"],
            "size": [1],
            "role": {"time": ["Tid"]},
            "dimension": {"Tid": {"category": {"index": ["2031"]}}},
            "value": [1],
        },
    ),
    "patchTarget": _target_request,
    "patchGoal": lambda w: (f"{API}/goals/{w.goal.number}", {"version": 1, "title": "Nytt mål"}),
    "patchSubGoal": lambda w: (
        f"{API}/subgoals/{w.subgoal.code}",
        {"version": 1, "title": "Nytt delmål"},
    ),
}


def api_operations() -> dict[str, tuple[str, int | None]]:
    """Every operation the API serves: id → (HTTP method, its success status)."""
    operations: dict[str, tuple[str, int | None]] = {}
    for bound in ninja_api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                assert operation.operation_id, f"{operation.path} has no operation_id"
                success = [c for c in operation.response_models if 200 <= int(c) < 300]
                for method in operation.methods:
                    operations[operation.operation_id] = (method, success[0] if success else None)
    return operations


def write_operations() -> dict[str, tuple[str, int | None]]:
    return {k: v for k, v in api_operations().items() if v[0] not in {"GET", "HEAD", "OPTIONS"}}


def test_every_write_operation_is_in_the_matrix() -> None:
    writes = write_operations()
    assert writes, "no write operations found: the enumeration is broken"
    assert set(writes) == set(MATRIX), (
        "every write operation needs a row in MATRIX and in REQUESTS (and nothing else may be there)"
    )
    assert set(REQUESTS) == set(MATRIX)
    for operation, row in MATRIX.items():
        assert set(row) == set(ROLES), operation


@pytest.fixture
def world(owned_initiative: Initiative, hdir_indicator: Indicator) -> World:
    delivery = Delivery.objects.create(
        initiative=owned_initiative, title="Første versjon", kind=Delivery.Kind.AVAILABLE
    )
    observation = hdir_indicator.observations.order_by("pk").first()
    assert observation is not None
    return World(
        initiative=owned_initiative,
        delivery=delivery,
        indicator=hdir_indicator,
        observation=observation,
        goal=Goal.objects.get(number=2),
        subgoal=SubGoal.objects.get(code="3A"),
    )


@pytest.fixture
def role_headers(
    make_user: Callable[..., User],
    bearer: Callable[[User], dict[str, str]],
    hdir: Organisation,
    other_organisation: Organisation,
) -> dict[str, dict[str, str]]:
    return {
        "anonymous": {},
        "owner_reporter": bearer(make_user(reporter_for=[hdir])),
        "other_reporter": bearer(make_user(reporter_for=[other_organisation])),
        "data_steward": bearer(make_user(is_data_steward=True)),
        "secretariat": bearer(make_user(is_secretariat=True)),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", sorted(MATRIX))
def test_the_matrix_holds_for_each_operation_and_role(
    api: Client,
    world: World,
    role_headers: dict[str, dict[str, str]],
    operation: str,
    role: str,
) -> None:
    method, success = write_operations()[operation]
    path, body = REQUESTS[operation](world)
    expected = MATRIX[operation][role]
    response = getattr(api, method.lower())(
        path,
        json.dumps(body) if body is not None else "",
        "application/json",
        **role_headers[role],
    )
    if expected == OK:
        assert response.status_code == success, response.content
        return
    assert response.status_code == expected, response.content
    assert response["Content-Type"] == "application/problem+json"
    if expected == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")
    # A refused request changed nothing.
    world.initiative.refresh_from_db()
    world.goal.refresh_from_db()
    assert world.initiative.version == 1 and world.goal.version == 1
    assert Delivery.objects.filter(pk=world.delivery.pk, version=1).exists()
