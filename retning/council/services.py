"""Everything that changes the council model's records goes through these functions.

Each one checks the workflow first and writes inside one transaction, so a refused step leaves
nothing half done. Errors meant for the user are ``ValidationError`` with a Norwegian message.
"""

import datetime
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import formats, timezone
from django.utils.text import Truncator

from retning.actors.models import Organisation
from retning.editing.services import (
    RecordGone,
    versioned_create,
    versioned_delete,
    versioned_save,
)
from retning.indicators.models import Indicator, Target
from retning.roadmap.models import Initiative
from retning.strategy.models import Goal, SubGoal

from . import workflow
from .defaults import DEFAULT_BODIES
from .models import (
    STANDARD_ITEMS,
    AgendaItem,
    Body,
    Case,
    Decision,
    EvidenceSnapshot,
    Meeting,
    NumberCounter,
    PlanChange,
    PlanVersion,
)

# The parts of the plan a council decision may change.
PLAN_MODELS: tuple[type[models.Model], ...] = (Goal, SubGoal, Indicator, Target, Initiative)


def body_create_defaults() -> list[Body]:
    """The three bodies of the council model; existing ones are left as they are."""
    bodies = []
    for defaults in DEFAULT_BODIES:
        body, _created = Body.objects.get_or_create(
            short_name=defaults["short_name"],
            defaults={key: value for key, value in defaults.items() if key != "short_name"},
        )
        bodies.append(body)
    return bodies


def _next_number(*, body: Body, year: int, kind: str) -> int:
    # The counter row is locked until the caller's transaction ends, so two secretaries
    # numbering at once get consecutive numbers, never the same one.
    NumberCounter.objects.get_or_create(body=body, year=year, kind=kind)
    counter = NumberCounter.objects.select_for_update().get(body=body, year=year, kind=kind)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _locked[M: models.Model](instance: M) -> M:
    model = type(instance)
    return model._default_manager.select_for_update().order_by().get(pk=instance.pk)  # type: ignore[return-value]


def _transition_meeting(meeting: Meeting, target: str) -> None:
    try:
        workflow.check_meeting_transition(meeting.status, target)
    except workflow.TransitionError as error:
        raise ValidationError(f"{meeting}: {error}", code="invalid_transition") from error


def _transition_case(case: Case, target: str) -> None:
    try:
        workflow.check_case_transition(case.status, target)
    except workflow.TransitionError as error:
        raise ValidationError(f"«{case.title}»: {error}", code="invalid_transition") from error


@transaction.atomic
def meeting_create(
    *,
    body: Body,
    date: datetime.date,
    place: str = "",
    video_link: str = "",
    user: Any = None,
) -> Meeting:
    """A planned meeting, numbered within its body and year, with the standard agenda items."""
    meeting = Meeting(body=body, date=date, place=place, video_link=video_link)
    meeting.year = date.year
    meeting.number = _next_number(body=body, year=date.year, kind=NumberCounter.Kind.MEETING)
    meeting.full_clean()
    versioned_create(meeting, user=user, reason="Møte opprettet")
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, kind=kind, title=str(kind.label), order=order)
        for kind, order in STANDARD_ITEMS
    )
    return meeting


@transaction.atomic
def case_propose(
    *,
    body: Body,
    title: str,
    case_type: str,
    proposed_by: Any = None,
    organisation: Organisation | None = None,
    background: str = "",
    requested_action: str = "",
    proposed_resolution: str = "",
    assessment: str = "",
    is_exempt: bool = False,
    exemption_basis: str = "",
    goals: Iterable[Goal] = (),
    subgoals: Iterable[SubGoal] = (),
    indicators: Iterable[Indicator] = (),
    initiatives: Iterable[Initiative] = (),
) -> Case:
    case = Case(
        body=body,
        title=title,
        case_type=case_type,
        proposed_by=proposed_by,
        proposing_organisation=organisation,
        background=background,
        requested_action=requested_action,
        proposed_resolution=proposed_resolution,
        assessment=assessment,
        is_exempt=is_exempt,
        exemption_basis=exemption_basis.strip(),
    )
    case.full_clean()
    versioned_create(case, user=proposed_by, reason="Sak foreslått")
    case.goals.set(goals)
    case.subgoals.set(subgoals)
    case.indicators.set(indicators)
    case.initiatives.set(initiatives)
    return case


