"""Watch items: reminders through the outbox (idempotent), closing with a conclusion and a case."""

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from retning.alignment import services
from retning.alignment.models import RelatedDocument, WatchItem, WatchReminder
from retning.alignment.tasks import watch_reminders_run
from retning.council.models import Case

from .conftest import People, client_for

TODAY = datetime.date(2027, 3, 1)


def watch(review: datetime.date, owner: Any = None, **fields: Any) -> WatchItem:
    return WatchItem.objects.create(
        title=fields.pop("title", "Ny stortingsmelding om beredskap"),
        description="Kan endre prioriteringen av digital sikkerhet.",
        review_date=review,
        owner=owner,
        **fields,
    )


def test_reminders_go_to_the_secretariat_and_owner_once(people: People) -> None:
    owner = people.plain  # an owner outside the secretariat also hears about it
    item = watch(TODAY + datetime.timedelta(days=10), owner=owner)
    watch(TODAY + datetime.timedelta(days=40), title="Langt fram")  # not due yet
    result = watch_reminders_run(today=TODAY)
    assert result == {"planned": 2, "sent": 2}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people.secretariat.email, owner.email])
    assert all(item.title in m.subject for m in mail.outbox)
    assert "/samsvar/folges-med/" in mail.outbox[0].body
    assert watch_reminders_run(today=TODAY) == {"planned": 0, "sent": 0}
    assert len(mail.outbox) == 2
    assert WatchReminder.objects.filter(sent_at__isnull=False).count() == 2


def test_passed_review_date_says_so(people: People) -> None:
    watch(TODAY - datetime.timedelta(days=3))
    watch_reminders_run(today=TODAY)
    assert "var 26.02.2027" in mail.outbox[0].body


def test_moving_the_review_date_gives_new_reminders(people: People) -> None:
    item = watch(TODAY)
    watch_reminders_run(today=TODAY)
    WatchItem.objects.filter(pk=item.pk).update(review_date=TODAY + datetime.timedelta(days=7))
    assert watch_reminders_run(today=TODAY)["sent"] == 1
    assert len(mail.outbox) == 2


def test_closed_items_get_no_reminders(people: People) -> None:
    item = watch(TODAY)
    services.reminders_plan(today=TODAY)
    WatchItem.objects.filter(pk=item.pk).update(status=WatchItem.Status.CLOSED)
    assert services.reminders_send(today=TODAY) == 0
    assert mail.outbox == []


def test_failed_send_leaves_the_row_unsent(people: People, monkeypatch: pytest.MonkeyPatch) -> None:
    watch(TODAY)
    services.reminders_plan(today=TODAY)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("SMTP nede")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with pytest.raises(ConnectionError):
        services.reminders_send(today=TODAY)
    assert WatchReminder.objects.get().sent_at is None


def test_command_runs_now_or_queues(people: People) -> None:
    watch(timezone.localdate())
    out = StringIO()
    call_command("send-watch-reminders", "--now", stdout=out)
    assert "sendte 1" in out.getvalue()
    assert len(mail.outbox) == 1
    out = StringIO()
    call_command("send-watch-reminders", stdout=out)
    assert "lagt i køen" in out.getvalue()


def test_closing_records_the_conclusion_and_can_propose_a_case(people: People) -> None:
    document = RelatedDocument.objects.order_by("title").first()
    item = watch(TODAY, owner=people.secretariat, related_document=document)
    response = client_for(people.secretariat).post(
        reverse("alignment:watch_close", args=[item.pk]),
        {
            "version": item.version,
            "conclusion": "Meldingen styrker delmål 5A.",
            "propose_case": "on",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == WatchItem.Status.CLOSED and item.closed_at is not None
    assert item.conclusion == "Meldingen styrker delmål 5A."
    assert item.proposed_case is not None
    assert item.proposed_case.status == Case.Status.PROPOSED
    assert "Meldingen styrker delmål 5A." in item.proposed_case.background


def test_closing_without_conclusion_is_refused(people: People) -> None:
    item = watch(TODAY)
    response = client_for(people.secretariat).post(
        reverse("alignment:watch_close", args=[item.pk]),
        {"version": item.version, "conclusion": "   "},
    )
    assert response.status_code == 200
    assert "Konklusjon" in response.content.decode()
    item.refresh_from_db()
    assert item.is_open and not Case.objects.exists()


def test_stale_close_is_refused(people: People) -> None:
    item = watch(TODAY)
    WatchItem.objects.filter(pk=item.pk).update(title="Endret", version=item.version + 1)
    response = client_for(people.secretariat).post(
        reverse("alignment:watch_close", args=[item.pk]),
        {"version": item.version, "conclusion": "Ferdig"},
    )
    assert "Ingenting er lagret" in response.content.decode()
    item.refresh_from_db()
    assert item.is_open


def test_secretariat_registers_a_watch_item(people: People) -> None:
    response = client_for(people.secretariat).post(
        reverse("alignment:watch_add"),
        {
            "title": "Revidert nasjonal digitaliseringsstrategi",
            "description": "",
            "expected_date": "2027-06-01",
            "review_date": "2027-05-01",
            "owner": people.secretariat.pk,
            "related_document": "",
        },
    )
    assert response.status_code == 302
    item = WatchItem.objects.get()
    assert item.owner == people.secretariat and item.is_open


def test_related_document_edit_is_versioned(people: People) -> None:
    document = RelatedDocument.objects.order_by("title").first()
    assert document is not None
    data = {
        "title": document.title + " (revidert)",
        "issuer": document.issuer,
        "kind": document.kind,
        "period_start": document.period_start or "",
        "period_end": document.period_end or "",
        "url": document.url,
        "relation": document.relation,
        "relation_description": document.relation_description,
        "themes": [t.pk for t in document.themes.all()],
        "version": document.version,
    }
    client = client_for(people.secretariat)
    assert (
        client.post(reverse("alignment:document_edit", args=[document.pk]), data).status_code == 302
    )
    document.refresh_from_db()
    assert document.title.endswith("(revidert)") and document.version == 2
    stale = client.post(
        reverse("alignment:document_edit", args=[document.pk]), {**data, "title": "Gammel"}
    )
    assert stale.status_code == 409
    document.refresh_from_db()
    assert document.title.endswith("(revidert)")
