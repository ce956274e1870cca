"""Who may open and post every alignment page. Every URL under /samsvar/ must have rows here."""

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from retning.alignment.models import (
    ActorPlan,
    AnnualReport,
    PlanItem,
    RelatedDocument,
    ThemeLogEntry,
    WatchItem,
)
from retning.council.models import Body, Case, Membership
from retning.indicators.models import Indicator

from .conftest import Orgs, People, client_for, make_plan

ROLES = ("anonymous", "plain", "reporter_own", "reporter_other", "secretariat")
LOGIN = "login"
YEAR = timezone.localdate().year
SECRETARIAT_ONLY = (LOGIN, 403, 403, 403, 200)
OWN_ORG = (LOGIN, 403, 200, 403, 200)
PUBLIC = (200, 200, 200, 200, 200)

# fmt: off
MATRIX: dict[tuple[str, str], tuple[int | str, ...]] = {
    #                                     anonymous plain r_own r_other secretariat
    ("matrix", "GET"):                    PUBLIC,
    ("unreflected", "GET"):               PUBLIC,
    ("plan_detail", "GET"):               PUBLIC,
    ("plan_add", "GET"):                  OWN_ORG,
    ("plan_add", "POST"):                 OWN_ORG,  # empty form: shown again with errors
    ("plan_edit", "GET"):                 OWN_ORG,
    ("plan_edit", "POST"):                OWN_ORG,
    ("item_add", "GET"):                  OWN_ORG,
    ("item_add", "POST"):                 OWN_ORG,
    ("item_edit", "GET"):                 OWN_ORG,
    ("item_edit", "POST"):                OWN_ORG,
    ("item_delete", "GET"):               OWN_ORG,
    ("item_delete", "POST"):              OWN_ORG,  # no version posted: shown again
    ("item_propose", "GET"):              (LOGIN, 403, 403, 403, 405),
    ("item_propose", "POST"):             (LOGIN, 403, 403, 403, 302),
    ("gaps", "GET"):                      SECRETARIAT_ONLY,
    ("indicator_links", "GET"):           SECRETARIAT_ONLY,
    ("indicator_links", "POST"):          (LOGIN, 403, 403, 403, 302),
    ("document_add", "GET"):              SECRETARIAT_ONLY,
    ("document_add", "POST"):             SECRETARIAT_ONLY,
    ("document_edit", "GET"):             SECRETARIAT_ONLY,
    ("document_edit", "POST"):            SECRETARIAT_ONLY,
    ("watch_list", "GET"):                SECRETARIAT_ONLY,
    ("watch_add", "GET"):                 SECRETARIAT_ONLY,
    ("watch_add", "POST"):                SECRETARIAT_ONLY,
    ("watch_edit", "GET"):                SECRETARIAT_ONLY,
    ("watch_edit", "POST"):               SECRETARIAT_ONLY,
    ("watch_close", "GET"):               SECRETARIAT_ONLY,
    ("watch_close", "POST"):              SECRETARIAT_ONLY,
    ("theme_log_add", "GET"):             SECRETARIAT_ONLY,
    ("theme_log_add", "POST"):            SECRETARIAT_ONLY,
    ("annual_report_index", "GET"):       SECRETARIAT_ONLY,
    ("annual_report", "GET"):             SECRETARIAT_ONLY,
    ("annual_report_generate", "GET"):    (LOGIN, 403, 403, 403, 405),
    ("annual_report_stored", "GET"):      SECRETARIAT_ONLY,
    ("annual_report_pdf", "GET"):         SECRETARIAT_ONLY,
    ("annual_report_attach", "GET"):      SECRETARIAT_ONLY,
    ("annual_report_attach", "POST"):     SECRETARIAT_ONLY,
}
# fmt: on