@transaction.atomic
def case_schedule(*, case: Case, meeting: Meeting, user: Any = None) -> Case:
    """Put the case on the meeting's agenda; it gets its number the first time it is scheduled."""
    case = _locked(case)
    meeting = _locked(meeting)
    if case.body_id != meeting.body_id:
        raise ValidationError(
            f"Saken «{case.title}» er meldt inn til {case.body}, ikke til {meeting.body}.",
            code="wrong_body",
        )
    if meeting.status != workflow.MeetingStatus.PLANNED:
        raise ValidationError(
            f"Innkallingen til {meeting} er allerede sendt; saker kan bare settes på "
            "sakslisten til planlagte møter.",
            code="meeting_not_planned",
        )
    _transition_case(case, workflow.CaseStatus.SCHEDULED)
    if case.number is None:
        case.year = meeting.year
        case.number = _next_number(body=case.body, year=meeting.year, kind=NumberCounter.Kind.CASE)
    case.meeting = meeting
    case.status = workflow.CaseStatus.SCHEDULED
    return versioned_save(
        case,
        expected_version=case.version,
        user=user,
        reason=f"{case.label} satt på sakslisten til {meeting}",
    )


@transaction.atomic
def case_withdraw(*, case: Case, user: Any = None) -> Case:
    """Withdraw the case. Its number stays with it and is not given to another case."""
    case = _locked(case)
    _transition_case(case, workflow.CaseStatus.WITHDRAWN)
    if case.meeting and case.meeting.status not in {
        workflow.MeetingStatus.PLANNED,
        workflow.MeetingStatus.CONVENED,
    }:
        raise ValidationError(
            f"{case.label} kan ikke trekkes etter at {case.meeting} er avholdt.",
            code="meeting_held",
        )
    case.status = workflow.CaseStatus.WITHDRAWN
    return versioned_save(case, expected_version=case.version, user=user, reason="Sak trukket")


def _indicator_evidence(indicator: Indicator) -> dict[str, Any]:
    latest = (
        indicator.observations.filter(breakdown_dimension="")
        .order_by("-period_start")
        .values("period", "value", "status")
        .first()
    )
    return {
        "id": indicator.pk,
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.unit_label or indicator.unit,
        "decimals": indicator.decimals,
        "baseline": {
            "period": indicator.baseline_period,
            "value": indicator.baseline_value,
            "is_example": indicator.baseline_is_example,
        },
        "latest": latest,
        "targets": list(
            indicator.targets.order_by("period").values("period", "value", "is_example")
        ),
    }


def _initiative_evidence(initiative: Initiative) -> dict[str, Any]:
    return {
        "id": initiative.pk,
        "external_id": initiative.external_id,
        "title": initiative.title,
        "phase_first": initiative.phase_first,
        "phase_last": initiative.phase_last,
        "planning_status": initiative.planning_status,
        "start_date": initiative.start_date,
        "end_date": initiative.end_date,
    }


def case_evidence(case: Case) -> dict[str, Any]:
    """The current state of everything the case links to, as plain JSON-ready data."""
    data = {
        "goals": [
            {"id": goal.pk, "number": goal.number, "title": goal.title}
            for goal in case.goals.order_by("number")
        ],
        "subgoals": [
            {"id": subgoal.pk, "code": subgoal.code, "title": subgoal.title}
            for subgoal in case.subgoals.order_by("code")
        ],
        "indicators": [_indicator_evidence(i) for i in case.indicators.order_by("code")],
        "initiatives": [_initiative_evidence(i) for i in case.initiatives.order_by("external_id")],
    }
    # A round trip through the encoder stores decimals and dates exactly as they will be read back.
    return _to_json(data)


@transaction.atomic
def meeting_convene(*, meeting: Meeting, user: Any = None) -> Meeting:
    """Send the notice: freeze the evidence for every case on the agenda, then mark it convened."""
    meeting = _locked(meeting)
    _transition_meeting(meeting, workflow.MeetingStatus.CONVENED)
    now = timezone.now()
    for case in meeting.cases.filter(status=workflow.CaseStatus.SCHEDULED):
        EvidenceSnapshot.objects.create(
            case=case, meeting=meeting, taken_at=now, data=case_evidence(case)
        )
    meeting.status = workflow.MeetingStatus.CONVENED
    meeting.convened_at = now
    return versioned_save(
        meeting, expected_version=meeting.version, user=user, reason="Innkalling sendt"
    )


