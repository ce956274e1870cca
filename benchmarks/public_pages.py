"""Server time of the public pages on a national-scale dataset.

The benchmark builds a database of its own (a temporary SQLite file, or a dedicated database on a
PostgreSQL server), loads the real default dataset, adds clearly fake rows on top of it until the
data has national scale, and times every page kind in-process with Django's test client.

Run ``python -m benchmarks.public_pages --help`` for the options; benchmarks/README.md explains
how to read the numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import random
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlencode, urlsplit

from retning.indicators.periods import Period, PeriodKind, make_period, parse_period
from retning.lib.text import search_key

if TYPE_CHECKING:
    from django.test import Client
    from django.test.client import _MonkeyPatchedWSGIResponse

TARGET_P95_MS = 100.0
BENCH_DATABASE = "retning_bench"
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}
RESULTS_DIR = Path(__file__).resolve().parent / "results"
RANDOM_SEED = 2030
BATCH_SIZE = 1000
WARM_UP_REQUESTS = 2
PROFILE_REPEATS = 3

GENERATED_INITIATIVE = "Generert initiativ"
GENERATED_INDICATOR = "Generert indikator"
GENERATED_INDICATOR_CODE = "GEN-"
GENERATED_SOURCE = "Generert for ytelsestesten"

# Series end with the last complete year and reach back this far by default (before scaling).
LAST_YEAR_WITH_DATA = 2025
FREQUENCY_KINDS = {
    "yearly": PeriodKind.YEAR,
    "half_yearly": PeriodKind.HALF,
    "quarterly": PeriodKind.QUARTER,
    "monthly": PeriodKind.MONTH,
}
DEFAULT_SPAN_YEARS = {"yearly": 26, "half_yearly": 14, "quarterly": 14, "monthly": 10}
REGIONS = ("Helse Nord RHF", "Helse Midt-Norge RHF", "Helse Vest RHF", "Helse Sør-Øst RHF")
TOPICS = (
    "deling av journaldata",
    "digital hjemmeoppfølging",
    "pasientens legemiddelliste",
    "kjernejournal",
    "helsenorge",
    "e-resept",
    "strukturert journal",
    "kunstig intelligens i diagnostikk",
    "digital sikkerhet",
    "samhandling mellom kommune og sykehus",
)
SEARCH_QUERIES = ("journal", "generert initiativ 12", "pasient", "helse", "kjernejournal")


class BenchError(Exception):
    """The benchmark cannot run as asked; the message says why."""


@dataclass(frozen=True)
class Sizes:
    initiatives: int
    indicators: int
    observations: int


FULL = Sizes(initiatives=5000, indicators=200, observations=50_000)
QUICK = Sizes(initiatives=600, indicators=40, observations=3000)
FULL_ROUNDS = 30
QUICK_ROUNDS = 5


# --- the benchmark's own database -------------------------------------------------------------


def _admin_execute(server_url: str, statement: str) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    config = dj_database_url.parse(server_url)
    params: dict[str, str | int | None] = {
        "dbname": config.get("NAME"),
        "user": config.get("USER"),
        "password": config.get("PASSWORD"),
        "host": config.get("HOST"),
        "port": config.get("PORT"),
    }
    conninfo = make_conninfo("", **{name: value for name, value in params.items() if value})
    try:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(sql.SQL(statement).format(sql.Identifier(BENCH_DATABASE)))  # type: ignore[arg-type]
    except psycopg.Error as error:
        raise BenchError(f"PostgreSQL refused {statement.split(' {}')[0]!r}: {error}") from error


def _close_django_connections() -> None:
    from django.conf import settings

    if settings.configured:
        from django.db import connections

        connections.close_all()


@contextlib.contextmanager
def bench_database(server_url: str | None, work_dir: Path) -> Iterator[str]:
    """Yield the DATABASE_URL of a database that exists for this run only, and remove it after."""
    if server_url is None:
        try:
            yield f"sqlite:///{work_dir / 'bench.sqlite3'}"
        finally:
            # The file goes with work_dir; an open connection would keep it alive on some systems.
            _close_django_connections()
        return
    parts = urlsplit(server_url)
    if parts.scheme not in POSTGRES_SCHEMES:
        raise BenchError(
            f"--database-url must point at a PostgreSQL server (postgres://...), not {parts.scheme!r}."
        )
    if parts.path.strip("/") == BENCH_DATABASE:
        raise BenchError(
            f"--database-url names {BENCH_DATABASE!r} itself; give an existing database on the "
            "server (for example /postgres) so that the benchmark can create and drop its own."
        )
    # The name belongs to the benchmark: one left behind by a killed run is dropped first.
    _admin_execute(server_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
    _admin_execute(server_url, "CREATE DATABASE {}")
    try:
        yield parts._replace(path=f"/{BENCH_DATABASE}").geturl()
    finally:
        _close_django_connections()
        _admin_execute(server_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")


def p95(values: Sequence[float]) -> float:
    """The 95th percentile by nearest rank (the import and at-scale benchmarks use it)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def django_setup(database_url: str, work_dir: Path) -> None:
    """Point Django at the benchmark database; must run before anything imports the models."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["RETNING_VAR_DIR"] = str(work_dir)
    os.environ["RETNING_MEDIA_ROOT"] = str(work_dir / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "retning.settings.benchmark"
    # DEBUG keeps every query in memory and renders differently; production runs without it.
    os.environ["DEBUG"] = "0"
    import django

    django.setup()


# --- generated data on top of the real dataset --------------------------------------------------


def _random_phases(rng: random.Random) -> tuple[int | None, int | None]:
    if rng.random() < 0.05:
        return None, None
    first = rng.randint(1, 5)
    return first, rng.randint(first, min(5, first + 2))


def _random_dates(rng: random.Random) -> tuple[date | None, date | None]:
    if rng.random() < 0.03:
        return None, None
    earliest, latest_start, latest_end = date(2023, 1, 1), date(2030, 12, 31), date(2031, 12, 31)
    start = earliest + timedelta(days=rng.randint(0, (latest_start - earliest).days))
    if rng.random() < 0.05:
        return start, None
    return start, min(latest_end, start + timedelta(days=rng.randint(90, 1800)))


def generate_initiatives(total: int, rng: random.Random) -> None:
    """Add fake initiatives (with owners, user groups, themes, deliveries) up to ``total``."""
    from retning.actors.models import Organisation, UserGroup
    from retning.roadmap.models import Delivery, Initiative, RoadmapVersion
    from retning.strategy.models import Goal, Grouping, SubGoal, Theme

    missing = total - Initiative.objects.count()
    if missing < 0:
        raise BenchError(
            f"--initiatives {total} is less than the {total - missing} real initiatives."
        )
    subgoals = list(SubGoal.objects.select_related("goal").order_by("code"))
    real_counts = Counter(Initiative.objects.values_list("subgoal_id", flat=True))
    # Busy sub-goals stay busy, as in the real roadmap, and no sub-goal is left without any.
    subgoal_weights = [real_counts[s.pk] + 5 for s in subgoals]
    lanes: dict[int, list[Grouping]] = defaultdict(list)
    for grouping in Grouping.objects.order_by("pk"):
        lanes[grouping.subgoal_id].append(grouping)
    organisations = list(Organisation.objects.order_by("key"))
    rng.shuffle(organisations)
    # A few organisations own most initiatives (as the directorate does in the real roadmap).
    owner_weights = [1 / (rank + 1) for rank in range(len(organisations))]
    user_groups = list(UserGroup.objects.order_by("slug"))
    themes = list(Theme.objects.order_by("slug"))
    goals = list(Goal.objects.order_by("number"))
    version = RoadmapVersion.objects.order_by("-imported_at").first()
    levels = [value for value, _label in Initiative.Level.choices] + [""]

    initiatives = []
    for n in range(1, missing + 1):
        subgoal = rng.choices(subgoals, subgoal_weights)[0]
        options = lanes[subgoal.pk]
        phase_first, phase_last = _random_phases(rng)
        start, end = _random_dates(rng)
        external_id = f"9{n:016d}"
        title = f"{GENERATED_INITIATIVE} {n}"
        description = f"Syntetisk aktivitet for ytelsestesten, om {rng.choice(TOPICS)}."
        initiatives.append(
            Initiative(
                external_id=external_id,
                title=title,
                description=description,
                subgoal=subgoal,
                grouping=rng.choice(options) if options and rng.random() < 0.9 else None,
                phase_first=phase_first,
                phase_last=phase_last,
                planning_status=Initiative.PlanningStatus.TENTATIVE
                if rng.random() < 0.25
                else Initiative.PlanningStatus.PLANNED,
                start_date=start,
                end_date=end,
                owners_basis=GENERATED_SOURCE,
                level=rng.choice(levels),
                roadmap_version=version,
                search_text=search_key(external_id, title, description),
            )
        )
    Initiative.objects.bulk_create(initiatives, batch_size=BATCH_SIZE)
    if any(i.pk is None for i in initiatives):
        raise BenchError("The database backend did not return the keys of bulk-created rows.")

    owner_rows, group_rows, theme_rows, goal_rows, deliveries = [], [], [], [], []
    for initiative in initiatives:
        count = rng.choices((1, 2, 3), weights=(5, 3, 2))[0]
        for org_id in {o.pk for o in rng.choices(organisations, owner_weights, k=count)}:
            owner_rows.append(
                Initiative.owners.through(initiative_id=initiative.pk, organisation_id=org_id)
            )
        for group in rng.sample(user_groups, min(len(user_groups), rng.randint(0, 2))):
            group_rows.append(
                Initiative.user_groups.through(initiative_id=initiative.pk, usergroup_id=group.pk)
            )
        if themes and rng.random() < 0.15:
            theme_rows.append(
                Initiative.themes.through(
                    initiative_id=initiative.pk, theme_id=rng.choice(themes).pk
                )
            )
        others = [g for g in goals if g.pk != initiative.subgoal.goal_id]
        if others and rng.random() < 0.1:
            goal_rows.append(
                Initiative.other_goals.through(
                    initiative_id=initiative.pk, goal_id=rng.choice(others).pk
                )
            )
        if initiative.start_date and rng.random() < 0.2:
            for step in range(rng.randint(1, 3)):
                deliveries.append(
                    Delivery(
                        initiative=initiative,
                        title=f"Generert milepæl {step + 1}",
                        kind=rng.choice(Delivery.Kind.values),
                        planned_date=initiative.start_date + timedelta(days=120 * (step + 1)),
                    )
                )
    Initiative.owners.through.objects.bulk_create(owner_rows, batch_size=BATCH_SIZE)
    Initiative.user_groups.through.objects.bulk_create(group_rows, batch_size=BATCH_SIZE)
    Initiative.themes.through.objects.bulk_create(theme_rows, batch_size=BATCH_SIZE)
    Initiative.other_goals.through.objects.bulk_create(goal_rows, batch_size=BATCH_SIZE)
    Delivery.objects.bulk_create(deliveries, batch_size=BATCH_SIZE)


def series_lengths(frequencies: Sequence[str], budget: int) -> list[tuple[int, int]]:
    """(headline length, length of each regional series) per indicator, summing to ``budget``.

    Every indicator has a headline series and one series per health region, so that most rows are
    breakdowns (as in real statistics) while the charts show series of a realistic length.
    """
    series_per_indicator = 1 + len(REGIONS)
    base = [DEFAULT_SPAN_YEARS[f] * FREQUENCY_KINDS[f].parts_per_year for f in frequencies]
    scale = budget / (series_per_indicator * sum(base))
    breakdown = [max(1, int(length * scale)) for length in base]
    remainder = budget - series_per_indicator * sum(breakdown)
    if remainder < 0:
        raise BenchError(f"{budget} observations are too few for {len(frequencies)} indicators.")
    # Rounding leaves a little over; headline series may well reach further back than breakdowns.
    headline = list(breakdown)
    for step in range(remainder):
        headline[step % len(headline)] += 1
    return list(zip(headline, breakdown, strict=True))


def periods_until(
    kind: PeriodKind, count: int, last_year: int = LAST_YEAR_WITH_DATA
) -> list[Period]:
    """The ``count`` periods of one kind that end with the last one of ``last_year``, oldest first."""
    parts = kind.parts_per_year
    last = last_year * parts + parts - 1
    return [make_period(t // parts, kind, t % parts + 1) for t in range(last - count + 1, last + 1)]


def _random_walk(rng: random.Random, count: int, start: float) -> list[float]:
    values, value = [], start
    for _ in range(count):
        value = min(100.0, max(0.0, value + rng.gauss(0.3, 1.5)))
        values.append(value)
    return values


def _decimal(value: float) -> Decimal:
    return Decimal(f"{value:.1f}")


def generate_indicators(total: int, observations: int, rng: random.Random) -> None:
    """Add fake indicators with series, breakdowns and targets up to the given totals."""
    from retning.actors.models import Organisation
    from retning.indicators.models import Indicator, Observation, Target
    from retning.strategy.models import Goal, SubGoal, Theme

    missing = total - Indicator.objects.count()
    budget = observations - Observation.objects.count()
    if missing < 0:
        raise BenchError(f"--indicators {total} is less than the {total - missing} real ones.")
    if budget < 0 or (missing == 0 and budget > 0):
        raise BenchError(
            f"--observations {observations} does not fit --indicators {total}: generated "
            "observations need generated indicators to belong to."
        )
    if missing == 0:
        return
    least = (1 + len(REGIONS)) * missing
    if budget < least:
        raise BenchError(
            f"--observations {observations} leaves {budget} for {missing} generated indicators, "
            f"which need at least {least} (a headline series and one per health region each)."
        )
    cycle = list(FREQUENCY_KINDS)
    frequencies = [cycle[n % len(cycle)] for n in range(missing)]
    lengths = series_lengths(frequencies, budget)
    subgoals = list(SubGoal.objects.select_related("goal").order_by("code"))
    goals = list(Goal.objects.order_by("number"))
    organisations = list(Organisation.objects.order_by("key"))
    themes = list(Theme.objects.order_by("slug"))

    indicators, plans = [], []
    for n, (frequency, (headline_length, breakdown_length)) in enumerate(
        zip(frequencies, lengths, strict=True), start=1
    ):
        periods = periods_until(FREQUENCY_KINDS[frequency], headline_length)
        values = _random_walk(rng, headline_length, rng.uniform(20, 70))
        has_targets = rng.random() < 0.7
        example = has_targets and rng.random() < 0.5
        baseline_at = next((i for i, p in enumerate(periods) if p.year == 2023), 0)
        subgoal = rng.choice(subgoals) if rng.random() < 0.8 else None
        code = f"{GENERATED_INDICATOR_CODE}{n:03d}"
        name, name_en = f"{GENERATED_INDICATOR} {n}", f"Generated indicator {n}"
        definition = "Syntetisk indikator laget av ytelsestesten; tallene er tilfeldige."
        indicators.append(
            Indicator(
                code=code,
                name=name,
                name_en=name_en,
                definition=definition,
                goal=subgoal.goal if subgoal else rng.choice(goals),
                subgoal=subgoal,
                unit="percent",
                unit_label="%",
                decimals=1,
                direction=Indicator.Direction.HIGHER_IS_BETTER
                if rng.random() < 0.8
                else Indicator.Direction.LOWER_IS_BETTER,
                data_source=GENERATED_SOURCE,
                frequency=frequency,
                responsible=rng.choice(organisations) if rng.random() < 0.6 else None,
                baseline_period=periods[baseline_at].code if has_targets else "",
                baseline_value=_decimal(values[baseline_at]) if has_targets else None,
                baseline_is_example=example,
                search_text=search_key(code, name, name_en, definition),
            )
        )
        plans.append((periods, values, breakdown_length, has_targets, example))
    Indicator.objects.bulk_create(indicators, batch_size=BATCH_SIZE)

    rows: list[Observation] = []
    targets: list[Target] = []
    theme_rows = []
    for indicator, (periods, values, breakdown_length, has_targets, example) in zip(
        indicators, plans, strict=True
    ):
        for i, (period, value) in enumerate(zip(periods, values, strict=True)):
            missing_value = rng.random() < 0.01
            status = Observation.Status.NOT_AVAILABLE if missing_value else ""
            if i == len(periods) - 1 and rng.random() < 0.3:
                status = Observation.Status.PROVISIONAL
            rows.append(_observation(indicator, period, None if missing_value else value, status))
        for region in REGIONS:
            for period, value in zip(
                periods[-breakdown_length:], values[-breakdown_length:], strict=True
            ):
                regional = min(100.0, max(0.0, value + rng.gauss(0, 4)))
                rows.append(_observation(indicator, period, regional, "", region))
        if has_targets:
            better = 1 if indicator.direction == Indicator.Direction.HIGHER_IS_BETTER else -1
            for target_period, gain in (("2027", 5.0), ("2030", 10.0)):
                goal_value = min(100.0, max(0.0, values[-1] + better * gain))
                targets.append(
                    Target(
                        indicator=indicator,
                        period=target_period,
                        value=_decimal(goal_value),
                        is_example=example,
                    )
                )
        if themes and rng.random() < 0.2:
            theme_rows.append(
                Indicator.themes.through(indicator_id=indicator.pk, theme_id=rng.choice(themes).pk)
            )
    Observation.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    Target.objects.bulk_create(targets, batch_size=BATCH_SIZE)
    Indicator.themes.through.objects.bulk_create(theme_rows, batch_size=BATCH_SIZE)


def _observation(
    indicator: Any, period: Period, value: float | None, status: str, region: str = ""
) -> Any:
    from retning.indicators.models import Observation

    return Observation(
        indicator=indicator,
        period=period.code,
        # save() derives this from the code; bulk_create skips save(), so do the same here.
        period_start=parse_period(period.code).start,
        value=None if value is None else _decimal(value),
        breakdown_dimension="helseregion" if region else "",
        breakdown_value=region,
        status=status,
        source=GENERATED_SOURCE,
    )


def build_dataset(sizes: Sizes, rng: random.Random) -> dict[str, float]:
    """Migrate, seed the real dataset and generate the rest. Returns seconds per step."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from retning.dataset.services import dataset_seed

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    seconds["migrate"] = time.perf_counter() - started
    started = time.perf_counter()
    dataset_seed()
    seconds["seed"] = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        generate_initiatives(sizes.initiatives, rng)
        generate_indicators(sizes.indicators, sizes.observations, rng)
    seconds["generate"] = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # Autovacuum would analyse the new rows within a minute in production; do it now so the
        # planner does not work from the empty tables it saw after migrate.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return seconds


