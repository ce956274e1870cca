"""Who may open and post every editing page, exercised for real against the default dataset.

The expectations live in MATRIX, one row per (view, method) with one column per role. Every URL
under /rediger/ must be registered with ``@permission_for`` and have rows here, so a new write
view without a declared permission makes this file fail.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from retning.editing.registry import registered_views, registration_of
from retning.indicators.models import AssessmentOverride, Observation
from retning.roadmap.models import Delivery, Dependency

from .conftest import People, Scene, client_for
from .html_forms import form_data

ROLES = ("anonymous", "plain", "reporter_own", "reporter_other", "data_steward", "secretariat")
LOGIN = "login"  # a redirect to the sign-in page
UNKNOWN_TOKEN = "ingen-slik-opplasting-finnes-her"

# fmt: off
MATRIX: dict[tuple[str, str], tuple[int | str, ...]] = {
    #                                        anonymous plain r_own r_other steward secretariat
    ("changelog", "GET"):                   (LOGIN,   403,  403,  403,    403,    200),
    ("changelog", "POST"):                  (LOGIN,   403,  403,  403,    403,    405),
    ("goal_edit", "GET"):                   (LOGIN,   403,  403,  403,    403,    200),
    ("goal_edit", "POST"):                  (LOGIN,   403,  403,  403,    403,    302),
    ("subgoal_edit", "GET"):                (LOGIN,   403,  403,  403,    403,    200),
    ("subgoal_edit", "POST"):               (LOGIN,   403,  403,  403,    403,    302),
    ("indicator_edit", "GET"):              (LOGIN,   403,  403,  403,    403,    200),
    ("indicator_edit", "POST"):             (LOGIN,   403,  403,  403,    403,    302),
    ("organisation_edit", "GET"):           (LOGIN,   403,  403,  403,    403,    200),
    ("organisation_edit", "POST"):          (LOGIN,   403,  403,  403,    403,    302),
    ("observation_list", "GET"):            (LOGIN,   403,  200,  403,    200,    200),
    ("observation_list", "POST"):           (LOGIN,   403,  405,  403,    405,    405),
    ("observation_add", "GET"):             (LOGIN,   403,  200,  403,    200,    200),
    ("observation_add", "POST"):            (LOGIN,   403,  302,  403,    302,    302),
    ("observation_edit", "GET"):            (LOGIN,   403,  200,  403,    200,    200),
    ("observation_edit", "POST"):           (LOGIN,   403,  302,  403,    302,    302),
    ("observation_delete", "GET"):          (LOGIN,   403,  200,  403,    200,    200),
    ("observation_delete", "POST"):         (LOGIN,   403,  302,  403,    302,    302),
    ("initiative_edit", "GET"):             (LOGIN,   403,  200,  403,    403,    200),
    ("initiative_edit", "POST"):            (LOGIN,   403,  302,  403,    403,    302),
    ("delivery_row", "GET"):                (LOGIN,   403,  200,  403,    403,    200),
    ("delivery_row", "POST"):               (LOGIN,   403,  405,  403,    403,    405),
    ("assessment_override", "GET"):         (LOGIN,   403,  403,  403,    403,    200),
    ("assessment_override", "POST"):        (LOGIN,   403,  403,  403,    403,    302),
    # An upload without a file only shows the form again; the later steps need a staged upload
    # that belongs to the user, so an unknown token is 404 for those who may import at all.
    ("import_upload", "GET"):               (LOGIN,   403,  200,  403,    200,    200),
    ("import_upload", "POST"):              (LOGIN,   403,  200,  403,    200,    200),
    ("import_preview", "GET"):              (LOGIN,   403,  404,  403,    404,    404),
    ("import_preview", "POST"):             (LOGIN,   403,  404,  403,    404,    404),
    ("import_mapping", "GET"):              (LOGIN,   403,  404,  403,    404,    404),
    ("import_mapping", "POST"):             (LOGIN,   403,  404,  403,    404,    404),
    # Delivery dates and dependencies (issue 5): the secretariat or the owner's reporter.
    ("delivery_schedule", "GET"):           (LOGIN,   403,  200,  403,    403,    200),
    ("delivery_schedule", "POST"):          (LOGIN,   403,  302,  403,    403,    302),
    ("dependency_list", "GET"):             (LOGIN,   403,  200,  403,    403,    200),
    ("dependency_list", "POST"):            (LOGIN,   403,  302,  403,    403,    302),
    ("dependency_delete", "GET"):           (LOGIN,   403,  200,  403,    403,    200),
    ("dependency_delete", "POST"):          (LOGIN,   403,  302,  403,    403,    302),
}
# fmt: on


def _test_delivery(scene: Scene) -> Delivery:
    """A delivery of the scene's initiative, made by the test (the dataset has none)."""
    delivery, _created = Delivery.objects.get_or_create(
        initiative=scene.initiative,
        title="Leveranse fra tilgangstesten",
        defaults={"kind": "available", "planned_date": date(2027, 6, 1)},
    )
    return delivery


