"""A mail backend for the fault tests: records each delivery in a file and can die mid-run.

``FAULT_MAIL_LOG`` names the file; one line per delivered message. ``FAULT_KILL_BEFORE=n`` kills
the process with SIGKILL while it sends the n-th message of this process, before that message is
recorded (the SMTP server never accepted it); ``FAULT_KILL_AFTER=n`` kills it right after the
n-th message is recorded (accepted, but not yet marked sent in the database).
"""

import os
import signal
from collections.abc import Sequence

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage


class RecordingBackend(BaseEmailBackend):
    sent_here = 0

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            number = type(self).sent_here + 1
            if number == int(os.environ.get("FAULT_KILL_BEFORE", "0")):
                os.kill(os.getpid(), signal.SIGKILL)
            with open(os.environ["FAULT_MAIL_LOG"], "a", encoding="utf-8") as log:
                log.write(f"{','.join(message.to)}\t{message.subject}\n")
                log.flush()
                os.fsync(log.fileno())
            type(self).sent_here = number
            if number == int(os.environ.get("FAULT_KILL_AFTER", "0")):
                os.kill(os.getpid(), signal.SIGKILL)
        return len(email_messages)
