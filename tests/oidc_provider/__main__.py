"""Prepare the provider's database, user and client, then serve: ``python -m tests.oidc_provider``.

Arguments: the port to listen on (127.0.0.1 only) and the redirect URI of Retning's callback.
The environment must name a data folder (OIDC_PROVIDER_DATA_DIR); the user's subject is written
to ``provider.json`` there before the server starts.
"""

import argparse
import json
import os
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--redirect-uri", required=True)
    args = parser.parse_args()
    os.environ["OIDC_PROVIDER_ISSUER"] = f"http://127.0.0.1:{args.port}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"

    import django

    django.setup()

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oauth2_provider.models import Application

    from . import CLIENT_ID, CLIENT_SECRET, EMAIL, FAMILY_NAME, GIVEN_NAME, PASSWORD, USERNAME

    call_command("migrate", verbosity=0, interactive=False)
    user = get_user_model().objects.create_user(
        username=USERNAME,
        password=PASSWORD,
        email=EMAIL,
        first_name=GIVEN_NAME,
        last_name=FAMILY_NAME,
    )
    Application.objects.create(
        name="Retning",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=args.redirect_uri,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    data_dir = Path(os.environ["OIDC_PROVIDER_DATA_DIR"])
    (data_dir / "provider.json").write_text(json.dumps({"sub": str(user.pk)}))
    call_command("runserver", f"127.0.0.1:{args.port}", use_reloader=False, skip_checks=True)


if __name__ == "__main__":
    main()