class Records:
    def __init__(self, orgs: Orgs, media: Path) -> None:
        self.plan, self.item = make_plan(orgs.own)
        self.indicator = Indicator.objects.order_by("code").first()
        self.document = RelatedDocument.objects.order_by("title").first()
        self.watch = WatchItem.objects.create(title="Følges", review_date=datetime.date(2027, 1, 1))
        report = AnnualReport(
            year=YEAR, generated_at=timezone.now(), html="<p>Rapport</p>", sha256="0" * 64
        )
        report.pdf.save("test.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
        report.save()
        self.report = report


def _url(name: str, r: Records) -> str:
    args: dict[str, list[Any]] = {
        "plan_add": [r.plan.organisation.slug],
        "plan_detail": [r.plan.pk],
        "plan_edit": [r.plan.pk],
        "item_add": [r.plan.pk],
        "item_edit": [r.item.pk],
        "item_propose": [r.item.pk],
        "item_delete": [r.item.pk],
        "indicator_links": [r.indicator.code],  # type: ignore[union-attr]
        "document_edit": [r.document.pk],  # type: ignore[union-attr]
        "watch_edit": [r.watch.pk],
        "watch_close": [r.watch.pk],
        "theme_log_add": ["digital-sikkerhet"],
        "annual_report": [YEAR],
        "annual_report_generate": [YEAR],
        "annual_report_stored": [YEAR, r.report.pk],
        "annual_report_pdf": [YEAR, r.report.pk],
        "annual_report_attach": [YEAR, r.report.pk],
    }
    return reverse(f"alignment:{name}", args=args.get(name, []))


def _state(name: str, r: Records) -> Any:
    """Something that changes exactly when the view writes, to check that denials write nothing."""
    readers: dict[str, Callable[[], Any]] = {
        "plan_add": lambda: ActorPlan.objects.count(),
        "plan_edit": lambda: ActorPlan.objects.get(pk=r.plan.pk).version,
        "item_add": lambda: PlanItem.objects.count(),
        "item_edit": lambda: PlanItem.objects.get(pk=r.item.pk).version,
        "item_propose": lambda: Case.objects.count(),
        "item_delete": lambda: PlanItem.objects.filter(pk=r.item.pk).exists(),
        "indicator_links": lambda: r.indicator.initiative_links.count(),  # type: ignore[union-attr]
        "document_add": lambda: RelatedDocument.objects.count(),
        "watch_add": lambda: WatchItem.objects.count(),
        "watch_close": lambda: WatchItem.objects.get(pk=r.watch.pk).status,
        "theme_log_add": lambda: ThemeLogEntry.objects.count(),
        "annual_report_attach": lambda: AnnualReport.objects.get(pk=r.report.pk).case_id,
    }
    return readers[name]() if name in readers else None


def _walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += _walk(pattern.url_patterns, route)
        else:
            found.append((route, pattern))
    return found


def test_every_url_under_samsvar_has_rows_in_the_matrix() -> None:
    names = {p.name for route, p in _walk(get_resolver().url_patterns) if "samsvar/" in route}
    assert names == {name for name, _method in MATRIX}


@pytest.fixture
def records(orgs: Orgs, settings: Any, tmp_path: Path) -> Records:
    settings.MEDIA_ROOT = tmp_path
    return Records(orgs, tmp_path)


@pytest.mark.parametrize(("name", "method"), list(MATRIX))
def test_permission_matrix(name: str, method: str, people: People, records: Records) -> None:
    expected_by_role = dict(zip(ROLES, MATRIX[(name, method)], strict=True))
    url = _url(name, records)
    for role in ROLES:
        expected = expected_by_role[role]
        before = _state(name, records)
        client = client_for(people.by_role(role))
        response = client.post(url, {}) if method == "POST" else client.get(url)
        if expected == LOGIN:
            assert response.status_code == 302, (role, response.status_code)
            assert "/konto/logg-inn/" in response["Location"] or "login" in response["Location"]
        else:
            assert response.status_code == expected, (role, name, method, response.status_code)
        if method == "POST" and expected in (LOGIN, 403):
            assert _state(name, records) == before, f"{role} changed data through {name}"


def test_council_members_read_annual_reports_but_do_not_generate(
    people: People, records: Records
) -> None:
    Body.objects.get_or_create(short_name="EHR", defaults={"name": "Nasjonalt e-helseråd"})
    Membership.objects.create(
        body=Body.objects.get(short_name="EHR"), user=people.plain, person_name="Medlem"
    )
    client = client_for(people.plain)
    assert client.get(reverse("alignment:annual_report_index")).status_code == 200
    assert client.get(_url("annual_report_stored", records)).status_code == 200
    assert client.post(_url("annual_report_generate", records)).status_code == 403
