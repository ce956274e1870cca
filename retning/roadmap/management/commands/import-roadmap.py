from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retning.roadmap.services import roadmap_import


class Command(BaseCommand):
    help = (
        "Importer en veikarteksport (semikolonseparert CSV fra Helsedirektoratet). "
        "Initiativer oppdateres etter Leveranse-ID; ved feil importeres ingenting."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV-filen som skal importeres")
        parser.add_argument(
            "--dry-run", action="store_true", help="Vis hva som ville skjedd uten å lagre noe"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Fant ikke filen {path}.")
        report = roadmap_import(
            data=path.read_bytes(), filename=path.name, dry_run=options["dry_run"]
        )
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"Merknad: {warning}"))
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(report.summary())
        for grouping in report.new_groupings:
            self.stdout.write(f"Ny gruppering: {grouping}")
        self.stdout.write(self.style.SUCCESS(report.summary()))
