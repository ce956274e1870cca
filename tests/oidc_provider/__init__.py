"""A real OpenID Connect provider for the single sign-on tests, built on django-oauth-toolkit.

It runs as its own Django project in a subprocess (``python -m tests.oidc_provider``), with its own
SQLite database in a temporary folder and a signing key made when it starts. ``server.py`` starts
and stops it; the constants below are what both sides must agree on.
"""

CLIENT_ID = "retning-test"
CLIENT_SECRET = "retning-test-secret-not-used-anywhere-else"  # noqa: S105 - a throwaway test client
USERNAME = "kari.helsedir"
PASSWORD = "provider-password-1234"  # noqa: S105 - the test user of a throwaway provider
EMAIL = "kari.nordmann@helsedir.example"
GIVEN_NAME = "Kari"
FAMILY_NAME = "Nordmann"
# Helsedirektoratet, plus a malformed number that Retning must ignore.
ORGNR = ["983544622", "12345"]
