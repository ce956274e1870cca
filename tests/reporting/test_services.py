"""Opening rounds, saving, submitting, returning, approving and locking, against the database."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from retning.editing.services import StaleVersion
from retning.reporting import services
from retning.reporting.models import (
    DeliverySnapshot,
    ReportDelivery,
    ReportEvent,
    ReportingRound,
    StatusReport,
)
from retning.roadmap.models import Delivery, Initiative

from .conftest import FILLED, People, Scene, fill, first_owner, open_round

pytestmark = pytest.mark.django_db


def _actions(report: StatusReport) -> list[str]:
    return list(report.events.order_by("at", "pk").values_list("action", flat=True))


def test_default_selection_is_every_initiative_not_retired(people: People) -> None:
    round_ = open_round(people, None)
    active = Initiative.objects.filter(retired_in__isnull=True)
    assert round_.reports.count() == active.count() > 0
    assert set(round_.reports.values_list("state", flat=True)) == {StatusReport.State.PENDING}
    sample = round_.reports.exclude(organisation=None).select_related("initiative").first()
    assert sample is not None and sample.organisation == first_owner(sample.initiative)
    without_owner = round_.reports.filter(initiative__owners__isnull=True)
    assert all(r.organisation_id is None for r in without_owner)
    assert (
        ReportEvent.objects.filter(report__round=round_, action=ReportEvent.Action.CREATED).count()
        == active.count()
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"label": " "}, "navn"),
        ({"deadline": date(2026, 1, 1), "opens_on": date(2026, 2, 1)}, "Fristen"),
        ({"grace_days": -1}, "negativ"),
    ],
)
def test_bad_round_input_changes_nothing(
    people: People, scene: Scene, changes: dict, message: str
) -> None:
    args = {
        "label": "2026 T9",
        "opens_on": date(2026, 1, 1),
        "deadline": date(2026, 2, 1),
        "grace_days": 7,
        **changes,
    }
    with pytest.raises(services.ReportingError, match=message):
        services.round_open(**args, initiatives=[scene.initiative], user=people.secretariat)
    assert not ReportingRound.objects.exists() and not StatusReport.objects.exists()


def test_duplicate_label_is_refused(people: People, round_: ReportingRound, scene: Scene) -> None:
    with pytest.raises(services.ReportingError, match="allerede"):
        open_round(people, [scene.initiative], label="2026 t3")


def test_first_report_starts_from_the_roadmaps_open_deliveries(
    people: People, scene: Scene
) -> None:
    open_d = Delivery.objects.create(
        initiative=scene.initiative, title="Åpen", kind="available", planned_date=date(2027, 1, 1)
    )
    Delivery.objects.create(
        initiative=scene.initiative,
        title="Ferdig",
        kind="completed",
        planned_date=date(2025, 1, 1),
        actual_date=date(2025, 2, 1),
    )
    round_ = open_round(people, [scene.initiative])
    rows = ReportDelivery.objects.filter(report__round=round_)
    assert [(r.title, r.delivery_id) for r in rows] == [("Åpen", open_d.pk)]


def test_next_round_is_prefilled_from_the_previous_report(people: People, scene: Scene) -> None:
    first = open_round(people, [scene.initiative], label="2026 T2")
    report = first.reports.get()
    fill(report, people.reporter_own, decisions_needed="Finansiering 2027")
    report.refresh_from_db()
    done = ReportDelivery.objects.filter(report=report).first()
    assert done is not None
    ReportDelivery.objects.create(report=report, title="Levert", actual_date=date(2026, 5, 20))

    today = timezone.localdate()
    second = open_round(
        people, [scene.initiative], label="2026 T3", deadline=today + timedelta(days=100)
    )
    new = second.reports.get()
    assert new.state == StatusReport.State.PENDING
    assert new.prefilled_from == report
    for name in (
        "overall",
        "schedule",
        "cost",
        "scope",
        "benefits",
        "narrative",
        "decisions_needed",
    ):
        assert getattr(new, name) == getattr(report, name)
    assert [(r.description, r.probability, r.consequence) for r in new.risks.all()] == [
        ("Forsinket leverandør", 3, 4)
    ]
    # Delivered items are not carried forward.
    assert list(new.next_deliveries.values_list("title", flat=True)) == ["Pilot ferdig"]
    assert "2026 T2" in new.events.get().comment


def test_save_is_versioned_and_never_overwrites(people: People, report: StatusReport) -> None:
    opened_at = report.version
    fill(report, people.reporter_own, narrative="Først")
    with pytest.raises(StaleVersion) as stale:
        services.report_save(
            report,
            expected_version=opened_at,
            user=people.secretariat,
            fields=services.ReportFields(narrative="Sist"),
            risks=[],
            deliveries=[],
        )
    assert stale.value.current.narrative == "Først"
    report.refresh_from_db()
    assert report.narrative == "Først" and report.risks.count() == 1
    assert report.state == StatusReport.State.DRAFT


def test_bad_risk_changes_nothing(people: People, report: StatusReport) -> None:
    with pytest.raises(services.ReportingError, match="1 til 5"):
        services.report_save(
            report,
            expected_version=report.version,
            user=people.reporter_own,
            fields=FILLED,
            risks=[services.RiskRow("Risiko", 6, 1)],
            deliveries=[],
        )
    report.refresh_from_db()
    assert report.state == StatusReport.State.PENDING and report.narrative == ""


def test_submit_requires_ratings_and_narrative(people: People, report: StatusReport) -> None:
    saved = fill(report, people.reporter_own, cost="", narrative="")
    with pytest.raises(services.ReportingError, match="kostnad.*beskrivelse"):
        services.report_submit(saved, expected_version=saved.version, user=people.reporter_own)
    saved.refresh_from_db()
    assert saved.state == StatusReport.State.DRAFT and saved.submitted_at is None


def test_full_workflow_records_every_step(
    people: People, report: StatusReport, scene: Scene
) -> None:
    delivery = Delivery.objects.create(
        initiative=scene.initiative, title="Pilot", kind="available", planned_date=date(2027, 1, 1)
    )
    other = Delivery.objects.create(
        initiative=scene.initiative,
        title="Andre",
        kind="provisional",
        planned_date=date(2027, 6, 1),
    )
    saved = services.report_save(
        report,
        expected_version=report.version,
        user=people.reporter_own,
        fields=FILLED,
        risks=[],
        deliveries=[
            services.DeliveryRow("Pilot", date(2027, 1, 1), date(2027, 3, 15), None, delivery.pk)
        ],
    )
    submitted = services.report_submit(
        saved, expected_version=saved.version, user=people.reporter_own
    )
    assert submitted.submitted_at is not None

    with pytest.raises(services.ReportingError, match="kommentar"):
        services.report_return(
            submitted, expected_version=submitted.version, user=people.secretariat, comment="  "
        )
    returned = services.report_return(
        submitted,
        expected_version=submitted.version,
        user=people.secretariat,
        comment="Mangler kostnad",
    )
    assert returned.state == StatusReport.State.RETURNED

    again = services.report_save_and_submit(
        returned,
        expected_version=returned.version,
        user=people.reporter_own,
        fields=FILLED,
        risks=[],
        deliveries=[
            services.DeliveryRow("Pilot", date(2027, 1, 1), date(2027, 4, 1), None, delivery.pk)
        ],
    )
    assert again.state == StatusReport.State.SUBMITTED
    approved = services.report_approve(
        again, expected_version=again.version, user=people.secretariat
    )
    assert approved.state == StatusReport.State.APPROVED

    delivery.refresh_from_db()
    assert delivery.forecast_date == date(2027, 4, 1)
    snapshots = {s.delivery_id: s for s in DeliverySnapshot.objects.filter(round=report.round)}
    assert set(snapshots) == {delivery.pk, other.pk}
    assert snapshots[delivery.pk].forecast_date == date(2027, 4, 1)
    assert _actions(report) == [
        "created",
        "saved",
        "submitted",
        "returned",
        "saved",
        "submitted",
        "approved",
    ]
    returned_event = report.events.get(action="returned")
    assert (
        returned_event.actor == people.secretariat and returned_event.comment == "Mangler kostnad"
    )


def test_reporter_cannot_review(people: People, report: StatusReport) -> None:
    saved = fill(report, people.reporter_own)
    submitted = services.report_submit(
        saved, expected_version=saved.version, user=people.reporter_own
    )
    with pytest.raises(services.ReportingError, match="sekretariatet"):
        services.report_approve(
            submitted, expected_version=submitted.version, user=people.reporter_own
        )
    submitted.refresh_from_db()
    assert submitted.state == StatusReport.State.SUBMITTED


def test_lock_waits_for_the_grace_period(people: People, round_: ReportingRound) -> None:
    with pytest.raises(services.ReportingError, match="ettergivelsen"):
        services.round_lock(round_, user=people.secretariat)
    later = timezone.now() + timedelta(days=30)
    locked = services.round_lock(round_, user=people.secretariat, now=later)
    assert locked.locked_at == later
    assert ReportEvent.objects.filter(report__round=round_, action="locked").count() == 2


def test_submission_after_lock_is_refused_but_secretariat_may_edit(
    people: People, report: StatusReport
) -> None:
    saved = fill(report, people.reporter_own)
    services.round_lock(report.round, user=people.secretariat, force=True)
    with pytest.raises(services.ReportingError, match="låst"):
        services.report_submit(saved, expected_version=saved.version, user=people.reporter_own)
    with pytest.raises(services.ReportingError, match="låst"):
        fill(saved, people.reporter_own, narrative="For sent")
    saved.refresh_from_db()
    assert saved.state == StatusReport.State.DRAFT and saved.narrative == FILLED.narrative
    corrected = fill(saved, people.secretariat, narrative="Rettet av sekretariatet")
    assert corrected.narrative == "Rettet av sekretariatet"
    submitted = services.report_submit(
        corrected, expected_version=corrected.version, user=people.secretariat
    )
    assert submitted.state == StatusReport.State.SUBMITTED


def test_rounds_past_grace_are_locked_by_the_daily_job(people: People, scene: Scene) -> None:
    today = timezone.localdate()
    old = open_round(
        people,
        [scene.initiative],
        label="Gammel",
        opens_on=today - timedelta(days=40),
        deadline=today - timedelta(days=20),
        grace_days=5,
    )
    current = open_round(people, [scene.foreign_initiative], label="Ny")
    locked = services.rounds_lock_due()
    assert [r.pk for r in locked] == [old.pk]
    current.refresh_from_db()
    assert current.locked_at is None
