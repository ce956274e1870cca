"""Profile for the test suite: static files from the app folders, a fast password hasher."""

from .base import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Test transactions roll back, and SQLite then hands out the same ids again, so a cache keyed by
# data state could serve a previous test's result. Tests that check caching switch it on.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# Several test runs can share one PostgreSQL server when each names its own test database.
if env_str("RETNING_TEST_DATABASE"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": env_str("RETNING_TEST_DATABASE")}  # noqa: F405
