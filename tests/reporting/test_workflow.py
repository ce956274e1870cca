"""The pure transition rules of a status report."""

import pytest

from retning.reporting.workflow import (
    OPEN_STATES,
    State,
    Step,
    TransitionError,
    check,
    missing_for_submit,
)


@pytest.mark.parametrize("state", sorted(OPEN_STATES))
def test_reporter_may_save_and_submit_open_reports(state: State) -> None:
    assert check(state, Step.SAVE, secretariat=False, locked=False) is State.DRAFT
    assert check(state, Step.SUBMIT, secretariat=False, locked=False) is State.SUBMITTED


@pytest.mark.parametrize("state", [State.SUBMITTED, State.APPROVED])
def test_reporter_may_not_change_a_received_report(state: State) -> None:
    with pytest.raises(TransitionError, match="(?i)sekretariatet"):
        check(state, Step.SAVE, secretariat=False, locked=False)
    with pytest.raises(TransitionError):
        check(state, Step.SUBMIT, secretariat=False, locked=False)


@pytest.mark.parametrize("step", [Step.SAVE, Step.SUBMIT])
def test_a_locked_round_refuses_the_reporter_with_a_message(step: Step) -> None:
    with pytest.raises(TransitionError, match="låst"):
        check(State.DRAFT, step, secretariat=False, locked=True)


@pytest.mark.parametrize("step", [Step.APPROVE, Step.RETURN])
def test_only_the_secretariat_reviews(step: Step) -> None:
    with pytest.raises(TransitionError, match="Bare sekretariatet"):
        check(State.SUBMITTED, step, secretariat=False, locked=False)


def test_secretariat_reviews_submitted_reports_also_when_locked() -> None:
    assert check(State.SUBMITTED, Step.APPROVE, secretariat=True, locked=True) is State.APPROVED
    assert check(State.SUBMITTED, Step.RETURN, secretariat=True, locked=True) is State.RETURNED
    assert check(State.APPROVED, Step.RETURN, secretariat=True, locked=False) is State.RETURNED


@pytest.mark.parametrize("state", [State.PENDING, State.DRAFT, State.RETURNED, State.APPROVED])
def test_only_submitted_reports_are_approved(state: State) -> None:
    with pytest.raises(TransitionError, match="innsendt"):
        check(state, Step.APPROVE, secretariat=True, locked=False)


def test_secretariat_edits_keep_a_received_report_where_it_is() -> None:
    assert check(State.APPROVED, Step.SAVE, secretariat=True, locked=True) is State.APPROVED
    assert check(State.SUBMITTED, Step.SAVE, secretariat=True, locked=True) is State.SUBMITTED
    assert check(State.PENDING, Step.SAVE, secretariat=True, locked=True) is State.DRAFT


def test_submit_needs_every_rating_and_a_narrative() -> None:
    full = {n: "green" for n in ("overall", "schedule", "cost", "scope", "benefits")}
    assert missing_for_submit({**full, "narrative": "Ok"}) == []
    assert missing_for_submit({**full, "cost": "", "narrative": "  "}) == ["cost", "narrative"]
