"""Every edit leaves a history entry with who and what; public pages show it, bounded in queries."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from retning.editing.selectors import object_changelog
from retning.editing.services import versioned_save
from retning.indicators.models import Observation
from retning.roadmap.models import Delivery, Initiative
from retning.roadmap.phases import Phase

from .conftest import People, Scene, client_for
from .html_forms import form_data


def _edit_form(client, url: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return form_data(client.get(url).content.decode(), "edit-form")


def _log_section(html: str) -> str:
    return html.split('id="endringslogg"', 1)[1].split("</section>", 1)[0]


def test_creating_an_observation_is_logged_with_who_did_it(scene: Scene, people: People) -> None:
    client = client_for(people.reporter_own)
    url = reverse("editing:observation_add", args=[scene.indicator.code])
    data = _edit_form(client, url)
    data.update({"period": ["2029k2"], "value": ["12,5"], "change_reason": ["Nye tall"]})

    assert client.post(url, data).status_code == 302

    created = Observation.objects.get(indicator=scene.indicator, period="2029K2")
    record = created.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        people.reporter_own,
        "Nye tall",
    )
    [entry] = [e for e in object_changelog(scene.indicator, show_who=True) if e.action == "+"][:1]
    assert (entry.title, entry.user, entry.kind_label) == ("2029K2", "Rapportor Testesen", "Måling")
    assert any(c.label == "Verdi" and c.new == "12,5" for c in entry.changes)


def test_changing_an_initiative_logs_old_and_new_values_and_the_user(
    scene: Scene, people: People
) -> None:
    client = client_for(people.reporter_own)
    url = reverse("editing:initiative_edit", args=[scene.initiative.external_id])
    before = Initiative.objects.get(pk=scene.initiative.pk)
    new_first = Phase.CONCEPT if before.phase_first != Phase.CONCEPT else Phase.DEVELOPMENT
    new_last = Phase.IN_USE if before.phase_last != Phase.IN_USE else Phase.IMPLEMENTATION
    data = _edit_form(client, url)
    data["phase_first"] = [str(new_first.value)]
    data["phase_last"] = [str(new_last.value)]

    assert client.post(url, data).status_code == 302

    latest = Initiative.history.filter(id=before.pk).latest()
    delta = latest.diff_against(latest.prev_record)
    assert set(delta.changed_fields) >= {"phase_first", "phase_last"}
    assert latest.history_user == people.reporter_own
    [entry] = object_changelog(before, show_who=True, limit=1)
    changes = {c.label: (c.old, c.new) for c in entry.changes}
    old_label = Phase(before.phase_first).label if before.phase_first else "(tomt)"
    assert changes["Fase fra"] == (old_label, new_first.label)
    assert changes["Fase til"][1] == new_last.label
    assert entry.user == "Rapportor Testesen"


def test_changing_owners_and_fields_together_leaves_one_history_record(
    scene: Scene, people: People
) -> None:
    client = client_for(people.secretariat)
    url = reverse("editing:initiative_edit", args=[scene.initiative.external_id])
    records_before = Initiative.history.filter(id=scene.initiative.pk).count()
    data = _edit_form(client, url)
    data["owners"] = [str(scene.other.pk)]
    data["title"] = ["Ny tittel"]

    assert client.post(url, data).status_code == 302

    assert Initiative.history.filter(id=scene.initiative.pk).count() == records_before + 1
    [entry] = object_changelog(scene.initiative, show_who=True, limit=1)
    changes = {c.label: (c.old, c.new) for c in entry.changes}
    assert changes["Eiere"][1] == scene.other.name
    assert scene.owner.name in changes["Eiere"][0]
    assert changes["Tittel"] == (scene.initiative.title, "Ny tittel")


def test_deleting_an_observation_is_logged_with_its_last_values(
    scene: Scene, people: People
) -> None:
    client = client_for(people.data_steward)
    url = reverse("editing:observation_delete", args=[scene.indicator.code, scene.observation.pk])
    data = form_data(client.get(url).content.decode(), "delete-form")

    assert client.post(url, data).status_code == 302

    record = Observation.history.filter(id=scene.observation.pk).latest()
    assert (record.history_type, record.history_user) == ("-", people.data_steward)
    deleted = [e for e in object_changelog(scene.indicator, show_who=True) if e.action == "-"]
    assert deleted[0].title == scene.observation.period
    assert deleted[0].user == "Dataforvalter Testesen"


def test_delivery_changes_appear_on_the_initiative_page(scene: Scene, people: People) -> None:
    delivery = Delivery.objects.create(initiative=scene.initiative, title="Pilot", kind="available")
    client = client_for(people.reporter_own)
    url = reverse("editing:initiative_edit", args=[scene.initiative.external_id])
    data = _edit_form(client, url)
    row = next(
        k.removesuffix("-id")
        for k, v in data.items()
        if k.endswith("-id") and v == [str(delivery.pk)]
    )
    data[f"{row}-planned_date"] = ["2027-09-15"]
    client.post(url, data)

    html = _log_section(client.get(scene.initiative.get_absolute_url()).content.decode())

    assert "leveranse «Pilot»" in html
    assert "15. september 2027" in html
    assert "Rapportor Testesen" in html


def test_anonymous_visitors_see_what_changed_but_not_who(scene: Scene, people: People) -> None:
    initiative = Initiative.objects.get(pk=scene.initiative.pk)
    initiative.title = "Tittel endret av sekretariatet"
    versioned_save(initiative, expected_version=initiative.version, user=people.secretariat)

    anonymous = _log_section(client_for(None).get(initiative.get_absolute_url()).content.decode())
    signed_in = _log_section(
        client_for(people.plain).get(initiative.get_absolute_url()).content.decode()
    )

    assert "Tittel endret av sekretariatet" in anonymous
    assert "Sekretariat Testesen" not in anonymous
    assert "Sekretariat Testesen" in signed_in


def test_the_log_on_a_page_costs_the_same_queries_however_long_the_history_is(
    scene: Scene, people: People
) -> None:
    def edit(times: int) -> None:
        for number in range(times):
            initiative = Initiative.objects.get(pk=scene.initiative.pk)
            initiative.title = f"Versjon {number}"
            versioned_save(initiative, expected_version=initiative.version, user=people.secretariat)
            Delivery.objects.create(
                initiative=initiative, title=f"Milepæl {number}", kind="available"
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            object_changelog(Initiative.objects.get(pk=scene.initiative.pk), show_who=True)
        return len(captured.captured_queries)

    # Once the newest 20 entries are all edits, more history must not mean more queries.
    edit(25)
    long_history = queries()
    edit(40)
    longer_history = queries()

    assert long_history == longer_history <= 12
    assert len(object_changelog(scene.initiative, show_who=True)) == 20


def test_the_public_page_shows_the_edit_button_only_to_those_who_may_edit(
    scene: Scene, people: People
) -> None:
    edit_url = reverse("editing:initiative_edit", args=[scene.initiative.external_id])

    def has_button(user: object, initiative: Initiative) -> bool:
        html = client_for(user).get(initiative.get_absolute_url()).content.decode()
        return f'href="/rediger/veikart/{initiative.external_id}/"' in html

    assert has_button(people.reporter_own, scene.initiative)
    assert has_button(people.secretariat, scene.initiative)
    assert not has_button(people.reporter_other, scene.initiative)
    assert not has_button(people.plain, scene.initiative)
    assert not has_button(None, scene.initiative)
    assert not has_button(people.reporter_own, scene.foreign_initiative)
    assert edit_url.startswith("/rediger/veikart/")


def test_edit_links_on_an_indicator_page_follow_each_role(scene: Scene, people: People) -> None:
    def links(user: object) -> set[str]:
        html = client_for(user).get(scene.indicator.get_absolute_url()).content.decode()
        return set(re.findall(r'href="(/rediger/[^"]+)"', html))

    indicator_url = reverse("editing:indicator_edit", args=[scene.indicator.code])
    data_url = reverse("editing:observation_list", args=[scene.indicator.code])
    override_url = reverse("editing:assessment_override", args=[scene.indicator.code])
    assert links(people.secretariat) == {indicator_url, data_url, override_url}
    assert links(people.data_steward) == {data_url}
    assert links(people.reporter_own) == {data_url}
    assert links(people.reporter_other) == set()


def test_the_dates_in_the_log_are_the_dates_of_the_changes(scene: Scene, people: People) -> None:
    Observation.objects.create(indicator=scene.indicator, period="2030", value=1)
    [entry] = object_changelog(scene.indicator, show_who=False, limit=1)
    # Compare in the site's time zone: near midnight UTC and Oslo are on different dates.
    assert timezone.localtime(entry.when).date() == timezone.localdate()
    assert entry.user == ""


def test_saving_a_form_without_changes_writes_nothing(scene: Scene, people: People) -> None:
    initiative = Initiative.objects.get(pk=scene.initiative.pk)
    initiative.description = "Første linje.\nAndre linje."
    versioned_save(initiative, expected_version=initiative.version)
    client = client_for(people.secretariat)
    url = reverse("editing:initiative_edit", args=[initiative.external_id])
    records = Initiative.history.filter(id=initiative.pk).count()
    data = _edit_form(client, url)
    # Browsers send line breaks in text areas as CRLF.
    data["description"] = [data["description"][0].replace("\n", "\r\n")]

    assert client.post(url, data).status_code == 302

    stored = Initiative.objects.get(pk=initiative.pk)
    assert (stored.version, stored.description) == (
        initiative.version,
        "Første linje.\nAndre linje.",
    )
    assert Initiative.history.filter(id=initiative.pk).count() == records
