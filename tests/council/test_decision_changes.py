"""Every kind of plan change a decision can make, entered through the decision form.

Each goes the whole way: the form records it, approving the minutes applies it, the new plan
version's diff lists exactly it with readable values, and the object's page names the decision.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from retning.council import services
from retning.council.models import Body, Case, Decision, Meeting, PlanChange, PlanVersion
from retning.indicators.models import Indicator, Target
from retning.roadmap.models import PHASE_LABELS, Initiative
from retning.roadmap.phases import Phase
from retning.strategy.models import Goal, SubGoal

from .conftest import Plan

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _held_case(body: Body, title: str = "Justering av planen") -> Case:
    meeting = services.meeting_create(body=body, date=datetime.date(2026, 9, 1), place="Oslo")
    case = services.case_schedule(
        case=services.case_propose(body=body, title=title, case_type="resolution"),
        meeting=meeting,
    )
    services.meeting_convene(meeting=meeting)
    services.meeting_hold(meeting=meeting)
    return Case.objects.get(pk=case.pk)


def _form_data(text: str, rows: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The posted decision form with the given change rows, numbered as the page numbers them."""
    data: dict[str, Any] = {"text": text, "endring-rader": [str(i) for i in range(len(rows))]}
    for index, (kind, values) in enumerate(rows):
        data[f"endring-{index}-type"] = kind
        for name, value in values.items():
            data[f"endring-{index}-{name}"] = "" if value is None else str(value)
    return data


