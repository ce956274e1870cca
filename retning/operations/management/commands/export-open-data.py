"""``retning export-open-data OUT.zip``: the plan, indicator data and public decisions as one ZIP."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retning.lib.files import write_atomically
from retning.publishing.archive import build_archive


class Command(BaseCommand):
    help = (
        "Skriv planen, indikatordataene og de offentlige vedtakene som ett ZIP-arkiv med åpne "
        "data (CSV, JSON og JSON-stat, med README). Samme data gir et byte-likt arkiv."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "output", type=Path, help="Filen arkivet skrives til, for eksempel data.zip."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        if output.is_dir():
            raise CommandError(
                f"«{output}» er en mappe; oppgi et filnavn, for eksempel {output / 'data.zip'}."
            )
        if not output.parent.is_dir():
            raise CommandError(f"Mappen «{output.parent}» finnes ikke.")
        content = build_archive()
        # Written beside the target and renamed into place: a reader never sees half a file.
        write_atomically(output, content, mode=0o644)
        self.stdout.write(f"Skrev {output} ({len(content)} byte).")
