"""Settings for processes the fault tests start: the test profile with the recording mail backend."""

from retning.settings.test import *  # noqa: F403

MAILERS = {"default": {"BACKEND": "tests.operations.fault_mail.RecordingBackend"}}
