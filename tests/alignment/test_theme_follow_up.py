"""The theme page: status of what is tagged, cases the reader may see, and the follow-up log."""

import datetime

from django.urls import reverse

from retning.alignment.models import ThemeLogEntry
from retning.council import services as council_services
from retning.council.models import Body, Case
from retning.strategy.models import Theme

from .conftest import People, client_for


def theme() -> Theme:
    return Theme.objects.get(slug="digital-sikkerhet")


def test_secretariat_adds_a_log_entry_that_everyone_reads(people: People) -> None:
    client = client_for(people.secretariat)
    url = reverse("alignment:theme_log_add", args=[theme().slug])
    response = client.post(url, {"date": "2026-10-01", "text": "Ny trusselvurdering publisert."})
    assert response.status_code == 302
    entry = ThemeLogEntry.objects.get()
    assert entry.author == people.secretariat and entry.date == datetime.date(2026, 10, 1)
    html = client_for(None).get(theme().get_absolute_url()).content.decode()
    assert "Ny trusselvurdering publisert." in html
    assert "Ny loggføring" not in html


def test_empty_log_text_is_refused(people: People) -> None:
    url = reverse("alignment:theme_log_add", args=[theme().slug])
    response = client_for(people.secretariat).post(url, {"date": "2026-10-01", "text": ""})
    assert response.status_code == 200
    assert not ThemeLogEntry.objects.exists()


def test_others_may_not_add_to_the_log(people: People) -> None:
    url = reverse("alignment:theme_log_add", args=[theme().slug])
    assert (
        client_for(people.reporter_own).post(url, {"date": "2026-10-01", "text": "x"}).status_code
        == 403
    )
    assert client_for(None).post(url, {"date": "2026-10-01", "text": "x"}).status_code == 302
    assert not ThemeLogEntry.objects.exists()


def test_theme_page_shows_status_and_only_public_cases_to_anonymous(people: People) -> None:
    council_services.body_create_defaults()
    body = Body.objects.get(short_name="NUIT")
    tagged_subgoal = theme().subgoals.first()
    assert tagged_subgoal is not None
    common = {"body": body, "case_type": Case.Type.DISCUSSION, "subgoals": [tagged_subgoal]}
    council_services.case_propose(title="Åpen sak om sikkerhet", **common)
    council_services.case_propose(
        title="Unntatt sak om sårbarheter",
        is_exempt=True,
        exemption_basis="offentleglova § 24 tredje ledd",
        **common,
    )
    anonymous = client_for(None).get(theme().get_absolute_url()).content.decode()
    assert "Åpen sak om sikkerhet" in anonymous
    assert "Unntatt sak om sårbarheter" not in anonymous
    assert tagged_subgoal.code in anonymous and "Aktive initiativer" in anonymous
    secretariat = client_for(people.secretariat).get(theme().get_absolute_url()).content.decode()
    assert "Unntatt sak om sårbarheter" in secretariat