def _test_dependency(scene: Scene) -> Dependency:
    dependency, _created = Dependency.objects.get_or_create(
        dependent=scene.initiative, prerequisite=scene.foreign_initiative
    )
    return dependency


ISSUE5_URLS: dict[str, Callable[[Scene], str]] = {
    "delivery_schedule": lambda scene: reverse(
        "editing:delivery_schedule", args=[_test_delivery(scene).pk]
    ),
    "dependency_list": lambda scene: (
        reverse("editing:dependency_list", args=[scene.initiative.external_id])
        + f"?forutsetning={scene.foreign_initiative.external_id}"
    ),
    "dependency_delete": lambda scene: reverse(
        "editing:dependency_delete", args=[_test_dependency(scene).pk]
    ),
}


def _url(name: str, scene: Scene) -> str:
    if name in ISSUE5_URLS:
        return ISSUE5_URLS[name](scene)
    code, pk = scene.indicator.code, scene.observation.pk
    args: dict[str, list[Any]] = {
        "changelog": [],
        "goal_edit": [scene.indicator.goal.number],
        "subgoal_edit": [scene.initiative.subgoal.code],
        "indicator_edit": [code],
        "organisation_edit": [scene.owner.slug],
        "observation_list": [code],
        "observation_add": [code],
        "observation_edit": [code, pk],
        "observation_delete": [code, pk],
        "initiative_edit": [scene.initiative.external_id],
        "delivery_row": [scene.initiative.external_id],
        "assessment_override": [code],
        "import_upload": [code],
        "import_preview": [code, UNKNOWN_TOKEN],
        "import_mapping": [code, UNKNOWN_TOKEN],
    }
    url = reverse(f"editing:{name}", args=args[name])
    return url + "?deliveries-TOTAL_FORMS=1" if name == "delivery_row" else url


# What each allowed POST changes, on top of the form as the page renders it.
POST_CHANGES: dict[str, dict[str, list[str]]] = {
    "goal_edit": {"description": ["Beskrivelse endret i tilgangstesten."]},
    "subgoal_edit": {"description": ["Beskrivelse endret i tilgangstesten."]},
    "indicator_edit": {"methodology_note": ["Metodenotat fra tilgangstesten."]},
    "organisation_edit": {"description": ["Beskrivelse fra tilgangstesten."]},
    "initiative_edit": {"description": ["Beskrivelse fra tilgangstesten."]},
    "observation_add": {"period": ["2029"], "value": ["42"]},
    "observation_edit": {"note": ["Merknad fra tilgangstesten."]},
    "assessment_override": {"status": ["on_track"], "reason": ["Begrunnelse fra tilgangstesten."]},
    "delivery_schedule": {"forecast_date": ["2029-06-30"]},
}


