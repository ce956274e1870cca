import pytest

from retning.editing.services import RecordGone, StaleVersion, versioned_delete, versioned_save
from retning.roadmap.models import Delivery, Initiative


def test_a_save_from_the_current_version_goes_through_and_bumps_it(seeded: None) -> None:
    initiative = Initiative.objects.first()
    assert initiative is not None
    start = initiative.version
    initiative.title = "Ny tittel"
    versioned_save(initiative, expected_version=start)
    stored = Initiative.objects.get(pk=initiative.pk)
    assert (stored.title, stored.version) == ("Ny tittel", start + 1)


def test_a_save_from_a_stale_version_overwrites_nothing(seeded: None) -> None:
    first = Initiative.objects.first()
    assert first is not None
    second = Initiative.objects.get(pk=first.pk)
    opened_at = first.version

    first.title = "Først lagret"
    versioned_save(first, expected_version=opened_at)
    second.title = "Lagret for sent"
    with pytest.raises(StaleVersion) as error:
        versioned_save(second, expected_version=opened_at)

    assert error.value.current.title == "Først lagret"
    assert Initiative.objects.get(pk=first.pk).title == "Først lagret"


def test_history_records_who_made_the_change(seeded: None, django_user_model) -> None:  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(username="sekretariat", password="x" * 12)
    initiative = Initiative.objects.first()
    assert initiative is not None
    initiative.title = "Endret av sekretariatet"
    versioned_save(initiative, expected_version=initiative.version, user=user, reason="Test")
    latest = initiative.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (user, "Test")
    assert initiative.history.count() >= 2


def test_a_deleted_record_is_reported_not_recreated(seeded: None) -> None:
    initiative = Initiative.objects.first()
    assert initiative is not None
    delivery = Delivery.objects.create(initiative=initiative, title="Pilot", kind="available")
    stale = Delivery.objects.get(pk=delivery.pk)
    versioned_delete(delivery, expected_version=delivery.version)
    stale.title = "Endret"
    with pytest.raises(RecordGone):
        versioned_save(stale, expected_version=stale.version)
    assert not Delivery.objects.filter(pk=delivery.pk).exists()
