from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Start Retning på http://127.0.0.1:8000 (for utvikling og første gangs kjøring)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Retning kjører på http://{options['addrport']}/  (Ctrl+C avslutter)")
        call_command("runserver", options["addrport"], use_reloader=False)
