"""The matrix, the organisation's coverage and the items no national initiative reflects."""

import pytest

from retning.alignment import selectors
from retning.roadmap.models import Initiative
from retning.strategy.models import SubGoal

from .conftest import DIRECT, RELATED, SUPPORT, Orgs, make_plan
from .test_gap_analysis import new_subgoal


def test_matrix_has_a_column_per_organisation_with_a_current_plan(orgs: Orgs) -> None:
    make_plan(orgs.own, ("1A", DIRECT), ("2B", RELATED))
    make_plan(orgs.other, ("1A", SUPPORT), status="expired")
    matrix = selectors.alignment_matrix()
    assert matrix.organisations == [orgs.own]
    rows = {row.subgoal.code: row for group in matrix.goals for row in group.rows}
    assert len(rows) == SubGoal.objects.count()
    assert rows["1A"].cells[0] is not None and rows["1A"].cells[0].label == "Direkte bidrag"
    assert rows["2B"].cells[0] is not None and rows["2B"].cells[0].weight == 0.25
    assert rows["1B"].cells[0] is None
    assert matrix.organisation_scores[0].covered == 2
    assert rows["1A"].score.covered == 1


def test_organisation_alignment_lists_plans_and_coverage(orgs: Orgs) -> None:
    make_plan(orgs.own, ("1A", DIRECT), ("1B", SUPPORT))
    alignment = selectors.organisation_alignment(orgs.own)
    assert [p.title for p in alignment.plans] == ["Utviklingsplan"]
    assert alignment.score.covered == 2
    assert alignment.score.score == pytest.approx(1.5 / SubGoal.objects.count())
    assert [sg.code for sg, _cell in alignment.covered_subgoals] == ["1A", "1B"]


def test_item_linked_only_to_a_subgoal_without_initiatives_is_not_reflected(orgs: Orgs) -> None:
    new_subgoal()
    _plan, lonely = make_plan(orgs.own, ("5Z", DIRECT), title="Plan A")
    _plan, covered = make_plan(orgs.own, ("1A", RELATED), title="Plan B")
    _plan, unlinked = make_plan(orgs.own, title="Plan C")
    _plan, with_initiative = make_plan(orgs.own, ("5Z", DIRECT), title="Plan D")
    with_initiative.initiatives.add(Initiative.objects.filter(retired_in__isnull=True).first())
    found = selectors.items_not_reflected()
    assert lonely in found and unlinked in found
    assert covered not in found and with_initiative not in found
