"""``retning worker``: run queued background tasks (reminder e-mails and other scheduled work).

A thin name for django-tasks-db's ``db_worker`` so operators start one documented command. Every
option of ``db_worker`` is accepted (``--batch`` runs what is queued and exits, ``--interval``
sets the polling period in seconds).
"""

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand


class Command(DatabaseWorkerCommand):
    help = "Kjører bakgrunnsoppgaver fra køen (påminnelser og annet planlagt arbeid)."

    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, **options)
