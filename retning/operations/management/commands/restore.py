from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from retning.operations.backup import BackupError, restore_backup, target_from_settings


class Command(BaseCommand):
    help = (
        "Gjenopprett en sikkerhetskopi laget med «retning backup». Sjekker alle sjekksummer før "
        "noe endres, og nekter å skrive over en database som ikke er tom uten --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="Arkivet (.tar.gz) som skal gjenopprettes.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Erstatt innholdet også i en database som ikke er tom.",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help=f"Standard: {DEFAULT_DB_ALIAS}."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        # The restore writes through its own connections; an open one here would hold locks.
        connection.close()
        try:
            result = restore_backup(
                archive=options["archive"],
                database=target_from_settings(connection.settings_dict, connection.vendor),
                media_root=Path(settings.MEDIA_ROOT),
                force=options["force"],
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Gjenopprettet sikkerhetskopien fra {result.created_at} (Retning {result.retning_version}):"
            f" {result.tables} tabeller, {result.rows} rader, {result.media_files} opplastede filer."
        )
        if result.row_count_mismatches:
            lines = [
                f"  {table}: {expected} rader i arkivet, {actual} i databasen"
                for table, expected, actual in result.row_count_mismatches
            ]
            raise CommandError(
                "Gjenopprettingen er kjørt, men antall rader stemmer ikke med manifestet for "
                "disse tabellene:\n" + "\n".join(lines)
            )
        self.stdout.write(self.style.SUCCESS("Antall rader i hver tabell stemmer med manifestet."))
        self.stdout.write(
            "Kjør «retning migrate» hvis denne versjonen av Retning er nyere enn den som tok kopien."
        )
