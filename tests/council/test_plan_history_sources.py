"""Plan versions also come from roadmap imports; plan pages name the decision that changed them."""

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from retning.council import services
from retning.council.models import Body, PlanVersion
from retning.roadmap.models import RoadmapVersion
from retning.roadmap.services import roadmap_import

from .conftest import Plan

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent.parent / "fixtures" / "veikart-2026-08.csv"


def _export_as(version: str) -> bytes:
    reader = csv.DictReader(io.StringIO(FIXTURE.read_text(encoding="utf-8")), delimiter=";")
    rows = list(reader)
    for row in rows:
        row["Versjon"] = version
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [], delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_a_roadmap_import_creates_a_plan_version_named_after_the_export(seeded: None) -> None:
    seeded_version = PlanVersion.objects.get(roadmap_version__label="2026-08")
    assert seeded_version.kind == PlanVersion.Kind.ROADMAP_IMPORT

    report = roadmap_import(data=_export_as("2027-02"), filename="veikart.csv")

    assert report.ok, report.problems
    version = PlanVersion.objects.get(roadmap_version=RoadmapVersion.objects.get(label="2027-02"))
    assert version.label == "Veikart 2027-02" and version.kind == PlanVersion.Kind.ROADMAP_IMPORT
    # The same export again makes no second version; a dry run makes none at all.
    roadmap_import(data=_export_as("2027-02"))
    roadmap_import(data=_export_as("2027-09"), dry_run=True)
    assert PlanVersion.objects.filter(kind=PlanVersion.Kind.ROADMAP_IMPORT).count() == 2
    assert "Veikart 2027-02" in Client().get(reverse("council:plan_history")).content.decode()


def _approved_change(nuit: Body, plan: Plan, **exempt: object) -> object:
    meeting = services.meeting_create(body=nuit, date=datetime.date(2026, 5, 27), place="Oslo")
    case = services.case_schedule(
        case=services.case_propose(body=nuit, title="Ny fase", case_type="resolution", **exempt),
        meeting=meeting,
    )
    services.meeting_convene(meeting=meeting)
    services.meeting_hold(meeting=meeting)
    services.decision_record(
        case=case,
        text="Vedtatt",
        changes=[
            services.PlanChangeRequest(
                kind="change",
                target=plan.indicator.targets.order_by("period").first(),
                field_name="value",
                new_value=Decimal("42"),
            )
        ],
    )
    services.minutes_approve(meeting=meeting)
    return case


def _render(obj: object, user: object = None) -> str:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()  # type: ignore[attr-defined]
    template = Template('{% include "council/partials/plan_changes.html" with plan_object=obj %}')
    return template.render(Context({"obj": obj, "request": request}))


def test_the_plan_object_names_the_decision_in_few_queries(nuit: Body, plan: Plan) -> None:
    case = _approved_change(nuit, plan)
    _render(plan.indicator)  # warm the content type cache
    with CaptureQueriesContext(connection) as queries:
        html = _render(plan.indicator)
    assert len(queries) <= 2
    assert "Endret ved vedtak i" in html and "Sak 1/26" in html and "NUIT" in html
    assert "2026-05-27" in html
    assert reverse("council:case_detail", args=[case.pk]) in html  # type: ignore[attr-defined]
    assert "Endret" not in _render(plan.initiative)  # untouched objects say nothing


def test_an_exempt_decision_is_not_named_to_the_public(nuit: Body, plan: Plan) -> None:
    case = _approved_change(nuit, plan, is_exempt=True, exemption_basis="offl. § 14")
    html = _render(plan.indicator)
    assert "Endret ved vedtak i NUIT, 2026-05-27" in " ".join(html.split())
    assert "Sak 1/26" not in html
    assert reverse("council:case_detail", args=[case.pk]) not in html  # type: ignore[attr-defined]
