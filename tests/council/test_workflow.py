"""The pure workflow rules: status changes, labels and conflicts, without a database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retning.council import workflow
from retning.council.workflow import CaseStatus, MeetingStatus, ProposedChange, TransitionError

MEETING_ORDER = list(MeetingStatus)


def test_a_meeting_moves_through_every_status_in_order() -> None:
    for current, target in zip(MEETING_ORDER, MEETING_ORDER[1:], strict=False):
        workflow.check_meeting_transition(current, target)


@given(st.sampled_from(MEETING_ORDER), st.sampled_from(MEETING_ORDER))
def test_a_meeting_only_ever_moves_one_step_forward(
    current: MeetingStatus, target: MeetingStatus
) -> None:
    one_step = MEETING_ORDER.index(target) == MEETING_ORDER.index(current) + 1
    if one_step:
        workflow.check_meeting_transition(current, target)
    else:
        with pytest.raises(TransitionError):
            workflow.check_meeting_transition(current, target)


def test_skipping_the_notice_is_refused_with_a_norwegian_explanation() -> None:
    with pytest.raises(TransitionError) as error:
        workflow.check_meeting_transition("planned", "held")
    assert str(error.value) == (
        "Et møte med status «planlagt» kan ikke få status «avholdt». Neste steg er «innkalt»."
    )


def test_approving_minutes_twice_says_they_are_already_approved() -> None:
    with pytest.raises(TransitionError, match="allerede referat godkjent"):
        workflow.check_meeting_transition("minutes_approved", "minutes_approved")


@pytest.mark.parametrize("final", [CaseStatus.WITHDRAWN, CaseStatus.DECIDED])
@pytest.mark.parametrize("target", list(CaseStatus))
def test_a_withdrawn_or_decided_case_cannot_change_status(
    final: CaseStatus, target: CaseStatus
) -> None:
    with pytest.raises(TransitionError, match="kan ikke få status"):
        workflow.check_case_transition(final, target)


def test_a_proposed_case_cannot_be_decided_before_it_is_scheduled() -> None:
    with pytest.raises(TransitionError):
        workflow.check_case_transition("proposed", "decided")


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=2000, max_value=2099))
def test_case_labels_use_a_two_digit_year(number: int, year: int) -> None:
    label = workflow.case_label(number, year)
    assert label.startswith(f"Sak {number}/")
    assert int(label.rsplit("/", 1)[1]) == year - 2000
    assert len(label.rsplit("/", 1)[1]) == 2


def test_the_meeting_label_names_number_and_year() -> None:
    assert workflow.meeting_label(2, 2026) == "Møte 2/2026"


def test_two_changes_to_the_same_field_with_different_values_conflict() -> None:
    messages = workflow.find_conflicts(
        [
            ProposedChange(("target", 1), "value", 10, "Sak 1/26"),
            ProposedChange(("target", 2), "value", 20, "Sak 2/26"),
            ProposedChange(("target", 1), "value", 12, "Sak 3/26"),
        ]
    )
    assert len(messages) == 1
    assert "Sak 1/26 og Sak 3/26" in messages[0] and "«value»" in messages[0]


@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from("ab"), st.integers(0, 2))))
def test_changes_conflict_exactly_when_a_field_gets_two_values(
    raw: list[tuple[int, str, int]],
) -> None:
    changes = [ProposedChange(t, f, v, f"endring {i}") for i, (t, f, v) in enumerate(raw)]
    values: dict[tuple[int, str], set[int]] = {}
    for target, field_name, value in raw:
        values.setdefault((target, field_name), set()).add(value)
    has_conflict = any(len(v) > 1 for v in values.values())
    assert bool(workflow.find_conflicts(changes)) == has_conflict


def test_retiring_an_object_conflicts_with_changing_it() -> None:
    messages = workflow.find_conflicts(
        [
            ProposedChange(("initiative", 7), "title", "Nytt navn", "Sak 1/26"),
            ProposedChange(("initiative", 7), workflow.WHOLE_OBJECT, "retire", "Sak 2/26"),
        ]
    )
    assert messages == ["Sak 1/26 og Sak 2/26 endrer det samme objektet på ulike måter."]


def test_retiring_the_same_object_twice_is_not_a_conflict() -> None:
    retire = ProposedChange(("target", 3), workflow.WHOLE_OBJECT, "retire", "Sak 1/26")
    assert workflow.find_conflicts([retire, retire]) == []
