"""The import-observations command: a Norwegian report, and nothing written on problems."""

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from retning.indicators.models import ImportMapping, Indicator, Observation
from retning.strategy.models import Goal

FIXTURES = Path(__file__).parent.parent / "fixtures" / "indicators"


@pytest.fixture
def indicator(seeded: None) -> Indicator:
    return Indicator.objects.create(
        code="TEST-CLI",
        name="Testindikator",
        goal=Goal.objects.order_by("number").first(),
        unit="%",
    )


@pytest.fixture
def mapping_file(tmp_path: Path) -> Path:
    path = tmp_path / "mapping.json"
    path.write_text(
        json.dumps({"filters": {"ContentsCode": "Andel", "Kjonn": "2", "Region": "46"}}),
        encoding="utf-8",
    )
    return path


def _call(*args: str) -> str:
    out = StringIO()
    call_command("import-observations", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_imports_a_file_and_saves_the_mapping_under_the_source(
    indicator: Indicator, mapping_file: Path
) -> None:
    output = _call(
        indicator.code,
        str(FIXTURES / "ssb_arrays.json"),
        "--mapping",
        str(mapping_file),
        "--source",
        "SSB testtabell",
    )

    assert "Importert: 2 nye" in output
    assert Observation.objects.filter(indicator=indicator).count() == 2
    assert ImportMapping.objects.filter(indicator=indicator, source_name="SSB testtabell").exists()


def test_a_dry_run_prints_the_report_and_writes_nothing(
    indicator: Indicator, mapping_file: Path
) -> None:
    output = _call(
        indicator.code,
        str(FIXTURES / "ssb_arrays.json"),
        "--mapping",
        str(mapping_file),
        "--dry-run",
    )

    assert "Prøvekjøring: 2 nye" in output
    assert not Observation.objects.filter(indicator=indicator).exists()


def test_the_saved_mapping_is_used_when_none_is_given(
    indicator: Indicator, mapping_file: Path
) -> None:
    data = str(FIXTURES / "ssb_arrays.json")
    _call(indicator.code, data, "--mapping", str(mapping_file), "--source", "SSB")
    Observation.objects.filter(indicator=indicator, period="2022").update(value=Decimal("1"))

    output = _call(indicator.code, data, "--source", "SSB")

    assert "1 endrede" in output
    assert "2022: 1 →" in output


def test_problems_give_a_command_error_and_nothing_is_written(
    indicator: Indicator, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"periode,verdi,status\n2022,10,\n2023,ti,\n")
    mapping = tmp_path / "m.json"
    mapping.write_text('{"time": "periode", "value": "verdi", "status": "status"}')
    errors = StringIO()

    with pytest.raises(CommandError, match="Ingenting er lagret"):
        call_command(
            "import-observations",
            indicator.code,
            str(broken),
            "--mapping",
            str(mapping),
            stdout=StringIO(),
            stderr=errors,
        )

    assert "Rad 3" in errors.getvalue()
    assert not Observation.objects.filter(indicator=indicator).exists()


def test_an_unknown_indicator_is_a_command_error(seeded: None) -> None:
    with pytest.raises(CommandError, match="Fant ingen målindikator"):
        _call("FINNES-IKKE", str(FIXTURES / "ssb_arrays.json"))


def test_an_invalid_mapping_file_is_a_command_error(indicator: Indicator, tmp_path: Path) -> None:
    mapping = tmp_path / "m.json"
    mapping.write_text('{"breakdowns": [{"source": "Region", "kind": "planet"}]}')

    with pytest.raises(CommandError, match="kan ikke brukes"):
        _call(indicator.code, str(FIXTURES / "ssb_arrays.json"), "--mapping", str(mapping))
