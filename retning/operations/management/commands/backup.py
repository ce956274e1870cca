from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from retning.operations.backup import BackupError, create_backup, target_from_settings


def retning_version() -> str:
    try:
        return version("retning")
    except PackageNotFoundError:
        return "ukjent"


class Command(BaseCommand):
    help = (
        "Ta en sikkerhetskopi av databasen og de opplastede filene: ett tar.gz-arkiv med "
        "manifest og sjekksummer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Mappen arkivet skrives til (standard: backups/ i RETNING_VAR_DIR).",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help=f"Standard: {DEFAULT_DB_ALIAS}."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        output_dir = options["output"] or Path(settings.VAR_DIR) / "backups"
        try:
            result = create_backup(
                database=target_from_settings(connection.settings_dict, connection.vendor),
                media_root=Path(settings.MEDIA_ROOT),
                output_dir=output_dir,
                retning_version=retning_version(),
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{result.tables} tabeller med {result.rows} rader og {result.media_files} "
            "opplastede filer er tatt med."
        )
        self.stdout.write(self.style.SUCCESS(f"Sikkerhetskopien er skrevet til {result.archive}"))