def dataset_counts() -> dict[str, int]:
    from retning.actors.models import Organisation
    from retning.indicators.models import Indicator, Observation, Target
    from retning.roadmap.models import Delivery, Initiative
    from retning.strategy.models import Grouping, SubGoal

    return {
        "organisations": Organisation.objects.count(),
        "subgoals": SubGoal.objects.count(),
        "groupings": Grouping.objects.count(),
        "initiatives": Initiative.objects.count(),
        "generated_initiatives": Initiative.objects.filter(
            title__startswith=GENERATED_INITIATIVE
        ).count(),
        "initiative_owner_links": Initiative.owners.through.objects.count(),
        "deliveries": Delivery.objects.count(),
        "indicators": Indicator.objects.count(),
        "observations": Observation.objects.count(),
        "headline_observations": Observation.objects.filter(breakdown_dimension="").count(),
        "targets": Target.objects.count(),
        "example_targets": Target.objects.filter(is_example=True).count(),
    }


# --- the pages ------------------------------------------------------------------------------------


def _spread[T](items: Sequence[T], count: int) -> list[T]:
    """Up to ``count`` items evenly spaced from first to last (a busy one, a quiet one, ...)."""
    if len(items) <= count:
        return list(items)
    picks = [items[round(i * (len(items) - 1) / (count - 1))] for i in range(count)]
    return list(dict.fromkeys(picks))


