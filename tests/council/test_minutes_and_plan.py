"""Approving the minutes carries the decided plan changes into the plan, once and all together."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from retning.council import services
from retning.council.models import Body, Case, Meeting, PlanChange, PlanVersion
from retning.council.selectors import plan_version_diff
from retning.council.services import PlanChangeRequest
from retning.indicators.models import Target

from .conftest import Plan, held_meeting_with_cases, meeting_on, propose

pytestmark = pytest.mark.django_db


def _change(target: object, field_name: str, value: object) -> PlanChangeRequest:
    return PlanChangeRequest(kind="change", target=target, field_name=field_name, new_value=value)  # type: ignore[arg-type]


def _a_target(plan: Plan) -> Target:
    target = plan.indicator.targets.order_by("period").first()
    assert target is not None
    return target


def test_approving_the_minutes_applies_the_changes_with_the_decision_as_reason(
    nuit: Body, plan: Plan, secretary: object
) -> None:
    target = _a_target(plan)
    new_value = target.value + Decimal("5")
    meeting, [case] = held_meeting_with_cases(nuit, "Ny målverdi")
    services.decision_record(
        case=case, text="NUIT anbefaler ny målverdi.", changes=[_change(target, "value", new_value)]
    )

    version = services.minutes_approve(meeting=meeting, user=secretary)

    stored = Target.objects.get(pk=target.pk)
    assert stored.value == new_value and stored.version == target.version + 1
    record = stored.history.first()  # type: ignore[attr-defined]
    assert record.history_change_reason == "Vedtak Sak 1/26 i NUIT"
    assert record.history_user == secretary
    assert version is not None and version.label == "Plan for realisering 2026.1"
    assert version.kind == PlanVersion.Kind.COUNCIL_DECISION and version.meeting == meeting
    assert list(version.decisions.all()) == [case.decision]
    assert Case.objects.get(pk=case.pk).status == Case.Status.DECIDED


def test_conflicting_changes_are_refused_before_anything_is_applied(nuit: Body, plan: Plan) -> None:
    target, initiative = _a_target(plan), plan.initiative
    meeting, [first, second] = held_meeting_with_cases(nuit, "Første", "Andre")
    services.decision_record(
        case=first,
        text="Vedtak 1",
        changes=[_change(initiative, "title", "Nytt navn"), _change(target, "value", "10")],
    )
    services.decision_record(case=second, text="Vedtak 2", changes=[_change(target, "value", 20)])

    with pytest.raises(ValidationError) as error:
        services.minutes_approve(meeting=meeting)

    [heading, conflict] = error.value.messages
    assert "motstridende" in heading
    assert "Sak 1/26" in conflict and "Sak 2/26" in conflict and "«value»" in conflict
    assert Target.objects.get(pk=target.pk).value == target.value
    assert plan.initiative.__class__.objects.get(pk=initiative.pk).title == initiative.title
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.HELD
    assert not PlanVersion.objects.filter(meeting=meeting).exists()


def test_two_decisions_setting_the_same_value_do_not_conflict(nuit: Body, plan: Plan) -> None:
    target = _a_target(plan)
    meeting, [first, second] = held_meeting_with_cases(nuit, "Første", "Andre")
    services.decision_record(case=first, text="V1", changes=[_change(target, "value", "12.5")])
    services.decision_record(case=second, text="V2", changes=[_change(target, "value", 12.5)])
    services.minutes_approve(meeting=meeting)
    assert Target.objects.get(pk=target.pk).value == Decimal("12.5")


def test_a_change_that_fails_leaves_nothing_applied(nuit: Body, plan: Plan) -> None:
    target, initiative = _a_target(plan), plan.initiative
    meeting, [first, second] = held_meeting_with_cases(nuit, "Gyldig", "Ugyldig")
    services.decision_record(case=first, text="V1", changes=[_change(target, "value", 1)])
    # An end date before the start date passes as a date but fails the initiative's own rules.
    services.decision_record(
        case=second,
        text="V2",
        changes=[_change(initiative, "end_date", datetime.date(1999, 1, 1).isoformat())],
    )

    with pytest.raises(ValidationError, match="Sak 2/26.*kan ikke innføres"):
        services.minutes_approve(meeting=meeting)

    assert Target.objects.get(pk=target.pk).value == target.value
    assert Target.objects.get(pk=target.pk).version == target.version
    assert initiative.__class__.objects.get(pk=initiative.pk).end_date == initiative.end_date
    assert not PlanChange.objects.filter(decision__meeting=meeting, applied_in__isnull=False)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.HELD


def test_a_decision_with_an_unknown_field_is_refused_when_recorded(nuit: Body, plan: Plan) -> None:
    meeting, [case] = held_meeting_with_cases(nuit, "Sak")
    with pytest.raises(ValidationError, match="har ikke feltet «finnes_ikke»"):
        services.decision_record(
            case=case, text="V", changes=[_change(plan.initiative, "finnes_ikke", 1)]
        )
    assert Case.objects.get(pk=case.pk).status == Case.Status.SCHEDULED


def test_decisions_wait_until_the_meeting_is_held(nuit: Body) -> None:
    meeting = meeting_on(nuit, datetime.date(2026, 9, 10))
    case = services.case_schedule(case=propose(nuit), meeting=meeting)
    services.meeting_convene(meeting=meeting)
    with pytest.raises(ValidationError, match="når NUIT Møte 1/2026 er avholdt"):
        services.decision_record(case=case, text="For tidlig")


def test_approving_twice_is_refused_and_applies_nothing_twice(nuit: Body, plan: Plan) -> None:
    target = _a_target(plan)
    meeting, [case] = held_meeting_with_cases(nuit, "Ny målverdi")
    services.decision_record(case=case, text="V", changes=[_change(target, "value", 42)])
    services.minutes_approve(meeting=meeting)
    history_count = Target.objects.get(pk=target.pk).history.count()  # type: ignore[attr-defined]

    with pytest.raises(ValidationError, match="allerede referat godkjent"):
        services.minutes_approve(meeting=meeting)

    stored = Target.objects.get(pk=target.pk)
    assert stored.history.count() == history_count  # type: ignore[attr-defined]
    assert PlanVersion.objects.filter(meeting=meeting).count() == 1


def test_a_decision_can_add_and_retire_targets(nuit: Body, plan: Plan) -> None:
    old_target = _a_target(plan)
    meeting, [case] = held_meeting_with_cases(nuit, "Nye mål")
    services.decision_record(
        case=case,
        text="V",
        changes=[
            PlanChangeRequest(
                kind="add",
                model=Target,
                new_value={"indicator": plan.indicator.pk, "period": "2029", "value": "7.5"},
            ),
            PlanChangeRequest(kind="retire", target=old_target),
        ],
    )
    services.minutes_approve(meeting=meeting)
    assert not Target.objects.filter(pk=old_target.pk).exists()
    added = Target.objects.get(indicator=plan.indicator, period="2029")
    assert added.value == Decimal("7.5")
    assert added.history.get().history_change_reason == "Vedtak Sak 1/26 i NUIT"  # type: ignore[attr-defined]
    add = PlanChange.objects.get(decision__case=case, kind="add")
    assert add.object_id == added.pk


def test_the_diff_lists_each_change_with_its_decision_case_and_meeting(
    nuit: Body, plan: Plan
) -> None:
    target, initiative = _a_target(plan), plan.initiative
    meeting_a, [case_a] = held_meeting_with_cases(nuit, "Første møte")
    services.decision_record(case=case_a, text="A", changes=[_change(target, "value", 11)])
    version_a = services.minutes_approve(meeting=meeting_a)

    meeting_b = meeting_on(nuit, datetime.date(2026, 11, 5))
    case_b = services.case_schedule(case=propose(nuit, "Andre møte"), meeting=meeting_b)
    services.meeting_convene(meeting=meeting_b)
    services.meeting_hold(meeting=meeting_b)
    services.decision_record(
        case=case_b,
        text="B",
        changes=[_change(target, "value", 12), _change(initiative, "title", "Nytt navn")],
    )
    version_b = services.minutes_approve(meeting=meeting_b)
    assert version_a is not None and version_b is not None
    assert version_b.label == "Plan for realisering 2026.2"

    between = plan_version_diff(version_a, version_b)
    assert [(e.model_name, e.field_name, e.old_value, e.new_value) for e in between] == [
        ("target", "value", "11.000000", 12),
        ("initiative", "title", initiative.title, "Nytt navn"),
    ]
    assert {(e.case, e.meeting, e.decision) for e in between} == {
        (case_b, meeting_b, case_b.decision)
    }
    everything = plan_version_diff(None, version_b)
    assert [e.new_value for e in everything] == [11, 12, "Nytt navn"]
    assert everything[0].old_value == str(target.value)
    with pytest.raises(ValueError):
        plan_version_diff(version_b, version_a)


def test_an_already_inconsistent_record_can_still_get_an_unrelated_change(
    nuit: Body, plan: Plan
) -> None:
    initiative = plan.initiative
    # As some imported rows are: the export's end date lies before its start date.
    type(initiative).objects.filter(pk=initiative.pk).update(end_date=datetime.date(2000, 1, 1))
    initiative.refresh_from_db()
    meeting, [case] = held_meeting_with_cases(nuit, "Nytt navn")
    services.decision_record(case=case, text="V", changes=[_change(initiative, "title", "Ny")])
    services.minutes_approve(meeting=meeting)
    assert type(initiative).objects.get(pk=initiative.pk).title == "Ny"


def test_retiring_a_target_that_another_decision_changes_is_a_conflict(
    nuit: Body, plan: Plan
) -> None:
    target = _a_target(plan)
    meeting, [first, second] = held_meeting_with_cases(nuit, "Endre", "Fjern")
    services.decision_record(case=first, text="V1", changes=[_change(target, "value", 3)])
    services.decision_record(
        case=second, text="V2", changes=[PlanChangeRequest(kind="retire", target=target)]
    )
    with pytest.raises(ValidationError, match="endrer det samme objektet"):
        services.minutes_approve(meeting=meeting)
    assert Target.objects.filter(pk=target.pk, value=target.value).exists()


def test_two_decisions_retiring_the_same_target_delete_it_once(nuit: Body, plan: Plan) -> None:
    target = _a_target(plan)
    meeting, cases = held_meeting_with_cases(nuit, "Fjern", "Fjern igjen")
    for case in cases:
        services.decision_record(
            case=case, text="V", changes=[PlanChangeRequest(kind="retire", target=target)]
        )
    version = services.minutes_approve(meeting=meeting)
    assert not Target.objects.filter(pk=target.pk).exists()
    assert version is not None and version.changes.count() == 2
