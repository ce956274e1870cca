from typing import Any

from django.core.management.base import BaseCommand, CommandError

from retning.dataset.services import DatasetError, dataset_seed


class Command(BaseCommand):
    help = "Last inn standarddatasettet (Nasjonal e-helsestrategi 2023–2030). Trygt å kjøre flere ganger."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = dataset_seed()
        except DatasetError as error:
            raise CommandError(str(error)) from error
        if not report.changed_anything:
            self.stdout.write("Standarddatasettet er allerede lastet inn; ingenting er endret.")
            return
        for name, count in sorted(report.created.items()):
            self.stdout.write(f"  nye {name}: {count}")
        for name, count in sorted(report.updated.items()):
            self.stdout.write(f"  oppdaterte {name}: {count}")
        if report.roadmap:
            self.stdout.write(report.roadmap.summary())
        self.stdout.write(self.style.SUCCESS("Standarddatasettet er lastet inn."))
