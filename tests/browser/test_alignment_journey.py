"""Alignment in a real browser: a reporter registers a plan with two items linked to sub-goals, the
matrix and the organisation page show the coverage, and the secretariat's annual report lists the
gap for a sub-goal that has no initiative."""

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader

from retning.actors.models import Organisation
from retning.alignment.models import ActorPlan, AnnualReport
from retning.strategy.models import Goal, Strategy, SubGoal
from tests.browser.support import axe_violations, signed_in

pytestmark = pytest.mark.browser


def _user(username: str, **roles: Any) -> Any:
    return get_user_model().objects.create_user(
        username=username,
        password="et-langt-passord-123",
        first_name=username.capitalize(),
        last_name="Testesen",
        **roles,
    )


def _add_item(page: Page, title: str, subgoal: SubGoal, strength: str) -> None:
    page.get_by_role("link", name="Legg til et punkt").click()
    page.get_by_label("Type punkt").select_option(label="Mål")
    page.get_by_label("Tittel").fill(title)
    page.get_by_label(f"{subgoal.code} {subgoal.title}", exact=True).select_option(label=strength)
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("status")).to_contain_text("Punktet er lagt til.")


def test_reporter_plan_reaches_matrix_organisation_page_and_annual_report(
    browser: Browser,
    site: str,
    contexts: list[BrowserContext],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    strategy = Strategy.current()
    organisation = Organisation.objects.get(slug="helse-vest-rhf")
    first = SubGoal.objects.get(strategy=strategy, code="1A")
    second = SubGoal.objects.get(strategy=strategy, code="3B")
    lonely = SubGoal.objects.create(
        strategy=strategy,
        goal=Goal.objects.get(strategy=strategy, number=5),
        code="5Z",
        title="Delmål som ingen initiativer følger opp",
    )
    reporter = _user("rita")
    reporter.reporter_for.add(organisation)
    secretariat = _user("sara", is_secretariat=True)

    # The reporter registers the plan from the organisation page.
    page = signed_in(browser, site, reporter, contexts)
    page.goto(organisation.get_absolute_url())
    page.get_by_role("link", name="Registrer en plan").click()
    assert axe_violations(page) == []
    page.get_by_label("Tittel").fill("Regional utviklingsplan 2024–2027")
    page.get_by_label("Gjelder fra år").fill("2024")
    page.get_by_label("Gjelder til år").fill("2027")
    page.get_by_label("Status").select_option(label="Vedtatt")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Regional utviklingsplan 2024–2027")

    _add_item(page, "Felles pasientjournal i regionen", first, "Direkte bidrag")
    assert axe_violations(page) == []
    _add_item(page, "Digital hjemmeoppfølging", second, "Støtter")
    expect(page.get_by_role("article")).to_have_count(2)
    plan = ActorPlan.objects.get(organisation=organisation)
    assert plan.items.count() == 2

    # The matrix shows the coverage in text, in the organisation's column.
    page.goto("/samsvar/")
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader", name=organisation.display_name)).to_be_visible()
    row = table.get_by_role("row", name=re.compile(rf"^{first.code} "))
    expect(row).to_contain_text("Direkte bidrag")
    expect(table.get_by_role("row", name=re.compile(rf"^{second.code} "))).to_contain_text(
        "Støtter"
    )
    total = SubGoal.objects.filter(strategy=strategy).count()
    expect(table).to_contain_text(f"2 av {total} delmål")
    assert axe_violations(page) == []

    # The organisation page shows the same coverage.
    page.goto(organisation.get_absolute_url())
    expect(page.locator("#org-coverage")).to_contain_text(f"dekker 2 av {total} nasjonale delmål")

    # The secretariat generates the annual report; it names the sub-goal without initiatives.
    office = signed_in(browser, site, secretariat, contexts)
    year = timezone.localdate().year
    office.goto(f"/samsvar/arsrapport/{year}/")
    office.get_by_role("button", name=f"Generer rapporten for {year}").click()
    expect(office.get_by_role("status")).to_contain_text("er generert og lagret")
    gaps = office.get_by_role("region", name="Delmål uten aktivt initiativ")
    expect(gaps).to_contain_text(f"{lonely.code} {lonely.title}")
    assert axe_violations(office) == []
    expect(office.get_by_role("link", name="Last ned PDF")).to_be_visible()
    report = AnnualReport.objects.get(year=year)
    text = " ".join(
        " ".join((p.extract_text() or "").split())
        for p in PdfReader(io.BytesIO(Path(report.pdf.path).read_bytes())).pages
    )
    assert f"{lonely.code} {lonely.title}" in text
    assert organisation.name in text


def test_secretariat_pages_have_no_wcag_violations(
    browser: Browser, site: str, contexts: list[BrowserContext]
) -> None:
    from retning.alignment.models import RelatedDocument, WatchItem
    from retning.indicators.models import Indicator

    secretariat = _user("sara", is_secretariat=True)
    watch = WatchItem.objects.create(
        title="Ny stortingsmelding om beredskap", review_date=timezone.localdate()
    )
    document = RelatedDocument.objects.order_by("title").first()
    indicator = Indicator.objects.order_by("code").first()
    assert document is not None and indicator is not None
    page = signed_in(browser, site, secretariat, contexts)
    found: list[str] = []
    for url in [
        "/samsvar/gap/",
        f"/samsvar/gap/indikatorer/{indicator.code}/",
        "/samsvar/folges-med/",
        "/samsvar/folges-med/ny/",
        f"/samsvar/folges-med/{watch.pk}/lukk/",
        f"/samsvar/dokumenter/{document.pk}/endre/",
        "/samsvar/temaer/digital-sikkerhet/logg/ny/",
        "/samsvar/arsrapport/",
        "/samsvar/uten-nasjonalt-initiativ/",
    ]:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        found += [f"{url}: {line}" for line in axe_violations(page)]
    # A refused form shows the error summary, which must be accessible too.
    page.goto(f"/samsvar/folges-med/{watch.pk}/lukk/")
    page.get_by_role("button", name="Lukk punktet").click()
    expect(page.locator("#error-summary")).to_be_visible()
    found += [f"close with errors: {line}" for line in axe_violations(page)]
    assert not found, "\n".join(found)
