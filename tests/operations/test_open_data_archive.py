"""The open-data archive: complete, parseable, public only, and byte-for-byte reproducible."""

import csv
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from retning.council import services
from retning.council.models import Body
from retning.council.services import PlanChangeRequest
from retning.indicators import exports
from retning.indicators.formats import parse_jsonstat
from retning.indicators.models import Indicator, Target
from retning.publishing import archive, archive_views
from retning.roadmap.models import Delivery, Initiative
from retning.strategy.models import Goal, SubGoal
from tests.council.conftest import meeting_on, propose

pytestmark = pytest.mark.django_db


def _entries(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as zipped:
        assert zipped.testzip() is None
        return {info.filename: zipped.read(info) for info in zipped.infolist()}


def _csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _decide(body: Body, day: dt.date, *, title: str, text: str, exempt: bool) -> None:
    meeting = meeting_on(body, day)
    case = services.case_schedule(
        case=propose(
            body,
            title,
            is_exempt=exempt,
            exemption_basis="offentleglova § 14" if exempt else "",
        ),
        meeting=meeting,
    )
    services.meeting_convene(meeting=meeting)
    services.meeting_hold(meeting=meeting)
    target = Target.objects.order_by("indicator__code", "period").first()
    assert target is not None
    change = PlanChangeRequest(
        kind="change", target=target, field_name="value", new_value=target.value + Decimal("1")
    )
    services.decision_record(case=case, text=text, changes=[change])
    services.minutes_approve(meeting=meeting)


def test_two_exports_of_the_same_data_are_identical_byte_for_byte(
    seeded: None, tmp_path: Path
) -> None:
    first = archive.build_archive()
    call_command("export-open-data", str(tmp_path / "ut.zip"), stdout=io.StringIO())

    assert (tmp_path / "ut.zip").read_bytes() == first == archive.build_archive()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary file left"


def test_a_change_in_the_data_changes_the_archive_and_its_generation_time(seeded: None) -> None:
    before = archive.build_archive()
    goal = Goal.objects.order_by("number").first()
    assert goal is not None
    goal.title = goal.title + " (endret)"
    goal.save()
    goal.history.update(history_date=dt.datetime(2031, 5, 17, 12, 0, tzinfo=dt.UTC))  # type: ignore[attr-defined]

    after = _entries(archive.build_archive())

    assert after != _entries(before)
    assert "(endret)" in after["plan/mal.csv"].decode("utf-8-sig")
    readme = after["README.txt"].decode("utf-8")
    assert "Generert fra data endret sist: 2031-05-17T12:00:00Z" in readme
    with zipfile.ZipFile(io.BytesIO(archive.build_archive())) as zipped:
        assert {info.date_time for info in zipped.infolist()} == {(2031, 5, 17, 12, 0, 0)}


def test_every_file_parses_and_the_readme_lists_it_in_both_languages(seeded: None) -> None:
    entries = _entries(archive.build_archive())

    assert list(entries) == sorted(entries)
    readme = entries.pop("README.txt").decode("utf-8")
    sums = entries.pop("SHA256SUMS").decode("ascii").splitlines()
    assert "NORSK" in readme and "ENGLISH" in readme and "NLOD" in readme
    assert "Datasettversjon: " in readme and "Dataset version: " in readme
    for name in entries:
        assert readme.count(f"  {name}: ") == 2, name
    assert len(sums) == len(entries)

    plan = json.loads(entries["plan/plan.json"])
    assert [g["number"] for g in plan["goals"]] == list(
        Goal.objects.order_by("number").values_list("number", flat=True)
    )
    assert len(plan["indicators"]) == Indicator.objects.count()
    assert sum(len(i["targets"]) for i in plan["indicators"]) == Target.objects.count()
    current = Initiative.objects.filter(retired_in__isnull=True)
    assert len(plan["initiatives"]) == current.count()
    counts = {
        "mal": Goal.objects.count(),
        "delmal": SubGoal.objects.count(),
        "indikatorer": Indicator.objects.count(),
        "malverdier": Target.objects.count(),
        "tiltak": current.count(),
        "leveranser": Delivery.objects.filter(initiative__in=current).count(),
    }
    assert counts["tiltak"] and counts["malverdier"]
    for name, count in counts.items():
        assert len(_csv(entries[f"plan/{name}.csv"])) == count, name

    observations = _csv(entries["data/observasjoner.csv"])
    assert {row["indikator"] for row in observations} <= set(
        Indicator.objects.values_list("code", flat=True)
    )
    collection = json.loads(entries["data/observasjoner.jsonstat.json"])
    assert collection["class"] == "collection" and collection["link"]["item"]
    read = 0
    for dataset in collection["link"]["item"]:
        dimensions = [d for d in dataset["id"] if d not in {"ContentsCode", "Tid"}]
        result = parse_jsonstat(
            json.dumps(dataset), exports.reading_mapping(dimensions, tabular=False)
        )
        assert result.ok, result.problems
        read += len(result.rows)
    assert read >= len(observations) > 0
    assert json.loads(entries["radsmodell/vedtak.json"]) == []


def test_exempt_cases_are_left_out_and_public_decisions_are_in(seeded: None) -> None:
    services.body_create_defaults()
    body = Body.objects.get(short_name="NUIT")
    _decide(
        body,
        dt.date(2026, 9, 10),
        title="Åpen sak om målverdi",
        text="Rådet anbefaler ÅPENT-VEDTAK.",
        exempt=False,
    )
    _decide(
        body,
        dt.date(2026, 10, 8),
        title="HEMMELIG-TITTEL",
        text="Rådet anbefaler HEMMELIG-VEDTAK.",
        exempt=True,
    )

    entries = _entries(archive.build_archive())

    everything = b"".join(entries.values()).decode("utf-8", errors="replace")
    assert "ÅPENT-VEDTAK" in everything
    assert "HEMMELIG" not in everything
    decisions = json.loads(entries["radsmodell/vedtak.json"])
    assert [d["text"] for d in decisions] == ["Rådet anbefaler ÅPENT-VEDTAK."]
    assert decisions[0]["plan_changes"][0]["field"] == "value"
    versions = json.loads(entries["radsmodell/planversjoner.json"])
    council = [v for v in versions if v["kind"] == "council_decision"]
    assert [v["decisions"] for v in council] == [[decisions[0]["case"]]]


def test_text_a_spreadsheet_would_run_is_neutralised_in_csv_but_kept_in_json(
    seeded: None,
) -> None:
    goal = Goal.objects.order_by("number").first()
    assert goal is not None
    goal.title = '=HYPERLINK("http://evil.example","klikk")'
    goal.save()

    entries = _entries(archive.build_archive())

    [row] = [r for r in _csv(entries["plan/mal.csv"]) if r["number"] == str(goal.number)]
    assert row["title"] == "'" + goal.title
    plan = json.loads(entries["plan/plan.json"])
    assert [g["title"] for g in plan["goals"] if g["number"] == goal.number] == [goal.title]
    for name, data in entries.items():
        if name.endswith(".csv"):
            for line in _csv(data):
                assert not any(v.startswith(("=", "+", "@")) for v in line.values()), name


def test_the_archive_is_a_public_download_with_an_etag(seeded: None, client: Client) -> None:
    url = reverse("publishing:open_data_archive")

    response = client.get(url)
    again = client.get(url, headers={"If-None-Match": response["ETag"]})

    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response.content == archive.build_archive()
    assert 'filename="retning-apne-data-' in response["Content-Disposition"]
    assert again.status_code == 304 and not again.content
    assert client.post(url).status_code == 405


def test_the_download_is_built_once_per_state_of_the_data(
    seeded: None, client: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    builds: list[int] = []
    original = archive_views.build_archive

    def counted() -> bytes:
        builds.append(1)
        return original()

    monkeypatch.setattr(archive_views, "build_archive", counted)
    url = reverse("publishing:open_data_archive")
    first = client.get(url).content
    assert client.get(url).content == first and len(builds) == 1

    goal = Goal.objects.order_by("number").first()
    assert goal is not None
    before = archive.fingerprint()
    goal.title += " (ny)"
    goal.save()

    assert archive.fingerprint() != before
    assert client.get(url).content != first and len(builds) == 2