def _state(name: str, scene: Scene) -> Any:
    """Something that changes exactly when the view writes, to check that denials write nothing."""
    readers: dict[str, Callable[[], Any]] = {
        "goal_edit": lambda: (
            type(scene.indicator.goal).objects.get(pk=scene.indicator.goal_id).version
        ),
        "subgoal_edit": lambda: (
            type(scene.initiative.subgoal).objects.get(pk=scene.initiative.subgoal_id).version
        ),
        "indicator_edit": lambda: type(scene.indicator).objects.get(pk=scene.indicator.pk).version,
        "organisation_edit": lambda: type(scene.owner).objects.get(pk=scene.owner.pk).version,
        "initiative_edit": lambda: (
            type(scene.initiative).objects.get(pk=scene.initiative.pk).version
        ),
        "observation_add": lambda: Observation.objects.filter(indicator=scene.indicator).count(),
        "observation_edit": lambda: Observation.objects.get(pk=scene.observation.pk).version,
        "observation_delete": lambda: Observation.objects.filter(pk=scene.observation.pk).exists(),
        "assessment_override": lambda: list(
            AssessmentOverride.objects.filter(indicator=scene.indicator).values_list(
                "status", "reason"
            )
        ),
        "delivery_schedule": lambda: _test_delivery(scene).version,
        "dependency_list": lambda: Dependency.objects.filter(dependent=scene.initiative).count(),
        "dependency_delete": lambda: Dependency.objects.filter(
            dependent=scene.initiative, prerequisite=scene.foreign_initiative
        ).exists(),
    }
    return readers[name]() if name in readers else None


def _walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += _walk(pattern.url_patterns, route)
        else:
            found.append((route, pattern))
    return found


def _editing_patterns() -> list[tuple[str, URLPattern]]:
    return [
        (route, p)
        for route, p in _walk(get_resolver().url_patterns)
        if route.startswith("rediger/")
    ]


def test_every_url_under_rediger_is_a_registered_view_with_rows_in_the_matrix() -> None:
    patterns = _editing_patterns()
    assert patterns, "no URLs found under /rediger/"
    unregistered = [route for route, p in patterns if registration_of(p.callback) is None]
    assert unregistered == [], f"views without @permission_for: {unregistered}"
    names = {p.name for _route, p in patterns}
    in_matrix = {name for name, _method in MATRIX}
    assert names == in_matrix
    # Other apps guard their own pages with the same decorator and keep their own matrices; every
    # registered view of the editing app must be reachable under /rediger/.
    editing_views = {v for v in registered_views() if v.__module__.startswith("retning.editing.")}
    assert {p.callback for _route, p in patterns} == editing_views


def test_every_matrix_row_has_both_methods_and_a_status_for_every_role() -> None:
    for (name, _method), row in MATRIX.items():
        assert len(row) == len(ROLES)
        assert (name, "GET") in MATRIX and (name, "POST") in MATRIX


def _post_data(name: str, url: str, people: People) -> dict[str, list[str]]:
    html = client_for(people.secretariat).get(url).content.decode()
    form_id = next((f for f in ("edit-form", "delete-form") if f'id="{f}"' in html), None)
    data = form_data(html, form_id) if form_id else {}
    return {**data, **POST_CHANGES.get(name, {})}


@pytest.mark.parametrize(("name", "method"), list(MATRIX))
def test_the_view_answers_each_role_as_the_matrix_says(
    name: str, method: str, scene: Scene, people: People
) -> None:
    url = _url(name, scene)
    data = _post_data(name, url, people) if method == "POST" else {}
    login_url = reverse("accounts:login")
    observed: list[int | str] = []
    for role in ROLES:
        with transaction.atomic():
            before = _state(name, scene)
            client = client_for(people.by_role(role))
            response = client.post(url, data) if method == "POST" else client.get(url)
            status: int | str = response.status_code
            if status == 302 and response["Location"].startswith(login_url):
                status = LOGIN
            observed.append(status)
            wrote = _state(name, scene) != before
            assert wrote == (status == 302), f"{role}: status {status} but wrote={wrote}"
            transaction.set_rollback(True)
    assert tuple(observed) == MATRIX[(name, method)]
