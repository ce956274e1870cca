"""A realistic mix for Retning: the public reading, the API, data stewards and reporters.

Read by locust (``benchmarks/load/run.py`` starts it); the fixture file named by
``RETNING_LOAD_FIXTURES`` holds the addresses, users and tokens ``benchmarks.load.fixtures`` made.

The mix, by number of simulated users (weights):

* 40 visitors read public pages: front page, goals, sub-goals, the indicator list and pages,
  the roadmap with filters, initiatives and search;
* 5 API clients read the open API: lists and single records;
* 3 data stewards import a small CSV of observations through the API
  (``POST /api/v1/indicators/{code}/imports``, token auth);
* 2 reporters save their initiative's status through the API (GET for the version, then PATCH
  of the description). The reporting rounds' own save form was not mounted when this was
  written; the API write is the same kind of versioned save.

Requests are named by kind (``public: goal``), so the statistics group pages of one kind.
Every request says it came through the TLS proxy (``X-Forwarded-Proto: https``), as nginx would.
"""

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from locust import HttpUser, between, task

FIXTURES: dict[str, Any] = json.loads(
    Path(
        os.environ.get("RETNING_LOAD_FIXTURES", "benchmarks/load/results/fixtures.json")
    ).read_text(encoding="utf-8")
)
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
API = "/api/v1"
_stewards = itertools.cycle(FIXTURES["stewards"] or [""])
_reporters = itertools.cycle(FIXTURES["reporters"] or [{"token": "", "initiative": ""}])


class RetningUser(HttpUser):
    abstract = True

    def get(self, path: str, name: str, **kwargs: Any) -> Any:
        headers = {**PROXY_HEADERS, **kwargs.pop("headers", {})}
        return self.client.get(path, name=name, headers=headers, **kwargs)


class Visitor(RetningUser):
    """Someone reading the public site: mostly pages about goals, indicators and the roadmap."""

    weight = 40
    wait_time = between(1, 4)

    @task(3)
    def front_page(self) -> None:
        self.get("/", "public: front page")

    @task(3)
    def goal(self) -> None:
        self.get(f"/mal/{random.choice(FIXTURES['goals'])}/", "public: goal")

    @task(3)
    def subgoal(self) -> None:
        self.get(f"/delmal/{random.choice(FIXTURES['subgoals'])}/", "public: sub-goal")

    @task(2)
    def indicator_list(self) -> None:
        self.get("/indikatorer/", "public: indicator list")

    @task(3)
    def indicator(self) -> None:
        self.get(f"/indikatorer/{random.choice(FIXTURES['indicators'])}/", "public: indicator")

    @task(2)
    def roadmap(self) -> None:
        self.get("/veikart/", "public: roadmap")

    @task(3)
    def roadmap_filtered(self) -> None:
        choices = [
            {"mal": random.choice(FIXTURES["goals"])},
            {"delmal": random.choice(FIXTURES["subgoals"])},
            {"fase": random.randint(1, 5)},
            {"q": random.choice(FIXTURES["search_terms"])},
            {"mal": random.choice(FIXTURES["goals"]), "fase": random.randint(1, 5)},
        ]
        self.get(f"/veikart/?{urlencode(random.choice(choices))}", "public: roadmap, filtered")

    @task(3)
    def initiative(self) -> None:
        self.get(f"/veikart/{random.choice(FIXTURES['initiatives'])}/", "public: initiative")

    @task(2)
    def search(self) -> None:
        self.get(
            f"/sok/?{urlencode({'q': random.choice(FIXTURES['search_terms'])})}", "public: search"
        )


class ApiReader(RetningUser):
    """A program reading the open API."""

    weight = 5
    wait_time = between(1, 3)

    @task
    def goals(self) -> None:
        self.get(f"{API}/goals", "api: goals")

    @task
    def indicators(self) -> None:
        self.get(f"{API}/indicators", "api: indicators")

    @task(2)
    def indicator(self) -> None:
        self.get(f"{API}/indicators/{random.choice(FIXTURES['indicators'])}", "api: indicator")

    @task
    def initiatives(self) -> None:
        self.get(f"{API}/initiatives", "api: initiatives")

    @task(2)
    def initiative(self) -> None:
        self.get(f"{API}/initiatives/{random.choice(FIXTURES['initiatives'])}", "api: initiative")


class DataSteward(RetningUser):
    """A data steward importing this year's figure for an indicator, now and then."""

    weight = 3
    wait_time = between(3, 8)

    def on_start(self) -> None:
        self.headers = {**PROXY_HEADERS, "Authorization": f"Bearer {next(_stewards)}"}

    @task
    def import_observations(self) -> None:
        code = random.choice(FIXTURES["import_indicators"])
        value = f"{random.uniform(10, 90):.1f}".replace(".", ",")
        body = f"periode;verdi;merknad\r\n2031;{value};Lasttest\r\n2032;{value};Lasttest\r\n"
        query = urlencode(
            {"filename": "last.csv", "mapping": json.dumps({"time": "periode", "value": "verdi"})}
        )
        self.client.post(
            f"{API}/indicators/{code}/imports?{query}",
            data=body.encode("utf-8"),
            headers={**self.headers, "Content-Type": "text/csv"},
            name="steward: import CSV",
        )


class Reporter(RetningUser):
    """A reporter saving their initiative's status: fetch the version, then save the change."""

    weight = 2
    wait_time = between(3, 8)

    def on_start(self) -> None:
        reporter = next(_reporters)
        self.initiative = reporter["initiative"]
        self.headers = {**PROXY_HEADERS, "Authorization": f"Bearer {reporter['token']}"}

    @task
    def save_status(self) -> None:
        url = f"{API}/initiatives/{self.initiative}"
        current = self.client.get(url, headers=self.headers, name="reporter: read initiative")
        if current.status_code != 200:
            return
        description = current.json().get("description", "") or ""
        stamp = f"Status (lasttest): {random.randint(1, 10**6)}"
        payload = {
            "version": current.json()["version"],
            "description": (description.split("\n\nStatus (lasttest)")[0] + "\n\n" + stamp)[
                :20_000
            ],
        }
        self.client.patch(url, json=payload, headers=self.headers, name="reporter: save initiative")
