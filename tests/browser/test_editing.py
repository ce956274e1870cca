"""Editing in a real browser: a reporter's change reaches the change logs, and a conflict loses nothing."""

import re
from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, BrowserContext, expect

from retning.actors.models import Organisation
from retning.roadmap.models import Delivery, Initiative
from retning.roadmap.phases import Phase
from tests.browser.support import axe_violations, signed_in

pytestmark = pytest.mark.browser


def _user(username: str, first: str, last: str, **roles: Any) -> Any:
    return get_user_model().objects.create_user(
        username=username,
        password="et-langt-passord-123",
        first_name=first,
        last_name=last,
        **roles,
    )


def _owned_and_foreign(owner: Organisation) -> tuple[Initiative, Initiative]:
    own = Initiative.objects.filter(owners=owner).order_by("external_id").first()
    foreign = (
        Initiative.objects.exclude(owners=owner)
        .filter(owners__isnull=False)
        .order_by("external_id")
        .first()
    )
    assert own is not None and foreign is not None
    return own, foreign


def test_a_reporter_edits_their_own_initiative_and_the_change_reaches_both_logs(
    browser: Browser, site: str, contexts: list[BrowserContext]
) -> None:
    owner = Organisation.objects.get(key="HDIR")
    initiative, foreign = _owned_and_foreign(owner)
    delivery = Delivery.objects.create(
        initiative=initiative,
        title="Pilot i tre kommuner",
        kind="available",
        planned_date=date(2027, 3, 1),
    )
    reporter = _user("rita", "Rita", "Rapportør")
    reporter.reporter_for.add(owner)
    secretariat = _user("sara", "Sara", "Sekretær", is_secretariat=True)
    new_first = Phase.DEVELOPMENT if initiative.phase_first != Phase.DEVELOPMENT else Phase.CONCEPT
    new_last = Phase.IN_USE

    page = signed_in(browser, site, reporter, contexts)
    page.goto(initiative.get_absolute_url())
    page.get_by_role("link", name=re.compile(r"^Endre(?! datoer| avhengigheter)")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(initiative.title)
    assert axe_violations(page) == []
    page.get_by_label("Fase fra").select_option(str(new_first.value))
    page.get_by_label("Fase til").select_option(str(new_last.value))
    row = page.locator("fieldset.editing-row", has_text=delivery.title)
    row.get_by_label("Planlagt dato").fill("2027-06-15")
    page.get_by_role("button", name="Lagre").click()

    expect(page).to_have_url(re.compile(re.escape(initiative.get_absolute_url()) + "$"))
    expect(page.get_by_role("status")).to_contain_text("Endringene er lagret.")
    log = page.locator("#endringslogg")
    expect(log).to_contain_text("Fase fra")
    expect(log).to_contain_text(new_first.label)
    expect(log).to_contain_text(f"leveranse «{delivery.title}»")
    expect(log).to_contain_text("15. juni 2027")
    expect(log).to_contain_text("Rita Rapportør")
    saved = Initiative.objects.get(pk=initiative.pk)
    assert (saved.phase_first, saved.phase_last) == (new_first.value, new_last.value)
    assert Delivery.objects.get(pk=delivery.pk).planned_date == date(2027, 6, 15)

    # The secretariat finds the same changes in the global log, filtered on the reporter.
    office = signed_in(browser, site, secretariat, contexts)
    office.goto("/rediger/endringslogg/")
    office.get_by_label("Endret av").select_option(label="Rita Rapportør (rita)")
    office.get_by_role("button", name="Vis endringer").click()
    rows = office.locator("table.editing-changelog tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Initiativ").first).to_contain_text(new_first.label)
    expect(rows.filter(has_text="Leveranse")).to_contain_text("15. juni 2027")
    expect(office.get_by_role("link", name=initiative.title).first).to_be_visible()
    assert axe_violations(office) == []

    # Someone else's initiative: no button, and the edit address is refused.
    page.goto(foreign.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(foreign.title)
    expect(page.get_by_role("link", name=re.compile(r"^Endre"))).to_have_count(0)
    response = page.goto(f"/rediger/veikart/{foreign.external_id}/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Du har ikke tilgang til å endre dette"
    )


def test_two_people_save_the_same_initiative_and_the_second_sees_both_versions(
    browser: Browser, site: str, contexts: list[BrowserContext]
) -> None:
    owner = Organisation.objects.get(key="HDIR")
    initiative, _foreign = _owned_and_foreign(owner)
    reporter = _user("rita", "Rita", "Rapportør")
    reporter.reporter_for.add(owner)
    secretariat = _user("sara", "Sara", "Sekretær", is_secretariat=True)
    edit_url = f"/rediger/veikart/{initiative.external_id}/"

    first = signed_in(browser, site, secretariat, contexts)
    second = signed_in(browser, site, reporter, contexts)
    first.goto(edit_url)
    second.goto(edit_url)

    first.locator("#id_title").fill("Tittel fra sekretariatet")
    first.get_by_role("button", name="Lagre").click()
    expect(first).to_have_url(re.compile(re.escape(initiative.get_absolute_url()) + "$"))

    second.locator("#id_title").fill("Tittel fra rapportøren")
    second.get_by_label("Beskrivelse").fill("En beskrivelse rapportøren ikke vil miste.")
    with second.expect_response(lambda r: r.request.method == "POST") as answer:
        second.get_by_role("button", name="Lagre").click()

    assert answer.value.status == 409
    expect(second.get_by_role("alert").first).to_contain_text("Endringene dine er ikke lagret ennå")
    title_row = second.locator("#comparison-fields").locator(
        "xpath=ancestor::table//tr", has_text="Tittel"
    )
    expect(title_row).to_contain_text("Ulik")
    expect(title_row).to_contain_text("Tittel fra rapportøren")
    expect(title_row).to_contain_text("Tittel fra sekretariatet")
    assert Initiative.objects.get(pk=initiative.pk).title == "Tittel fra sekretariatet"
    assert axe_violations(second) == []

    # The form below carries the reporter's values on top of the stored version.
    expect(second.get_by_label("Beskrivelse")).to_have_value(
        "En beskrivelse rapportøren ikke vil miste."
    )
    second.get_by_role("button", name="Lagre").click()
    expect(second).to_have_url(re.compile(re.escape(initiative.get_absolute_url()) + "$"))
    saved = Initiative.objects.get(pk=initiative.pk)
    assert (saved.title, saved.description) == (
        "Tittel fra rapportøren",
        "En beskrivelse rapportøren ikke vil miste.",
    )


def test_a_delivery_row_is_added_in_place_and_saved(
    browser: Browser, site: str, contexts: list[BrowserContext]
) -> None:
    owner = Organisation.objects.get(key="HDIR")
    initiative, _foreign = _owned_and_foreign(owner)
    reporter = _user("rita", "Rita", "Rapportør")
    reporter.reporter_for.add(owner)

    page = signed_in(browser, site, reporter, contexts)
    page.goto(f"/rediger/veikart/{initiative.external_id}/")
    rows = page.locator("#deliveries-rows fieldset.editing-row")
    before = rows.count()
    page.get_by_role("button", name="Legg til en rad").click()
    expect(rows).to_have_count(before + 1)
    # Focus moves to the new row, so keyboard users continue where the row appeared.
    expect(rows.nth(before).get_by_label("Tittel")).to_be_focused()
    assert page.url.endswith(f"/rediger/veikart/{initiative.external_id}/")
    for number, title in enumerate(["Første leveranse", "Andre leveranse"]):
        row = rows.nth(number)
        row.get_by_label("Tittel").fill(title)
        row.get_by_label("Type milepæl").select_option("provisional")
    page.get_by_role("button", name="Lagre").click()

    expect(page.locator("#endringslogg")).to_contain_text("leveranse «Andre leveranse»")
    assert sorted(initiative.deliveries.values_list("title", flat=True)) == [
        "Andre leveranse",
        "Første leveranse",
    ]


def test_an_organisation_number_is_checked_when_the_field_is_left(
    browser: Browser, site: str, contexts: list[BrowserContext]
) -> None:
    organisation = Organisation.objects.get(key="HDIR")
    secretariat = _user("sara", "Sara", "Sekretær", is_secretariat=True)
    page = signed_in(browser, site, secretariat, contexts)
    page.goto(f"/rediger/aktorer/{organisation.slug}/")
    address = page.url

    field = page.get_by_label("Organisasjonsnummer")
    field.fill("983 544 623")
    field.press("Tab")

    message = page.locator("#id_org_number_error")
    expect(message).to_contain_text("kontrollsifferet stemmer ikke")
    expect(page.get_by_label("Organisasjonsnummer")).to_have_attribute("aria-invalid", "true")
    assert page.url == address
    assert Organisation.objects.get(pk=organisation.pk).version == organisation.version
