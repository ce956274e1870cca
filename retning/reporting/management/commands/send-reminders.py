"""``retning send-reminders``: the daily reminder job for reporting rounds.

Schedule it once a day (cron or a systemd timer). By default it queues the job for the background
worker (``retning worker``), which locks finished rounds, plans due reminders and sends them.
``--now`` runs the job in this process instead, for a server without a worker or for a test.
"""

from typing import Any

from django.core.management.base import BaseCommand

from retning.reporting.tasks import reminders_run, run_reminders


class Command(BaseCommand):
    help = "Planlegger og sender påminnelser om statusrapporter (legger jobben i køen)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--now",
            action="store_true",
            help="Kjør jobben med en gang i stedet for å legge den i køen.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            result = reminders_run()
            self.stdout.write(
                f"Låste {result['locked']} runder, planla {result['planned']} påminnelser, "
                f"sendte {result['sent']}."
            )
            return
        queued = run_reminders.enqueue()
        self.stdout.write(f"Påminnelsesjobben er lagt i køen ({queued.id}).")