def _with_query(path: str, **params: object) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def page_urls() -> dict[str, list[str]]:
    """Several instances of every page kind, from the busiest to the quietest."""
    from django.db.models import Count
    from django.urls import reverse

    from retning.actors.models import Organisation
    from retning.indicators.models import Indicator
    from retning.roadmap.models import Initiative
    from retning.roadmap.phases import Phase
    from retning.strategy.models import Goal, SubGoal, Theme

    roadmap = reverse("publishing:roadmap")
    subgoals = list(
        SubGoal.objects.annotate(n=Count("initiatives"))
        .order_by("-n", "code")
        .values_list("code", flat=True)
    )
    owners = list(
        Organisation.objects.annotate(n=Count("initiatives"))
        .filter(n__gt=0)
        .order_by("-n", "slug")
        .values_list("slug", flat=True)
    )
    real_indicators = list(
        Indicator.objects.exclude(code__startswith=GENERATED_INDICATOR_CODE)
        .filter(observations__isnull=False)
        .distinct()
        .order_by("code")
        .values_list("code", flat=True)
    )
    generated_indicators = [
        code
        for frequency in FREQUENCY_KINDS
        for code in Indicator.objects.filter(
            code__startswith=GENERATED_INDICATOR_CODE, frequency=frequency
        ).values_list("code", flat=True)[:1]
    ]
    initiatives = Initiative.objects.order_by("external_id")
    real_initiatives = list(
        initiatives.exclude(title__startswith=GENERATED_INITIATIVE).values_list(
            "external_id", flat=True
        )
    )
    generated_initiatives = list(
        initiatives.filter(title__startswith=GENERATED_INITIATIVE)
        .annotate(n=Count("deliveries"))
        .order_by("-n", "external_id")
        .values_list("external_id", flat=True)
    )
    list_pages = max(1, -(-Initiative.objects.filter(retired_in__isnull=True).count() // 50))
    phases = [Phase.DEVELOPMENT, Phase.IMPLEMENTATION, Phase.CONCEPT, Phase.IN_USE]
    return {
        "home": [reverse("publishing:home")],
        "goal": [g.get_absolute_url() for g in Goal.objects.order_by("number")],
        "sub-goal": [reverse("publishing:subgoal_detail", args=[c]) for c in _spread(subgoals, 5)],
        "indicator list": [reverse("publishing:indicator_list")],
        "indicator": [
            reverse("publishing:indicator_detail", args=[code])
            for code in [*real_indicators[:2], *generated_indicators]
        ],
        "roadmap list": [
            _with_query(roadmap, page=number)
            for number in dict.fromkeys([1, 2, list_pages // 2 or 1, list_pages])
        ],
        "roadmap filtered": [
            _with_query(roadmap, eier=slug, fase=int(phase))
            for slug, phase in zip(_spread(owners, 4), phases, strict=False)
        ],
        "roadmap timeline": [
            _with_query(roadmap, visning="tidslinje"),
            _with_query(roadmap, visning="tidslinje", page=2),
            _with_query(roadmap, visning="tidslinje", mal=1),
            _with_query(roadmap, visning="tidslinje", delmal=subgoals[0]),
        ],
        "initiative": [
            reverse("publishing:initiative_detail", args=[external_id])
            for external_id in [
                *_spread(real_initiatives, 3),
                *generated_initiatives[:1],
                *_spread(generated_initiatives, 2),
            ]
        ],
        "organisations": [reverse("publishing:organisation_list")],
        "organisation": [
            reverse("publishing:organisation_detail", args=[slug]) for slug in _spread(owners, 4)
        ],
        "theme": [t.get_absolute_url() for t in Theme.objects.order_by("slug")],
        "documents": [reverse("publishing:document_list")],
        "search": [_with_query(reverse("publishing:search"), q=q) for q in SEARCH_QUERIES],
    }


# --- measuring ----------------------------------------------------------------------------------


@dataclass
class UrlResult:
    url: str
    queries: int
    bytes: int
    timings_ms: list[float] = field(default_factory=list)


@dataclass
class KindResult:
    kind: str
    urls: list[UrlResult]
    timings_ms: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.timings_ms)

    @property
    def p95_ms(self) -> float:
        if len(self.timings_ms) < 2:
            return self.max_ms
        return statistics.quantiles(self.timings_ms, n=20, method="inclusive")[18]

    @property
    def max_ms(self) -> float:
        return max(self.timings_ms)

    @property
    def passed(self) -> bool:
        return self.p95_ms < TARGET_P95_MS

    @property
    def queries(self) -> tuple[int, int]:
        counts = [u.queries for u in self.urls]
        return min(counts), max(counts)

    @property
    def max_kb(self) -> float:
        return max(u.bytes for u in self.urls) / 1024


def _get(client: Client, url: str) -> _MonkeyPatchedWSGIResponse:
    response = client.get(url)
    if response.status_code != 200:
        raise BenchError(f"{url} answered {response.status_code}, not 200.")
    return response


def _warm_up(client: Client, url: str) -> UrlResult:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = _get(client, url)
    # Count now: the next request resets the connection's query log that the context reads from.
    queries = len(captured.captured_queries)
    for _ in range(WARM_UP_REQUESTS - 1):
        _get(client, url)
    return UrlResult(url=url, queries=queries, bytes=len(response.content))


def measure(pages: dict[str, list[str]], rounds: int, rng: random.Random) -> list[KindResult]:
    """Time ``rounds`` requests per page kind, cycling through the kind's instances.

    Each round visits every kind once, in a shuffled order, so that a slow spell on a shared
    machine hits all kinds alike instead of whichever happened to run then.
    """
    from django.test import Client

    client = Client()
    results = {kind: [_warm_up(client, url) for url in urls] for kind, urls in pages.items()}
    # As in a gunicorn worker (deploy/gunicorn.conf.py): what exists after start-up is frozen,
    # so the collector's full passes do not walk it during requests.
    gc.collect()
    gc.freeze()
    timings: dict[str, list[float]] = {kind: [] for kind in pages}
    kinds = list(pages)
    for round_number in range(rounds):
        rng.shuffle(kinds)
        for kind in kinds:
            target = results[kind][round_number % len(results[kind])]
            started = time.perf_counter()
            response = client.get(target.url)
            elapsed_ms = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise BenchError(f"{target.url} answered {response.status_code}, not 200.")
            target.timings_ms.append(elapsed_ms)
            timings[kind].append(elapsed_ms)
    return [KindResult(kind, results[kind], timings[kind]) for kind in pages]


def profile_kind(pages: list[str], dump_to: Path) -> str:
    """cProfile over every instance of a page kind; returns the top functions by cumulative time."""
    from django.test import Client

    client = Client()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(PROFILE_REPEATS):
        for url in pages:
            client.get(url)
    profiler.disable()
    profiler.dump_stats(dump_to)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    return out.getvalue()


# --- reporting ----------------------------------------------------------------------------------


def format_table(results: Sequence[KindResult]) -> str:
    header = (
        f"{'page kind':<18} {'median ms':>10} {'p95 ms':>9} {'max ms':>9} "
        f"{'queries':>8} {'KB':>8} {'urls':>5}  target"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        low, high = r.queries
        queries = str(low) if low == high else f"{low}-{high}"
        lines.append(
            f"{r.kind:<18} {r.median_ms:>10.1f} {r.p95_ms:>9.1f} {r.max_ms:>9.1f} "
            f"{queries:>8} {r.max_kb:>8.1f} {len(r.urls):>5}  {'PASS' if r.passed else 'FAIL'}"
        )
    lines.append(f"target: p95 < {TARGET_P95_MS:.0f} ms")
    return "\n".join(lines)


def machine_info() -> dict[str, object]:
    import sqlite3

    import django
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            db_version = cursor.fetchone()[0]
    else:
        db_version = sqlite3.sqlite_version
    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "db_vendor": connection.vendor,
        "db_version": db_version,
    }


def results_document(
    results: Sequence[KindResult],
    *,
    started_at: datetime,
    sizes: Sizes,
    rounds: int,
    seconds: dict[str, float],
) -> dict[str, object]:
    return {
        "benchmark": "public_pages",
        "started_at": started_at.isoformat(),
        "target_p95_ms": TARGET_P95_MS,
        "options": {"rounds": rounds, "warm_up_requests": WARM_UP_REQUESTS, **asdict(sizes)},
        "machine": machine_info(),
        "dataset": dataset_counts(),
        "setup_seconds": {step: round(s, 2) for step, s in seconds.items()},
        "pages": [
            {
                "kind": r.kind,
                "median_ms": round(r.median_ms, 2),
                "p95_ms": round(r.p95_ms, 2),
                "max_ms": round(r.max_ms, 2),
                "samples": len(r.timings_ms),
                "queries_min": r.queries[0],
                "queries_max": r.queries[1],
                "max_kb": round(r.max_kb, 1),
                "passed": r.passed,
                "urls": [
                    {
                        "url": u.url,
                        "queries": u.queries,
                        "bytes": u.bytes,
                        "timings_ms": [round(t, 2) for t in u.timings_ms],
                    }
                    for u in r.urls
                ],
            }
            for r in results
        ],
    }


# --- command line -------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.public_pages",
        description="Server time per public page on a generated national-scale dataset.",
    )
    parser.add_argument("--initiatives", type=int, help=f"in total (default {FULL.initiatives})")
    parser.add_argument("--indicators", type=int, help=f"in total (default {FULL.indicators})")
    parser.add_argument("--observations", type=int, help=f"in total (default {FULL.observations})")
    parser.add_argument("--rounds", type=int, help=f"timed rounds (default {FULL_ROUNDS})")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to create and drop the database "
        f"{BENCH_DATABASE!r} on, e.g. postgres://postgres@127.0.0.1:5432/postgres "
        "(default: a temporary SQLite file)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"small sizes for a smoke run ({QUICK.initiatives} initiatives, {QUICK_ROUNDS} rounds)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="afterwards, cProfile every page kind that misses the target",
    )
    args = parser.parse_args(argv)
    for name in ("initiatives", "indicators", "observations", "rounds"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name} must be a positive number")
    return args


def _resolve(args: argparse.Namespace) -> tuple[Sizes, int]:
    defaults, rounds = (QUICK, QUICK_ROUNDS) if args.quick else (FULL, FULL_ROUNDS)
    sizes = Sizes(
        initiatives=args.initiatives or defaults.initiatives,
        indicators=args.indicators or defaults.indicators,
        observations=args.observations or defaults.observations,
    )
    return sizes, args.rounds or rounds


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> NoReturn:
    # Turn SIGTERM into SystemExit so that the finally blocks drop the benchmark database.
    raise SystemExit(128 + signum)


def _say(message: str) -> None:
    print(message, flush=True)


def run(args: argparse.Namespace, sizes: Sizes, rounds: int) -> list[KindResult]:
    from django.db import connection

    started_at = datetime.now(UTC)
    rng = random.Random(RANDOM_SEED)
    _say(
        f"Building the dataset on {connection.vendor}: {sizes.initiatives} initiatives, "
        f"{sizes.indicators} indicators, {sizes.observations} observations ..."
    )
    seconds = build_dataset(sizes, rng)
    _say("  " + ", ".join(f"{step} {s:.1f} s" for step, s in seconds.items()))
    pages = page_urls()
    url_count = sum(len(urls) for urls in pages.values())
    _say(f"Measuring {len(pages)} page kinds ({url_count} URLs), {rounds} rounds ...")
    results = measure(pages, rounds, rng)
    _say("")
    _say(format_table(results))

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = started_at.strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"public_pages-{connection.vendor}-{stamp}.json"
    document = results_document(
        results, started_at=started_at, sizes=sizes, rounds=rounds, seconds=seconds
    )
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _say(f"\nResults written to {path}")

    if args.profile:
        for result in results:
            if result.passed:
                continue
            slug = result.kind.replace(" ", "-")
            dump = RESULTS_DIR / f"public_pages-{connection.vendor}-{stamp}-{slug}.prof"
            _say(f"\n=== profile: {result.kind} ({PROFILE_REPEATS} x every URL) -> {dump}")
            _say(profile_kind(pages[result.kind], dump))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    sizes, rounds = _resolve(args)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        with tempfile.TemporaryDirectory(prefix="retning-bench-") as tmp:
            work_dir = Path(tmp)
            with bench_database(args.database_url, work_dir) as database_url:
                django_setup(database_url, work_dir)
                run(args, sizes, rounds)
    except BenchError as error:
        print(f"Benchmark stopped: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nInterrupted; the benchmark database has been removed.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