@transaction.atomic
def meeting_hold(*, meeting: Meeting, user: Any = None) -> Meeting:
    meeting = _locked(meeting)
    _transition_meeting(meeting, workflow.MeetingStatus.HELD)
    meeting.status = workflow.MeetingStatus.HELD
    return versioned_save(
        meeting, expected_version=meeting.version, user=user, reason="Møtet holdt"
    )


@transaction.atomic
def meeting_minutes_write(
    *, meeting: Meeting, text: str, expected_version: int, user: Any = None
) -> Meeting:
    """Save the draft minutes; approved minutes are locked."""
    if Meeting.objects.filter(
        pk=meeting.pk, status=workflow.MeetingStatus.MINUTES_APPROVED
    ).exists():
        raise ValidationError(
            f"Referatet fra {meeting} er godkjent og kan ikke endres.", code="minutes_locked"
        )
    meeting.minutes = text
    return versioned_save(
        meeting, expected_version=expected_version, user=user, reason="Referat skrevet"
    )


@dataclass(frozen=True)
class PlanChangeRequest:
    """A plan change as a decision states it.

    ``change``: set ``field_name`` of ``target`` to ``new_value``. ``add``: create a ``model``
    record from the ``new_value`` mapping of field names to values. ``retire``: delete ``target``.
    """

    kind: str
    target: models.Model | None = None
    model: type[models.Model] | None = None
    field_name: str = ""
    new_value: Any = None


def _plan_field(model: type[models.Model], name: str) -> "models.Field[Any, Any]":
    label = model._meta.verbose_name
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist as error:
        raise ValidationError(f"{label} har ikke feltet «{name}».", code="no_field") from error
    if (
        not isinstance(model_field, models.Field)
        or model_field.many_to_many
        or model_field.primary_key
        or not model_field.editable
        or name == "version"
    ):
        raise ValidationError(
            f"Feltet «{name}» på {label} kan ikke endres ved vedtak.", code="field_not_editable"
        )
    return model_field


