"""The annual status report: content per goal, the gap for a sub-goal without initiatives, the
portfolio picture, the frozen stored copy and its PDF."""

import datetime
import hashlib
import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from retning.alignment import annual_report
from retning.alignment.models import AnnualReport, ThemeLogEntry
from retning.council import services as council_services
from retning.council.models import Body, Case
from retning.reporting.models import ReportingRound, StatusReport
from retning.roadmap.models import Initiative
from retning.strategy.models import Goal, Theme

from .conftest import People, client_for
from .test_gap_analysis import new_subgoal

YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def media(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    return tmp_path


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_generated_pdf_names_every_goal_and_the_known_gap(people: People, media: Path) -> None:
    new_subgoal(title="Delmål som ingen initiativer følger opp")
    ThemeLogEntry.objects.create(
        theme=Theme.objects.get(slug="digital-kompetanse"),
        date=datetime.date(YEAR, 1, 15),
        text="Kompetanseløftet er evaluert.",
    )
    response = client_for(people.secretariat).post(
        reverse("alignment:annual_report_generate", args=[YEAR])
    )
    report = AnnualReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    data = Path(report.pdf.path).read_bytes()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == report.sha256
    text = pdf_text(data)
    for goal in Goal.objects.all():
        assert goal.title in text, goal.title
    assert "5Z Delmål som ingen initiativer følger opp" in text
    assert "Kompetanseløftet er evaluert." in text
    assert f"Ingen rapporteringsrunde ennå i {YEAR}." in text
    assert not list(media.rglob(".ufullstendig-*"))


def test_pdf_is_tagged_and_uses_dejavu(seeded: None) -> None:
    data = annual_report.render_pdf(
        annual_report.render_html(annual_report.assemble(YEAR)), year=YEAR
    )
    reader = PdfReader(io.BytesIO(data))
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages[:2]
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("DejaVu" in name for name in fonts)


def test_portfolio_picture_counts_reports_per_rating_and_goal(people: People) -> None:
    round_ = ReportingRound.objects.create(
        label="Testrunde", opens_on=datetime.date(YEAR, 1, 1), deadline=datetime.date(YEAR, 1, 31)
    )
    initiatives = list(
        Initiative.objects.filter(subgoal__goal__number=1).order_by("external_id")[:3]
    )
    for initiative, rating in zip(initiatives, ["green", "red", "red"], strict=True):
        StatusReport.objects.create(round=round_, initiative=initiative, overall=rating)
    context = annual_report.assemble(YEAR)
    assert context["round"] == round_
    goal_one = next(s for s in context["goals"] if s.goal.number == 1)
    counts = dict(goal_one.portfolio)
    assert counts["Grønn – følger planen"] == 1
    assert counts["Rød – alvorlig avvik eller levering lite sannsynlig"] == 2
    other = next(s for s in context["goals"] if s.goal.number == 2)
    assert sum(n for _label, n in other.portfolio) == 0


def test_stored_report_is_frozen_and_can_be_attached_to_a_case(people: People) -> None:
    report = annual_report.generate(year=YEAR, user=people.secretariat)
    new_subgoal(code="5Y", title="Kom til etter genereringen")
    client = client_for(people.secretariat)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Kom til etter genereringen" not in page
    live = client.get(reverse("alignment:annual_report", args=[YEAR])).content.decode()
    assert "Kom til etter genereringen" in live
    council_services.body_create_defaults()
    case = council_services.case_propose(
        body=Body.objects.get(short_name="EHR"),
        title="Årlig statusrapport",
        case_type=Case.Type.BRIEFING,
    )
    response = client.post(
        reverse("alignment:annual_report_attach", args=[YEAR, report.pk]), {"case": case.pk}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.case == case
    pdf = client.get(reverse("alignment:annual_report_pdf", args=[YEAR, report.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(b"".join(pdf.streaming_content)).hexdigest() == report.sha256  # type: ignore[attr-defined]


def test_failed_save_leaves_no_file(
    people: People, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("databasen er borte")

    monkeypatch.setattr(AnnualReport, "save", broken)
    with pytest.raises(RuntimeError):
        annual_report.generate(year=YEAR, user=people.secretariat)
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_plan_changes_of_the_year_are_listed(seeded: None) -> None:
    from retning.council.models import PlanVersion

    PlanVersion.objects.create(label="Testversjon 1", kind=PlanVersion.Kind.COUNCIL_DECISION)
    PlanVersion.objects.create(label="Import", kind=PlanVersion.Kind.ROADMAP_IMPORT)
    labels = [line.version.label for line in annual_report.assemble(YEAR)["plan_changes"]]
    assert labels == ["Testversjon 1"]


def test_year_outside_the_strategy_is_not_found(people: People) -> None:
    client = client_for(people.secretariat)
    assert client.get(reverse("alignment:annual_report", args=[1999])).status_code == 404
    assert client.get(reverse("alignment:annual_report", args=[YEAR + 1])).status_code == 404
