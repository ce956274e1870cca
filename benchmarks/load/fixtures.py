"""Users, tokens and addresses for the load test, written as JSON for the locustfile to read.

Run by ``benchmarks.load.run`` inside the load-test database's environment:
``python -m benchmarks.load.fixtures OUT.json``. Every user it makes is named ``last-*`` and
exists only in that throwaway database.
"""

import json
import os
import sys
from pathlib import Path
from typing import Any

STEWARDS = 5
REPORTERS = 10
IMPORT_INDICATORS = 5
SEARCH_TERMS = ("journal", "pasient", "deling", "kommune", "helse", "data", "sikkerhet")


def build() -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retning.settings")
    django.setup()

    from django.db.models import F, Q

    from retning.accounts.models import ApiToken, User
    from retning.indicators.models import Indicator
    from retning.roadmap.models import Initiative
    from retning.strategy.models import Goal, SubGoal

    def user(name: str, **flags: bool) -> User:
        found, _ = User.objects.update_or_create(username=name, defaults=flags)
        return found

    stewards = []
    for number in range(STEWARDS):
        _, secret = ApiToken.issue(
            user=user(f"last-dataforvalter-{number}", is_data_steward=True), name="last"
        )
        stewards.append(secret)

    # Each reporter owns a different initiative, as in a real round: no two of them save the same
    # record, so a 409 in the results is a real fault, not the test colliding with itself.
    # Only initiatives whose stored dates pass validation: the real roadmap has one that ends
    # before it starts, which every save refuses (422) until someone corrects the dates.
    valid_dates = Q(start_date__isnull=True) | Q(end_date__isnull=True)
    owned = list(
        Initiative.objects.filter(retired_in__isnull=True, owners__isnull=False)
        .filter(valid_dates | Q(end_date__gte=F("start_date")))
        .distinct()
        .order_by("external_id")[:REPORTERS]
    )
    reporters = []
    for number, initiative in enumerate(owned):
        reporter = user(f"last-rapportor-{number}")
        reporter.reporter_for.set(initiative.owners.all())
        _, secret = ApiToken.issue(user=reporter, name="last")
        reporters.append({"token": secret, "initiative": initiative.external_id})

    yearly = Indicator.objects.filter(frequency=Indicator.Frequency.YEARLY).order_by("code")
    initiatives = Initiative.objects.filter(retired_in__isnull=True).order_by("external_id")
    return {
        "goals": list(Goal.objects.order_by("number").values_list("number", flat=True)),
        "subgoals": list(SubGoal.objects.order_by("code").values_list("code", flat=True)),
        "indicators": list(Indicator.objects.order_by("code").values_list("code", flat=True)),
        "initiatives": list(initiatives.values_list("external_id", flat=True)),
        "import_indicators": list(yearly.values_list("code", flat=True)[:IMPORT_INDICATORS]),
        "search_terms": list(SEARCH_TERMS),
        "stewards": stewards,
        "reporters": reporters,
    }


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(json.dumps(build(), indent=2), encoding="utf-8")
