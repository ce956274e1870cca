"""``retning send-watch-reminders``: daily reminders about watch items whose review date is near.

By default the job is queued for ``retning worker``; ``--now`` runs it in this process.
"""

from typing import Any

from django.core.management.base import BaseCommand

from retning.alignment.tasks import run_watch_reminders, watch_reminders_run


class Command(BaseCommand):
    help = "Planlegger og sender påminnelser om punkter sekretariatet følger med på."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--now",
            action="store_true",
            help="Kjør jobben med en gang i stedet for å legge den i køen.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            result = watch_reminders_run()
            self.stdout.write(f"Planla {result['planned']} påminnelser, sendte {result['sent']}.")
            return
        queued = run_watch_reminders.enqueue()
        self.stdout.write(f"Påminnelsesjobben er lagt i køen ({queued.id}).")
