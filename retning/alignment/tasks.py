"""Reminders about watch items, planned and sent by the background worker.

``watch_reminders_run`` plans a ``WatchReminder`` row for every open watch item whose review date
is within two weeks or has passed (one per item, review date and recipient: the secretariat and
the item's owner), then sends every unsent row. Running it twice sends nothing twice.
``retning send-watch-reminders`` queues it once a day; ``retning worker`` runs the queue.
"""

from datetime import date

from django.tasks import task
from django.utils import translation

from . import services


def watch_reminders_run(today: date | None = None) -> dict[str, int]:
    with translation.override("nb"):
        planned = services.reminders_plan(today=today)
        sent = services.reminders_send(today=today)
    return {"planned": planned, "sent": sent}


@task()
def run_watch_reminders() -> dict[str, int]:
    """Background task for the daily watch-item reminders."""
    return watch_reminders_run()
