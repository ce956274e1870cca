import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retning.indicators.formats import Mapping, MappingError
from retning.indicators.models import Indicator
from retning.indicators.services import indicator_observations_import


class Command(BaseCommand):
    help = (
        "Les inn målinger for en målindikator fra en fil (JSON-stat, CSV eller XLSX). "
        "Ved feil lagres ingenting."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("indicator", help="Koden til målindikatoren")
        parser.add_argument("file", type=Path, help="Filen som skal leses inn")
        parser.add_argument(
            "--dry-run", action="store_true", help="Vis hva som ville skjedd uten å lagre noe"
        )
        parser.add_argument(
            "--source",
            default="",
            help="Navnet på kilden, f.eks. «SSB tabell 12345»; oppsettet lagres under dette navnet",
        )
        parser.add_argument(
            "--mapping", type=Path, help="JSON-fil med oppsettet (hvilke kolonner er hva)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        indicator = Indicator.objects.filter(code=options["indicator"]).first()
        if indicator is None:
            raise CommandError(f"Fant ingen målindikator med koden «{options['indicator']}».")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Fant ikke filen {path}.")
        mapping = _read_mapping(options["mapping"]) if options["mapping"] else None
        report = indicator_observations_import(
            indicator=indicator,
            data=path.read_bytes(),
            filename=path.name,
            mapping=mapping,
            source_name=options["source"] or None,
            user=None,
            dry_run=options["dry_run"],
        )
        first, *details = report.lines_nb()
        if not report.ok:
            for line in details:
                self.stderr.write(line)
            raise CommandError(first)
        for line in details:
            self.stdout.write(line)
        if report.mapping_was_saved:
            self.stdout.write(f"Oppsettet er lagret for kilden «{options['source']}».")
        self.stdout.write(self.style.SUCCESS(first))


def _read_mapping(path: Path) -> Mapping:
    if not path.is_file():
        raise CommandError(f"Fant ikke oppsettfilen {path}.")
    try:
        return Mapping.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CommandError(f"Oppsettfilen {path} er ikke gyldig JSON: {error}") from error
    except MappingError as error:
        raise CommandError(f"Oppsettfilen {path} kan ikke brukes: {error}") from error