def _diff_rows(version: PlanVersion) -> list[str]:
    html = Client().get(reverse("council:plan_version", args=[version.pk]), follow=True)
    assert html.status_code == 200
    rows = re.findall(r'<tr class="plan-change">(.*?)</tr>', html.content.decode(), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def _page(url: str) -> str:
    return " ".join(Client().get(url).content.decode().split())


@dataclass
class Scenario:
    kind: str
    values: Callable[[Plan], dict[str, Any]]
    # (kind, model, field) of every PlanChange the row should make, in order
    expected: list[tuple[str, str, str]]
    # The page that should name the decision afterwards (None: the object is gone)
    page: Callable[[Plan], str | None]
    # Text the diff row(s) and the page must show
    diff_text: list[str] = field(default_factory=list)
    page_text: list[str] = field(default_factory=list)
    prepare: Callable[[Plan], None] | None = None


def _existing_target(plan: Plan) -> Target:
    target = plan.indicator.targets.order_by("period").first()
    assert target is not None
    return target


def _free_year(plan: Plan) -> str:
    taken = set(plan.indicator.targets.values_list("period", flat=True))
    return next(str(y) for y in range(2030, 2022, -1) if str(y) not in taken)


def _spare_subgoal(plan: Plan) -> SubGoal:
    goal = plan.subgoal.goal
    subgoal, _ = SubGoal.objects.get_or_create(
        strategy=goal.strategy, code=f"{goal.number}Y", defaults={"goal": goal, "title": "Reserve"}
    )
    return subgoal


def _spare_indicator(plan: Plan) -> Indicator:
    indicator, _ = Indicator.objects.get_or_create(
        code="RESERVE-1",
        defaults={"name": "Reserveindikator", "goal": plan.subgoal.goal, "unit": "antall"},
    )
    return indicator


def _spare_initiative(plan: Plan) -> Initiative:
    initiative, _ = Initiative.objects.get_or_create(
        external_id="98765432109876543",
        defaults={"title": "Reserveinitiativ", "subgoal": plan.subgoal},
    )
    return initiative


def _phase_label(number: int) -> str:
    return str(PHASE_LABELS[Phase(number)])


SCENARIOS = [
    Scenario(
        "target_set",
        lambda p: {
            "indicator": p.indicator.pk,
            "period": _existing_target(p).period,
            "value": "77.5",
        },
        [("change", "target", "value")],
        lambda p: p.indicator.get_absolute_url(),
        diff_text=["77,5"],
        page_text=["Endret ved vedtak i", "77,5"],
    ),
    Scenario(
        "target_set",
        lambda p: {"indicator": p.indicator.pk, "period": _free_year(p), "value": "12"},
        [("add", "target", "")],
        lambda p: p.indicator.get_absolute_url(),
        diff_text=["Lagt til", "målverdi: 12"],
        page_text=["Endret ved vedtak i", "lagt til: 12"],
    ),
    Scenario(
        "target_retire",
        lambda p: {"indicator": p.indicator.pk, "period": _existing_target(p).period},
        [("retire", "target", "")],
        lambda p: p.indicator.get_absolute_url(),
        diff_text=["Utgått"],
        page_text=["Endret ved vedtak i", "fjernet"],
    ),
    Scenario(
        "goal_text",
        lambda p: {"goal": p.subgoal.goal.pk, "title": "Klarere mål", "description": "Ny tekst"},
        [("change", "goal", "title"), ("change", "goal", "description")],
        lambda p: p.subgoal.goal.get_absolute_url(),
        diff_text=["Klarere mål", "Ny tekst"],
        page_text=["Endret ved vedtak i", "tittel:", "→ Klarere mål"],
    ),
    Scenario(
        "subgoal_add",
        lambda p: {
            "goal": p.subgoal.goal.pk,
            "code": f"{p.subgoal.goal.number}x",
            "title": "Nytt delmål",
        },
        [("add", "subgoal", "")],
        lambda p: reverse("publishing:subgoal_detail", args=[f"{p.subgoal.goal.number}X"]),
        diff_text=["Lagt til", "tittel: Nytt delmål"],
        page_text=["Lagt til ved vedtak i"],
    ),
    Scenario(
        "subgoal_change",
        lambda p: {"subgoal": p.subgoal.pk, "title": "Omformulert delmål"},
        [("change", "subgoal", "title")],
        lambda p: p.subgoal.get_absolute_url(),
        diff_text=["Omformulert delmål"],
        page_text=["Endret ved vedtak i", "Omformulert delmål"],
    ),
    Scenario(
        "subgoal_retire",
        lambda p: {"subgoal": _spare_subgoal(p).pk},
        [("retire", "subgoal", "")],
        lambda p: None,
        diff_text=["Utgått", "Reserve"],
        prepare=_spare_subgoal,
    ),
    Scenario(
        "indicator_add",
        lambda p: {
            "code": "NY-1",
            "name": "Ny indikator",
            "goal": p.subgoal.goal.pk,
            "unit": "prosent",
        },
        [("add", "indicator", "")],
        lambda p: reverse("publishing:indicator_detail", args=["NY-1"]),
        diff_text=["Lagt til", "navn: Ny indikator"],
        page_text=["Lagt til ved vedtak i"],
    ),
    Scenario(
        "indicator_change",
        lambda p: {"indicator": p.indicator.pk, "name": "Nytt navn på indikatoren"},
        [("change", "indicator", "name")],
        lambda p: p.indicator.get_absolute_url(),
        diff_text=["Nytt navn på indikatoren"],
        page_text=["Endret ved vedtak i", "→ Nytt navn på indikatoren"],
    ),
    Scenario(
        "indicator_retire",
        lambda p: {"indicator": _spare_indicator(p).pk},
        [("retire", "indicator", "")],
        lambda p: None,
        diff_text=["Utgått", "Reserveindikator"],
        prepare=_spare_indicator,
    ),
    Scenario(
        "initiative_add",
        lambda p: {
            "external_id": "12345678901234567",
            "title": "Nytt initiativ",
            "subgoal": p.subgoal.pk,
            "priority": 1,
        },
        [("add", "initiative", "")],
        lambda p: reverse("publishing:initiative_detail", args=["12345678901234567"]),
        diff_text=["Lagt til", "prioritet: Høy"],
        page_text=["Lagt til ved vedtak i", 'id="initiative-priority">Høy'],
    ),
    Scenario(
        "initiative_change",
        lambda p: {"initiative": p.initiative.pk, "description": "Ny beskrivelse av initiativet"},
        [("change", "initiative", "description")],
        lambda p: p.initiative.get_absolute_url(),
        diff_text=["Ny beskrivelse av initiativet"],
        page_text=["Endret ved vedtak i", "beskrivelse:"],
    ),
    Scenario(
        "initiative_priority",
        lambda p: {"initiative": p.initiative.pk, "priority": 2},
        [("change", "initiative", "priority")],
        lambda p: p.initiative.get_absolute_url(),
        diff_text=["prioritet – Middels"],
        page_text=[
            "Endret ved vedtak i",
            "prioritet: – → Middels",
            'id="initiative-priority">Middels',
        ],
    ),
    Scenario(
        "initiative_phase",
        lambda p: {"initiative": p.initiative.pk, "phase_first": 4, "phase_last": 5},
        [("change", "initiative", "phase_first"), ("change", "initiative", "phase_last")],
        lambda p: p.initiative.get_absolute_url(),
        diff_text=[_phase_label(4), _phase_label(5)],
        page_text=["Endret ved vedtak i", "fase fra:", f"→ {_phase_label(5)}"],
    ),
    Scenario(
        "initiative_retire",
        lambda p: {"initiative": _spare_initiative(p).pk},
        [("retire", "initiative", "")],
        lambda p: None,
        diff_text=["Utgått", "Reserveinitiativ"],
        prepare=_spare_initiative,
    ),
]


@pytest.mark.parametrize(
    "scenario", SCENARIOS, ids=[f"{s.kind}-{n}" for n, s in enumerate(SCENARIOS)]
)
def test_each_kind_of_change_goes_from_the_form_into_the_plan(
    nuit: Body, plan: Plan, secretary: Any, scenario: Scenario
) -> None:
    if scenario.prepare:
        scenario.prepare(plan)
    case = _held_case(nuit)
    client = _client(secretary)
    values = scenario.values(plan)
    response = client.post(
        reverse("council:decision_create", args=[case.pk]),
        _form_data("Rådet vedtar endringen.", [(scenario.kind, values)]),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    recorded = PlanChange.objects.filter(decision__case=case).order_by("order")
    assert [(c.kind, c.content_type.model, c.field_name) for c in recorded] == scenario.expected
    # Nothing in the plan changes before the minutes are approved.
    assert not PlanVersion.objects.filter(meeting_id=case.meeting_id).exists()

    response = client.post(reverse("council:minutes_approve", args=[case.meeting_id]))
    assert response.status_code == 302, response.content.decode()[-3000:]
    version = PlanVersion.objects.get(meeting_id=case.meeting_id)
    applied = version.changes.order_by("order")
    assert [(c.kind, c.content_type.model, c.field_name) for c in applied] == scenario.expected

    rows = _diff_rows(version)
    assert len(rows) == len(scenario.expected)
    joined = " | ".join(rows)
    assert all("Sak 1/26" in row for row in rows)
    for text in scenario.diff_text:
        assert text in joined, (text, joined)

    url = scenario.page(plan)
    if url is None:
        # The object is gone; its change is still readable in the history.
        for change in applied:
            model = change.content_type.model_class()
            assert not model.objects.filter(pk=change.object_id).exists()
        return
    page = _page(url)
    assert reverse("council:case_detail", args=[case.pk]) in page
    assert "Sak 1/26" in page
    for text in scenario.page_text:
        assert text in page, (text, url)


def test_priority_and_phase_show_labels_not_numbers_in_the_diff(
    nuit: Body, plan: Plan, secretary: Any
) -> None:
    Initiative.objects.filter(pk=plan.initiative.pk).update(priority=3, phase_first=1, phase_last=2)
    case = _held_case(nuit)
    client = _client(secretary)
    client.post(
        reverse("council:decision_create", args=[case.pk]),
        _form_data(
            "Høyere prioritet og ny fase.",
            [
                ("initiative_priority", {"initiative": plan.initiative.pk, "priority": 1}),
                (
                    "initiative_phase",
                    {"initiative": plan.initiative.pk, "phase_first": 2, "phase_last": 3},
                ),
            ],
        ),
    )
    client.post(reverse("council:minutes_approve", args=[case.meeting_id]))
    rows = _diff_rows(PlanVersion.objects.get(meeting_id=case.meeting_id))
    assert rows[0].count("Lav") == 1 and rows[0].count("Høy") == 1
    assert _phase_label(1) in rows[1] and _phase_label(2) in rows[1]
    assert _phase_label(2) in rows[2] and _phase_label(3) in rows[2]
    page = _page(plan.initiative.get_absolute_url())
    assert "prioritet: Lav → Høy" in page
    assert f"fase fra: {_phase_label(1)} → {_phase_label(2)}" in page
    case_page = _page(reverse("council:case_detail", args=[case.pk]))
    assert "Lav" in case_page and "Høy" in case_page


def test_several_changes_in_one_decision_enter_the_plan_together(
    nuit: Body, plan: Plan, secretary: Any
) -> None:
    target = _existing_target(plan)
    case = _held_case(nuit)
    client = _client(secretary)
    response = client.post(
        reverse("council:decision_create", args=[case.pk]),
        _form_data(
            "Tre endringer.",
            [
                ("initiative_priority", {"initiative": plan.initiative.pk, "priority": 1}),
                (
                    "target_set",
                    {"indicator": plan.indicator.pk, "period": target.period, "value": "55"},
                ),
                (
                    "subgoal_change",
                    {"subgoal": plan.subgoal.pk, "description": "Utvidet beskrivelse"},
                ),
            ],
        ),
    )
    assert response.status_code == 302
    client.post(reverse("council:minutes_approve", args=[case.meeting_id]))
    version = PlanVersion.objects.get(meeting_id=case.meeting_id)
    assert version.changes.count() == 3
    assert list(version.decisions.all()) == [case.decision]
    assert Initiative.objects.get(pk=plan.initiative.pk).priority == 1
    assert Target.objects.get(pk=target.pk).value == Decimal("55")
    assert SubGoal.objects.get(pk=plan.subgoal.pk).description == "Utvidet beskrivelse"
    assert len(_diff_rows(version)) == 3


def test_one_change_that_cannot_be_applied_stops_them_all(
    nuit: Body, plan: Plan, secretary: Any
) -> None:
    # The sub-goal still has initiatives, so it cannot be retired; the priority must not change
    # on its own either.
    case = _held_case(nuit)
    client = _client(secretary)
    response = client.post(
        reverse("council:decision_create", args=[case.pk]),
        _form_data(
            "To endringer.",
            [
                ("initiative_priority", {"initiative": plan.initiative.pk, "priority": 1}),
                ("subgoal_retire", {"subgoal": plan.subgoal.pk}),
            ],
        ),
    )
    assert response.status_code == 302
    response = client.post(reverse("council:minutes_approve", args=[case.meeting_id]))
    assert response.status_code == 200
    assert "kan ikke fjernes så lenge" in response.content.decode()
    assert Initiative.objects.get(pk=plan.initiative.pk).priority is None
    assert not PlanVersion.objects.filter(meeting_id=case.meeting_id).exists()
    assert Meeting.objects.get(pk=case.meeting_id).status == Meeting.Status.HELD


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        # Half filled: the initiative without its new priority.
        (
            [("initiative_priority", {"initiative": "pk"})],
            "Fyll ut feltet, eller ta bort endringen.",
        ),
        # A text change with no new text at all.
        ([("subgoal_change", {"subgoal": "subgoal"})], "Fyll ut minst ett av feltene"),
        # A phase that ends before it begins.
        (
            [("initiative_phase", {"initiative": "pk", "phase_first": 4, "phase_last": 2})],
            "Fasen kan ikke slutte før den begynner.",
        ),
        # A new sub-goal whose code does not start with its goal's number.
        (
            [("subgoal_add", {"goal": "goal", "code": "9Q", "title": "Feil kode"})],
            "Koden må begynne",
        ),
        # A new initiative without a proper delivery id.
        (
            [("initiative_add", {"external_id": "12", "title": "X", "subgoal": "subgoal"})],
            "17 sifre",
        ),
        # Removing a target the indicator does not have.
        ([("target_retire", {"indicator": "indicator", "period": "free"})], "ingen målverdi"),
        # The same field changed twice in one decision.
        (
            [
                ("initiative_priority", {"initiative": "pk", "priority": 1}),
                ("initiative_priority", {"initiative": "pk", "priority": 2}),
            ],
            "mer enn én gang",
        ),
    ],
)
def test_a_bad_row_is_refused_and_nothing_is_recorded(
    nuit: Body, plan: Plan, secretary: Any, rows: list[tuple[str, dict[str, Any]]], message: str
) -> None:
    stand_ins = {
        "pk": plan.initiative.pk,
        "subgoal": plan.subgoal.pk,
        "goal": plan.subgoal.goal.pk,
        "indicator": plan.indicator.pk,
        "free": _free_year(plan),
    }
    filled = [
        (kind, {k: stand_ins.get(v, v) if isinstance(v, str) else v for k, v in values.items()})
        for kind, values in rows
    ]
    # A good row next to the bad one must not be recorded either.
    filled.insert(0, ("goal_text", {"goal": plan.subgoal.goal.pk, "title": "Skal ikke lagres"}))
    case = _held_case(nuit)
    response = _client(secretary).post(
        reverse("council:decision_create", args=[case.pk]), _form_data("Vedtak", filled)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'id="error-summary"' in html
    assert not Decision.objects.exists() and not PlanChange.objects.exists()
    assert Case.objects.get(pk=case.pk).status == Case.Status.SCHEDULED
    # The rows are shown again as typed, so the user can correct them.
    assert "Skal ikke lagres" in html


def test_rows_are_added_and_removed_without_recording_anything(
    nuit: Body, plan: Plan, secretary: Any
) -> None:
    case = _held_case(nuit)
    client = _client(secretary)
    url = reverse("council:decision_create", args=[case.pk])
    page = client.get(url).content.decode()
    assert 'name="ny-endring"' in page and "Legg til endringen" in page
    assert 'class="ds-fieldset retning-stack plan-change-row"' not in page

    response = client.post(
        url, {"text": "Utkast", "handling": "legg-til", "ny-endring": "initiative_priority"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Decision.objects.exists()
    assert "Endring 1: Endre prioritet for et initiativ" in html
    assert 'id="error-summary"' not in html  # an empty new row is not an error yet
    assert "Utkast" in html and "autofocus" in html

    # A second row is added; the first keeps what was typed in it.
    data = _form_data("Utkast", [("initiative_priority", {"initiative": plan.initiative.pk})])
    data.update({"handling": "legg-til", "ny-endring": "goal_text"})
    html = client.post(url, data).content.decode()
    assert "Endring 2: Endre teksten i et strategisk mål" in html
    assert f'<option value="{plan.initiative.pk}" selected>' in html

    # Removing the first row leaves the second, now numbered 1.
    data = _form_data(
        "Utkast",
        [
            ("initiative_priority", {"initiative": plan.initiative.pk}),
            ("goal_text", {"goal": plan.subgoal.goal.pk}),
        ],
    )
    data["fjern"] = "0"
    html = client.post(url, data).content.decode()
    assert "Endre prioritet for et initiativ</legend>" not in html
    assert "Endring 1: Endre teksten i et strategisk mål" in html
    assert 'name="endring-1-type" value="goal_text"' in html
    assert not Decision.objects.exists()


def test_a_goal_change_entered_twice_in_the_same_decision_is_refused(
    nuit: Body, plan: Plan, secretary: Any
) -> None:
    """The fixed goal field and a row may not both change the same title."""
    goal: Goal = plan.subgoal.goal
    case = _held_case(nuit)
    data = _form_data("Vedtak", [("goal_text", {"goal": goal.pk, "title": "B"})])
    data.update({"goal": goal.pk, "goal_title": "A"})
    response = _client(secretary).post(reverse("council:decision_create", args=[case.pk]), data)
    assert response.status_code == 200 and "mer enn én gang" in response.content.decode()
    assert not Decision.objects.exists()


def test_the_api_shows_an_initiatives_priority(nuit: Body, plan: Plan) -> None:
    Initiative.objects.filter(pk=plan.initiative.pk).update(priority=2)
    response = Client().get(f"/api/v1/initiatives/{plan.initiative.external_id}")
    assert response.status_code == 200
    assert response.json()["priority"] == 2


def test_the_preselected_indicator_and_year_alone_change_nothing(
    nuit: Body, plan: Plan, secretary: Any
) -> None:
    """A browser always sends the preselected indicator and year; without a value they are no
    change, and the decision is recorded without one."""
    case = _held_case(nuit)
    response = _client(secretary).post(
        reverse("council:decision_create", args=[case.pk]),
        {
            "text": "Tatt til orientering.",
            "target_indicator": plan.indicator.pk,
            "target_period": "2030",
        },
    )
    assert response.status_code == 302
    assert Decision.objects.filter(case=case).exists()
    assert not PlanChange.objects.exists()