def _to_json(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _field_value(model_field: "models.Field[Any, Any]", value: Any) -> Any:
    """The stored form of a value given in a decision (JSON), e.g. "12.50" → Decimal."""
    try:
        return model_field.to_python(value)
    except ValidationError as error:
        raise ValidationError(
            f"Verdien {value!r} passer ikke i feltet «{model_field.verbose_name}»: "
            f"{' '.join(error.messages)}",
            code="bad_value",
        ) from error


def _record_values(instance: models.Model) -> dict[str, Any]:
    return _to_json(
        {
            f.name: getattr(instance, f.attname)
            for f in instance._meta.concrete_fields
            if f.editable and not f.primary_key and f.name != "version"
        }
    )


def _plan_change(decision: Decision, order: int, request: PlanChangeRequest) -> PlanChange:
    kind = PlanChange.Kind(request.kind)
    model = type(request.target) if request.target is not None else request.model
    if model not in PLAN_MODELS:
        raise ValidationError(
            "Et vedtak kan bare endre mål, delmål, målindikatorer, målverdier og initiativer.",
            code="not_a_plan_model",
        )
    change = PlanChange(
        decision=decision,
        kind=kind,
        content_type=ContentType.objects.get_for_model(model),
        order=order,
    )
    if kind == PlanChange.Kind.ADD:
        if not isinstance(request.new_value, Mapping):
            raise ValidationError("Et nytt objekt trenger verdier for feltene sine.", code="add")
        for name, value in request.new_value.items():
            _field_value(_plan_field(model, name), value)
        change.new_value = _to_json(dict(request.new_value))
        return change
    if request.target is None or request.target.pk is None:
        raise ValidationError("Endringen mangler objektet den gjelder.", code="no_target")
    change.object_id = request.target.pk
    if kind == PlanChange.Kind.RETIRE:
        change.old_value = _record_values(request.target)
        return change
    model_field = _plan_field(model, request.field_name)
    _field_value(model_field, request.new_value)
    change.field_name = request.field_name
    change.old_value = _to_json(getattr(request.target, model_field.attname))
    change.new_value = _to_json(request.new_value)
    return change


# Fields that tell two new records of the same kind apart (the unique ones of each plan model).
_NEW_RECORD_KEYS = ("strategy", "indicator", "period", "code", "external_id")


def _clashes_within(changes: Sequence[PlanChangeRequest]) -> list[str]:
    """Messages for changes in one decision that touch the same thing twice.

    Across decisions that is checked when the minutes are approved; within one decision it is
    always a slip, so it is refused before anything is recorded.
    """
    whole = "*"
    touched: dict[tuple[Any, ...], list[str]] = {}
    messages: list[str] = []
    for request in changes:
        if request.kind == PlanChange.Kind.ADD:
            if request.model is None or not isinstance(request.new_value, Mapping):
                continue
            identity = tuple(str(request.new_value.get(key, "")) for key in _NEW_RECORD_KEYS)
            key: tuple[Any, ...] = (request.model, "ny", identity)
            label = f"ny {request.model._meta.verbose_name}"
            field = whole
        else:
            if request.target is None:
                continue
            model = type(request.target)
            key = (model, request.target.pk)
            label = f"{model._meta.verbose_name} «{request.target}»"
            field = whole if request.kind == PlanChange.Kind.RETIRE else request.field_name
        fields = touched.setdefault(key, [])
        if fields and (field in fields or whole in (field, *fields)):
            messages.append(
                f"Vedtaket endrer {label} mer enn én gang. Slå endringene sammen til én, "
                "eller ta bort den ene."
            )
        fields.append(field)
    return list(dict.fromkeys(messages))


@transaction.atomic
def decision_record(
    *,
    case: Case,
    text: str,
    changes: Sequence[PlanChangeRequest] = (),
    user: Any = None,
) -> Decision:
    """Record what the body decided in the case. Plan changes wait for the approved minutes."""
    case = _locked(case)
    meeting = case.meeting
    if meeting is None or case.status != workflow.CaseStatus.SCHEDULED:
        raise ValidationError(
            f"«{case.title}» står ikke på sakslisten til noe møte og kan ikke få vedtak.",
            code="not_scheduled",
        )
    if meeting.status != workflow.MeetingStatus.HELD:
        raise ValidationError(
            f"Vedtak i {case.label} kan registreres når {meeting} er avholdt og før "
            "referatet er godkjent.",
            code="meeting_not_held",
        )
    if not text.strip():
        raise ValidationError(f"Skriv vedtaksteksten for {case.label}.", code="no_text")
    clashes = _clashes_within(changes)
    if clashes:
        raise ValidationError(clashes, code="clash")
    decision = Decision.objects.create(case=case, meeting=meeting, text=text, recorded_by=user)
    PlanChange.objects.bulk_create(
        _plan_change(decision, order, request) for order, request in enumerate(changes)
    )
    _transition_case(case, workflow.CaseStatus.DECIDED)
    case.status = workflow.CaseStatus.DECIDED
    versioned_save(case, expected_version=case.version, user=user, reason="Vedtak registrert")
    return decision


def _change_label(change: PlanChange) -> str:
    model = change.content_type.model_class()
    name = model._meta.verbose_name if model else change.content_type.model
    return f"{change.decision.case.label} ({name} {change.object_id or 'ny'})"


def _conflict_key(change: PlanChange) -> workflow.ProposedChange:
    model = change.content_type.model_class()
    assert model is not None
    if change.kind == PlanChange.Kind.CHANGE:
        value = _field_value(_plan_field(model, change.field_name), change.new_value)
        field_name = change.field_name
    else:
        # Retiring an object clashes with any other change to it; adds cannot clash.
        value, field_name = change.kind, workflow.WHOLE_OBJECT
    target = (change.content_type_id, change.object_id or f"ny-{change.pk}")
    return workflow.ProposedChange(target, field_name, value, _change_label(change))


def _errors(instance: models.Model) -> dict[str, list[str]]:
    try:
        instance.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


def _apply(
    change: PlanChange, *, user: Any, reason: str, together: Sequence[PlanChange] = ()
) -> None:
    """Carry out one change. ``together`` are further field changes of the same object in the
    same decision, saved with it: a phase range moved forward must change both ends at once."""
    model = change.content_type.model_class()
    assert model is not None
    try:
        if change.kind == PlanChange.Kind.ADD:
            instance = model(
                **{
                    _plan_field(model, name).attname: _field_value(_plan_field(model, name), v)
                    for name, v in (change.new_value or {}).items()
                }
            )
            instance.full_clean()
            versioned_create(instance, user=user, reason=reason)  # type: ignore[type-var]
            change.object_id = instance.pk
            return
        instance = model._default_manager.get(pk=change.object_id)
        if change.kind == PlanChange.Kind.RETIRE:
            change.old_value = _record_values(instance)
            versioned_delete(instance, expected_version=instance.version, user=user, reason=reason)  # type: ignore[attr-defined,type-var]
            return
        errors_before = _errors(instance)
        for each in (change, *together):
            model_field = _plan_field(model, each.field_name)
            # The value replaced is the one in the database now, which may differ from what the
            # decision saw if someone edited the record since.
            each.old_value = _to_json(getattr(instance, model_field.attname))
            setattr(instance, model_field.attname, _field_value(model_field, each.new_value))
        # Imported records are sometimes already inconsistent (see Initiative.import_warnings);
        # only problems this change introduces should stop it.
        introduced = {
            name: messages
            for name, messages in _errors(instance).items()
            if errors_before.get(name) != messages
        }
        if introduced:
            raise ValidationError(introduced)
        versioned_save(instance, expected_version=instance.version, user=user, reason=reason)  # type: ignore[attr-defined,type-var]
    except (ObjectDoesNotExist, RecordGone) as error:
        raise ValidationError(
            f"{_change_label(change)}: objektet finnes ikke lenger.", code="gone"
        ) from error
    except (ProtectedError, RestrictedError) as error:
        raise ValidationError(
            f"{_change_label(change)} kan ikke innføres: objektet kan ikke fjernes så lenge "
            "andre data viser til det (for eksempel initiativer eller indikatorer under et "
            "delmål). Flytt dem først, eller vedta endringen på nytt.",
            code="protected",
        ) from error
    except ValidationError as error:
        raise ValidationError(
            f"{_change_label(change)} kan ikke innføres: {' '.join(error.messages)}",
            code="invalid_change",
        ) from error


def _plan_version_label(year: int) -> str:
    prefix = workflow.plan_version_label(year, 0)[:-1]
    taken = PlanVersion.objects.filter(label__startswith=prefix).count()
    return workflow.plan_version_label(year, taken + 1)


@transaction.atomic
def minutes_approve(
    *, meeting: Meeting, minutes: str | None = None, user: Any = None
) -> PlanVersion | None:
    """Approve the minutes, lock them, and carry out every plan change the meeting decided.

    All changes are checked for conflicts before any is applied, and all are applied in one
    transaction: either the whole meeting's decisions enter the plan, or none do. Returns the
    new plan version, or None if the decisions changed nothing in the plan.
    """
    meeting = _locked(meeting)
    _transition_meeting(meeting, workflow.MeetingStatus.MINUTES_APPROVED)
    changes = list(
        PlanChange.objects.filter(decision__meeting=meeting, applied_in__isnull=True)
        .select_related("decision__case__body", "content_type")
        .order_by("decision__case__number", "order", "pk")
    )
    conflicts = workflow.find_conflicts(_conflict_key(change) for change in changes)
    if conflicts:
        raise ValidationError(
            [f"Referatet fra {meeting} kan ikke godkjennes fordi vedtakene er motstridende:"]
            + conflicts,
            code="conflict",
        )
    version = None
    if changes:
        version = PlanVersion.objects.create(
            label=_plan_version_label(meeting.year),
            kind=PlanVersion.Kind.COUNCIL_DECISION,
            meeting=meeting,
        )
        retired: set[tuple[int, int | None]] = set()
        # Field changes a decision makes to one object are saved together (see _apply).
        same_object: dict[tuple[int, int | None, int], list[PlanChange]] = {}
        for change in changes:
            if change.kind == PlanChange.Kind.CHANGE:
                key3 = (change.content_type_id, change.object_id, change.decision_id)
                same_object.setdefault(key3, []).append(change)
        done: set[int] = set()
        for change in changes:
            case = change.decision.case
            key = (change.content_type_id, change.object_id)
            reason = f"Vedtak {case.label} i {case.body.short_name}"
            if change.kind == PlanChange.Kind.CHANGE:
                if change.pk not in done:
                    group = same_object[(*key, change.decision_id)]
                    _apply(group[0], user=user, reason=reason, together=group[1:])
                    done.update(c.pk for c in group)
            # Two decisions may both retire the same object; it can only be deleted once.
            elif change.kind != PlanChange.Kind.RETIRE or key not in retired:
                _apply(change, user=user, reason=reason)
            if change.kind == PlanChange.Kind.RETIRE:
                retired.add(key)
            change.applied_in = version
            change.save(update_fields=["applied_in", "object_id", "old_value"])
        version.decisions.set({change.decision for change in changes})
    if minutes is not None:
        meeting.minutes = minutes
    meeting.status = workflow.MeetingStatus.MINUTES_APPROVED
    meeting.minutes_approved_at = timezone.now()
    versioned_save(meeting, expected_version=meeting.version, user=user, reason="Referat godkjent")
    return version


# --- Triage, minutes details and follow-up ----------------------------------------------------

CASE_PAPER_FIELDS = (
    "title",
    "case_type",
    "background",
    "requested_action",
    "assessment",
    "proposed_resolution",
    "is_exempt",
    "exemption_basis",
)


@transaction.atomic
def case_update(
    *, case: Case, values: Mapping[str, Any], expected_version: int, user: Any = None
) -> Case:
    """The secretariat's triage and case paper (saksframlegg): type, exemption and texts.

    Once the notice is sent the papers are what the members received and cannot change.
    """
    case = _locked(case)
    if case.meeting and case.meeting.status != workflow.MeetingStatus.PLANNED:
        raise ValidationError(
            f"Innkallingen til {case.meeting} er sendt; saksframlegget til {case.label} kan "
            "ikke endres lenger.",
            code="papers_sent",
        )
    if case.status in {workflow.CaseStatus.WITHDRAWN, workflow.CaseStatus.DECIDED}:
        raise ValidationError(f"«{case.title}» er avsluttet og kan ikke endres.", code="closed")
    for name in CASE_PAPER_FIELDS:
        if name in values:
            setattr(case, name, values[name])
    case.exemption_basis = (case.exemption_basis or "").strip()
    if not case.is_exempt:
        case.exemption_basis = ""
    case.full_clean()
    return versioned_save(
        case, expected_version=expected_version, user=user, reason="Saksframlegg oppdatert"
    )


@transaction.atomic
def attendance_set(*, meeting: Meeting, memberships: Iterable[Any]) -> None:
    from .models import Attendance

    meeting = _locked(meeting)
    if meeting.minutes_locked:
        raise ValidationError(
            f"Referatet fra {meeting} er godkjent og kan ikke endres.", code="minutes_locked"
        )
    chosen = list(memberships)
    if any(m.body_id != meeting.body_id for m in chosen):
        raise ValidationError("Bare medlemmer av utvalget kan føres som deltakere.", code="body")
    Attendance.objects.filter(meeting=meeting).delete()
    Attendance.objects.bulk_create(Attendance(meeting=meeting, membership=m) for m in chosen)


@transaction.atomic
def follow_up_create(
    *,
    decision: Decision,
    description: str,
    owner_organisation: Organisation | None = None,
    owner_person: str = "",
    due_date: datetime.date | None = None,
    user: Any = None,
) -> Any:
    from .models import FollowUpAction

    if Meeting.objects.filter(
        pk=decision.meeting_id, status=workflow.MeetingStatus.MINUTES_APPROVED
    ).exists():
        raise ValidationError(
            f"Referatet fra {decision.meeting} er godkjent; nye oppfølgingspunkter kan ikke "
            "legges til.",
            code="minutes_locked",
        )
    action = FollowUpAction(
        decision=decision,
        description=description.strip(),
        owner_organisation=owner_organisation,
        owner_person=owner_person.strip(),
        due_date=due_date,
    )
    action.full_clean()
    return versioned_create(action, user=user, reason="Oppfølgingspunkt registrert")


@transaction.atomic
def follow_up_set_status(
    *, action: Any, done: bool, expected_version: int, user: Any = None
) -> Any:
    from .models import FollowUpAction

    action = _locked(action)
    action.status = FollowUpAction.Status.DONE if done else FollowUpAction.Status.OPEN
    action.done_at = timezone.now() if done else None
    return versioned_save(
        action,
        expected_version=expected_version,
        user=user,
        reason="Oppfølgingspunkt utført" if done else "Oppfølgingspunkt åpnet igjen",
    )


def plan_version_for_roadmap_import(roadmap_version: Any, user: Any = None) -> PlanVersion:
    """The plan version a roadmap import makes, labelled with the export's own version.

    Importing the same export again gives back the version it made the first time.
    """
    existing = PlanVersion.objects.filter(roadmap_version=roadmap_version).first()
    if existing is not None:
        return existing
    label = f"Veikart {roadmap_version.label}"
    if PlanVersion.objects.filter(label=label).exists():
        label = f"{label} ({roadmap_version.pk})"
    return PlanVersion.objects.create(
        label=label, kind=PlanVersion.Kind.ROADMAP_IMPORT, roadmap_version=roadmap_version
    )


def plan_conflicts(meeting: Meeting) -> list[str]:
    """The conflicts approving ``meeting``'s minutes would meet, to show before anyone tries."""
    changes = list(
        PlanChange.objects.filter(decision__meeting=meeting, applied_in__isnull=True)
        .select_related("decision__case__body", "content_type")
        .order_by("decision__case__number", "order", "pk")
    )
    try:
        return workflow.find_conflicts(_conflict_key(change) for change in changes)
    except ValidationError as error:
        return list(error.messages)


def plan_object_label(change: PlanChange) -> str:
    """How a reader knows the object a change is about, also after it has been retired."""
    model = change.content_type.model_class()
    instance = None
    if model is not None and change.object_id is not None:
        instance = model._default_manager.filter(pk=change.object_id).first()
    if isinstance(instance, Target):
        return f"{instance.indicator.code}: {instance.indicator.name} ({instance.period})"
    if instance is not None:
        return str(instance)
    values = change.old_value if isinstance(change.old_value, dict) else change.new_value
    if isinstance(values, dict):
        if model is Target and values.get("indicator"):
            indicator = Indicator.objects.filter(pk=values["indicator"]).first()
            name = f"{indicator.code}: {indicator.name}" if indicator else values["indicator"]
            return f"{name} ({values.get('period', '')})"
        for key in ("title", "name", "code"):
            if values.get(key):
                return str(values[key])
    return f"#{change.object_id}" if change.object_id else "ny"


def plan_field_label(change: PlanChange) -> str:
    model = change.content_type.model_class()
    if not change.field_name or model is None:
        return ""
    try:
        return str(model._meta.get_field(change.field_name).verbose_name)
    except FieldDoesNotExist:
        return change.field_name


def plan_value_label(model: type[models.Model] | None, field_name: str, value: Any) -> str:
    """A stored plan value as a reader knows it: choice labels, names of linked records."""
    if value is None or value == "":
        return "–"
    model_field = None
    if model is not None:
        try:
            model_field = model._meta.get_field(field_name)
        except FieldDoesNotExist:
            model_field = None
    if isinstance(model_field, models.ForeignKey):
        related = model_field.related_model._default_manager.filter(pk=value).first()  # type: ignore[union-attr]
        return str(related) if related is not None else f"#{value}"
    if isinstance(model_field, models.Field):
        try:
            python_value = model_field.to_python(value)
        except ValidationError:
            python_value = value
        if model_field.choices:
            labels = {key: label for key, label in model_field.flatchoices}
            if python_value in labels:
                return str(labels[python_value])
        if isinstance(python_value, bool):
            return "ja" if python_value else "nei"
        if isinstance(python_value, Decimal):
            return formats.localize(python_value.normalize())
    return Truncator(str(value)).chars(300)


def plan_change_values(change: PlanChange) -> tuple[str, str]:
    """The old and new value of a change, readable: «Middels» → «Høy», not 2 → 1."""
    model = change.content_type.model_class()
    if change.kind == PlanChange.Kind.CHANGE:
        return (
            plan_value_label(model, change.field_name, change.old_value),
            plan_value_label(model, change.field_name, change.new_value),
        )
    if change.kind == PlanChange.Kind.ADD and isinstance(change.new_value, dict):
        parts = []
        for name, value in change.new_value.items():
            if value in (None, ""):
                continue
            label = name
            if model is not None:
                try:
                    label = str(getattr(model._meta.get_field(name), "verbose_name", name))
                except FieldDoesNotExist:
                    pass
            parts.append(f"{label}: {plan_value_label(model, name, value)}")
        return "–", "; ".join(parts)
    return "–", "–"
