"""Which steps a status report may take, and who may take them.

Pure Python, no Django: the services ask this module before they write anything, so the rules can
be read and tested in one place. Messages are plain Norwegian; the services pass them on to the
user unchanged.
"""

from enum import StrEnum


class State(StrEnum):
    PENDING = "pending"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


class Step(StrEnum):
    SAVE = "save"
    SUBMIT = "submit"
    RETURN = "return"
    APPROVE = "approve"


# States in which the owner is still working on the report (it counts as missing in the overview).
OPEN_STATES = frozenset({State.PENDING, State.DRAFT, State.RETURNED})
# States the secretariat has received.
RECEIVED_STATES = frozenset({State.SUBMITTED, State.APPROVED})

_REPORTER_STEPS: dict[Step, frozenset[State]] = {
    Step.SAVE: OPEN_STATES,
    Step.SUBMIT: OPEN_STATES,
}
_SECRETARIAT_STEPS: dict[Step, frozenset[State]] = {
    # The secretariat may correct a report in any state, also after the round is locked.
    Step.SAVE: frozenset(State),
    Step.SUBMIT: OPEN_STATES,
    # Returning an approved report reopens it for the owner.
    Step.RETURN: frozenset({State.SUBMITTED, State.APPROVED}),
    Step.APPROVE: frozenset({State.SUBMITTED}),
}


class TransitionError(ValueError):
    """A step the workflow does not allow; the message is meant for the user."""


def next_state(state: State, step: Step) -> State:
    """The state a report is in after ``step`` (saving keeps a received report where it is)."""
    if step is Step.SAVE:
        return State.DRAFT if state in OPEN_STATES else state
    return {
        Step.SUBMIT: State.SUBMITTED,
        Step.RETURN: State.RETURNED,
        Step.APPROVE: State.APPROVED,
    }[step]


def check(state: State | str, step: Step | str, *, secretariat: bool, locked: bool) -> State:
    """Return the state after ``step``, or raise ``TransitionError`` saying why it is not allowed."""
    state, step = State(state), Step(step)
    if not secretariat:
        if locked and step in (Step.SAVE, Step.SUBMIT):
            raise TransitionError(
                "Rapporteringsrunden er låst. Endringer er ikke lagret; "
                "kontakt sekretariatet hvis rapporten må endres."
            )
        allowed = _REPORTER_STEPS.get(step)
        if allowed is None:
            raise TransitionError("Bare sekretariatet kan godkjenne eller returnere rapporter.")
    else:
        allowed = _SECRETARIAT_STEPS[step]
    if state not in allowed:
        raise TransitionError(_refusal(state, step))
    return next_state(state, step)


def _refusal(state: State, step: Step) -> str:
    if step is Step.APPROVE:
        return "Bare en innsendt rapport kan godkjennes."
    if step is Step.RETURN:
        return "Bare en innsendt eller godkjent rapport kan returneres."
    if state is State.SUBMITTED:
        return "Rapporten er allerede sendt inn. Sekretariatet må returnere den før den kan endres."
    if state is State.APPROVED:
        return "Rapporten er godkjent og kan ikke endres. Kontakt sekretariatet."
    return "Dette steget er ikke tillatt nå."


def missing_for_submit(values: dict[str, str]) -> list[str]:
    """The fields (by name) that must be filled before a report can be submitted."""
    required = ("overall", "schedule", "cost", "scope", "benefits", "narrative")
    return [name for name in required if not (values.get(name) or "").strip()]
