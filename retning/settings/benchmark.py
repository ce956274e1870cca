"""Profile for benchmarks: the test profile's static files, but caching as in production."""

from .test import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
