"""The secretariat's global change log: filters, pages, both languages, and read-only history."""

import re
from datetime import timedelta

from django.contrib.admin.sites import site as admin_site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from retning.editing.admin import ReadOnlyHistoryMixin
from retning.editing.selectors import CHANGELOG_PAGE_SIZE
from retning.editing.services import versioned_save
from retning.roadmap.models import Initiative

from .conftest import People, Scene, client_for

URL = "/rediger/endringslogg/"


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def _rename(initiative: Initiative, title: str, user: object, reason: str = "") -> None:
    initiative = Initiative.objects.get(pk=initiative.pk)
    initiative.title = title
    versioned_save(initiative, expected_version=initiative.version, user=user, reason=reason)


def test_the_log_filters_by_user_and_shows_who_and_what(scene: Scene, people: People) -> None:
    _rename(scene.initiative, "Endret av rapportøren", people.reporter_own)
    _rename(scene.foreign_initiative, "Endret av sekretariatet", people.secretariat)

    html = (
        client_for(people.secretariat).get(URL, {"user": people.reporter_own.pk}).content.decode()
    )

    rows = _rows(html)
    assert len(rows) == 1
    assert "Endret av rapportøren" in rows[0]
    assert "Rapportor Testesen" in rows[0]
    assert scene.initiative.title in rows[0]  # the old value
    assert f'href="{scene.initiative.get_absolute_url()}"' in rows[0]


def test_the_log_filters_by_kind_text_and_dates(scene: Scene, people: People) -> None:
    _rename(scene.initiative, "Unik tittel for fritekstsøk", people.secretariat, "Etter møtet")
    client = client_for(people.secretariat)
    today = timezone.localdate()

    by_text = _rows(client.get(URL, {"q": "unik tittel for fritekst"}).content.decode())
    by_reason = _rows(client.get(URL, {"q": "etter møtet"}).content.decode())
    wrong_kind = client.get(URL, {"q": "Unik tittel", "kind": "organisation"}).content.decode()
    right_kind = _rows(client.get(URL, {"q": "Unik tittel", "kind": "initiative"}).content.decode())
    yesterday = (today - timedelta(days=1)).isoformat()
    before_today = client.get(URL, {"q": "Unik tittel", "date_to": yesterday}).content.decode()
    from_today = _rows(
        client.get(URL, {"q": "Unik tittel", "date_from": today.isoformat()}).content.decode()
    )

    assert (
        len(by_text) == 1 and len(by_reason) == 1 and len(right_kind) == 1 and len(from_today) == 1
    )
    assert "Ingen endringer passer med filtrene." in wrong_kind
    assert "Ingen endringer passer med filtrene." in before_today


def test_a_date_range_that_ends_before_it_starts_is_explained(people: People) -> None:
    html = (
        client_for(people.secretariat)
        .get(URL, {"date_from": "2026-05-01", "date_to": "2026-01-01"})
        .content.decode()
    )
    assert "Til-datoen kan ikke være før fra-datoen." in html


def test_the_log_is_paginated_and_each_page_costs_the_same_queries(
    scene: Scene, people: People
) -> None:
    client = client_for(people.secretariat)

    def queries(page: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, {"kind": "initiative", "page": page})
        return len(_rows(response.content.decode())), len(captured.captured_queries)

    first_rows, first_queries = queries(1)
    second_rows, second_queries = queries(2)
    total = Initiative.history.count()

    assert first_rows == second_rows == CHANGELOG_PAGE_SIZE
    assert total > 2 * CHANGELOG_PAGE_SIZE
    assert abs(first_queries - second_queries) <= 3  # related names differ from page to page
    assert first_queries < 25


def test_the_log_has_english_labels_under_en(people: People) -> None:
    html = client_for(people.secretariat).get("/en" + URL, {"kind": "initiative"}).content.decode()
    assert "<h1" in html
    assert "Change log" in html
    assert "Changed by" in html
    assert "Endret av" not in html


def test_every_history_admin_refuses_to_revert(
    scene: Scene, people: People, django_user_model
) -> None:  # type: ignore[no-untyped-def]
    history_admins = [a for a in admin_site._registry.values() if isinstance(a, SimpleHistoryAdmin)]
    assert history_admins
    assert all(isinstance(a, ReadOnlyHistoryMixin) for a in history_admins)

    admin_user = django_user_model.objects.create_superuser("admin", "a@example.org", "x" * 16)
    _rename(scene.initiative, "Nyeste tittel", people.secretariat)
    oldest = Initiative.history.filter(id=scene.initiative.pk).earliest()
    url = reverse(
        "admin:roadmap_initiative_simple_history",
        args=[scene.initiative.pk, oldest.history_id],
    )
    client = client_for(admin_user)

    page = client.get(url)
    refused = client.post(url, {"title": oldest.title, "_change_history": "1"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert refused.status_code == 405
    assert Initiative.objects.get(pk=scene.initiative.pk).title == "Nyeste tittel"
