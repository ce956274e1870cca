"""Default profile: development and tests. Production uses ``retning.settings.production``."""

from .base import *  # noqa: F403
