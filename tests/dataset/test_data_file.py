"""The default dataset file, checked against its schema and against the real roadmap export.

Each check is a small function that returns a list of problems, so that the same function can be
run on the real file (expecting none) and on a deliberately broken copy (expecting some).
"""

from __future__ import annotations

import copy
import csv
import re
from collections import Counter
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
DATA_FILE = ROOT / "retning" / "dataset" / "data" / "strategy.yaml"
EXPORT_FILE = ROOT / "tests" / "fixtures" / "veikart-2026-08.csv"

Data = dict[str, Any]
Check = Callable[[Data], list[str]]

TOP_LEVEL_KEYS = {
    "version",
    "sources",
    "strategy",
    "goals",
    "subgoals",
    "themes",
    "organisations",
    "user_groups",
    "related_documents",
    "indicators",
    "initiative_links",
}
SUBGOAL_CODES = [
    "1A", "1B", "1C", "1D", "1E", "1F",
    "2A", "2B", "2C", "2D", "2E",
    "3A", "3B", "3C",
    "4A", "4B", "4C",
    "5A", "5B", "5C",
]  # fmt: skip
ORGANISATION_KINDS = {
    "ministry",
    "directorate",
    "rhf",
    "hf",
    "municipality",
    "county",
    "state_enterprise",
    "interest_organisation",
    "patient_organisation",
    "private",
    "other",
}
DOCUMENT_KINDS = {"white_paper", "strategy", "plan", "nou", "regulation", "other"}
RELATIONS = {"overarching", "guides", "guided_by", "interacts", "prerequisite"}
UNITS = {
    "percent",
    "count",
    "visits_per_year",
    "visits_per_month",
    "logins_per_year",
    "persons",
    "offices",
}
DIRECTIONS = {"higher_is_better", "lower_is_better"}
FREQUENCIES = {"yearly", "monthly", None}
OBSERVATION_STATUSES = {"", "approximate", "not_available"}
CONFIRMED_USER_GROUPS = {"kommuner-og-fylkeskommuner", "fastleger"}

# The only published targets known from public sources: Plan for digitalisering på
# legemiddelområdet (PLL, kjernejournal) and the roadmap export (digital home follow-up).
PUBLISHED_TARGETS = {
    ("PLL-PRIORITISED-ACTORS", "2026H1", 25),
    ("PLL-PRIORITISED-ACTORS", "2027", 50),
    ("PLL-PRIORITISED-ACTORS", "2029", 80),
    ("KJ-MUNICIPALITIES", "2023", 80),
    ("DHO-HELSEFELLESSKAP", "2024", 19),
}

PERIOD = re.compile(r"^\d{4}(H[12]|T[1-3]|K[1-4]|M(0[1-9]|1[0-2]))?$")
SUBGOAL_CELL = re.compile(r"^(?P<code>\d[A-Z])\s*-\s*(?P<title>.+)$")
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\ufeff"))
ORG_NUMBER_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


# --- helpers ---------------------------------------------------------------------------------


def clean(text: str) -> str:
    """Drop invisible characters an export may carry, collapse whitespace and trim."""
    return " ".join(text.translate(INVISIBLE).split())


def is_valid_org_number(value: str) -> bool:
    if not re.fullmatch(r"\d{9}", value):
        return False
    digits = [int(c) for c in value]
    check = 11 - sum(w * d for w, d in zip(ORG_NUMBER_WEIGHTS, digits, strict=False)) % 11
    if check == 11:
        check = 0
    return check != 10 and check == digits[8]


def load_data() -> Data:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


@cache
def dataset_org_numbers() -> list[str]:
    return [o["org_number"] for o in load_data()["organisations"] if o["org_number"]]


def load_export() -> list[dict[str, str]]:
    with EXPORT_FILE.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def export_structure(rows: list[dict[str, str]]) -> dict[str, tuple[str, set[str]]]:
    """Sub-goal code -> (title, groupings) as the export has them."""
    structure: dict[str, tuple[str, set[str]]] = {}
    for row in rows:
        match = SUBGOAL_CELL.match(clean(row["Strategisk delmål"]))
        assert match, f"Uventet verdi i kolonnen «Strategisk delmål»: {row['Strategisk delmål']!r}"
        title, groupings = structure.setdefault(match["code"], (match["title"], set()))
        groupings.add(row["Strategi gruppering"].translate(INVISIBLE).strip())
    return structure


def duplicates(values: list[Any]) -> list[Any]:
    return [value for value, count in Counter(values).items() if count > 1]


def keyed(items: list[dict[str, Any]], key: str) -> dict[Any, dict[str, Any]]:
    return {item[key]: item for item in items}


# --- checks ----------------------------------------------------------------------------------


def goal_problems(data: Data) -> list[str]:
    problems = []
    numbers = [g["number"] for g in data["goals"]]
    if sorted(numbers) != [1, 2, 3, 4, 5] or len(numbers) != 5:
        problems.append(f"Målene skal være nummerert 1–5 én gang hver, fant {numbers}.")
    for goal in data["goals"]:
        expected = "direct" if goal["number"] <= 3 else "enabling"
        if goal["kind"] != expected:
            problems.append(f"Mål {goal['number']} skal ha kind {expected}, har {goal['kind']}.")
    return problems


def subgoal_problems(data: Data) -> list[str]:
    problems = []
    codes = [sg["code"] for sg in data["subgoals"]]
    for code in duplicates(codes):
        problems.append(f"Delmål {code} finnes mer enn én gang.")
    if sorted(set(codes)) != sorted(SUBGOAL_CODES):
        problems.append(f"Delmålene skal være nøyaktig {SUBGOAL_CODES}, fant {codes}.")
    goal_numbers = {g["number"] for g in data["goals"]}
    for sg in data["subgoals"]:
        if sg["goal"] not in goal_numbers:
            problems.append(f"Delmål {sg['code']} peker på ukjent mål {sg['goal']}.")
        elif str(sg["goal"]) != sg["code"][0]:
            problems.append(f"Delmål {sg['code']} hører ikke til mål {sg['goal']}.")
    return problems


def export_problems(data: Data, rows: list[dict[str, str]]) -> list[str]:
    problems = []
    subgoals = keyed(data["subgoals"], "code")
    for code, (title, groupings) in sorted(export_structure(rows).items()):
        subgoal = subgoals.get(code)
        if subgoal is None:
            problems.append(f"Delmål {code} fra veikarteksporten mangler i datafilen.")
            continue
        if clean(subgoal["title"]) != title:
            problems.append(
                f"Tittelen på delmål {code} avviker fra eksporten: {subgoal['title']!r}."
            )
        ours = set(subgoal["groupings"])
        for grouping in sorted(groupings - ours):
            problems.append(f"Grupperingen {grouping!r} mangler under delmål {code}.")
        for grouping in sorted(ours - groupings):
            problems.append(
                f"Grupperingen {grouping!r} under delmål {code} finnes ikke i eksporten."
            )
    return problems


def org_number_problems(data: Data) -> list[str]:
    problems = []
    for org in data["organisations"]:
        number = org["org_number"]
        if number is None:
            continue
        if not isinstance(number, str) or not is_valid_org_number(number):
            problems.append(f"{org['key']} har ugyldig organisasjonsnummer {number!r}.")
    return problems


def schema_problems(data: Data) -> list[str]:
    problems = []
    if set(data) != TOP_LEVEL_KEYS:
        problems.append(f"Toppnivået skal ha nøklene {sorted(TOP_LEVEL_KEYS)}, har {sorted(data)}.")
    for org in data["organisations"]:
        if org["kind"] not in ORGANISATION_KINDS:
            problems.append(f"{org['key']} har ukjent kind {org['kind']!r}.")
    for key in duplicates([org["key"] for org in data["organisations"]]):
        problems.append(f"Organisasjonsnøkkelen {key} finnes mer enn én gang.")
    for doc in data["related_documents"]:
        if doc["kind"] not in DOCUMENT_KINDS or doc["relation"] not in RELATIONS:
            problems.append(f"Dokumentet {doc['title']!r} har ukjent kind eller relation.")
    for ind in data["indicators"]:
        if ind["unit"] not in UNITS:
            problems.append(f"Indikatoren {ind['code']} har ukjent enhet {ind['unit']!r}.")
        if ind["direction"] not in DIRECTIONS or ind["frequency"] not in FREQUENCIES:
            problems.append(f"Indikatoren {ind['code']} har ukjent retning eller hyppighet.")
        for obs in ind["observations"]:
            if obs["status"] not in OBSERVATION_STATUSES:
                problems.append(
                    f"{ind['code']} {obs['period']} har ukjent status {obs['status']!r}."
                )
            if (obs["value"] is None) != (obs["status"] == "not_available"):
                problems.append(
                    f"{ind['code']} {obs['period']}: verdien skal mangle når, og bare når, "
                    "status er not_available."
                )
    for key in duplicates([ind["code"] for ind in data["indicators"]]):
        problems.append(f"Indikatorkoden {key} finnes mer enn én gang.")
    confirmed = {g["slug"] for g in data["user_groups"] if g["confirmed"]}
    if confirmed != CONFIRMED_USER_GROUPS:
        problems.append(f"Bare {sorted(CONFIRMED_USER_GROUPS)} er bekreftede brukergrupper.")
    return problems


def _references(data: Data) -> Iterator[tuple[str, str, Any]]:
    """(where, kind of thing referred to, key) for every reference in the file."""
    s = data["strategy"]
    yield "strategy.owner", "organisation", s["owner"]
    for key in s["sources"]:
        yield "strategy.sources", "source", key
    for g in data["goals"]:
        for key in g["sources"]:
            yield f"mål {g['number']}", "source", key
    for sg in data["subgoals"]:
        yield f"delmål {sg['code']}", "goal", sg["goal"]
        for key in sg["themes"]:
            yield f"delmål {sg['code']}", "theme", key
        for key in sg["sources"]:
            yield f"delmål {sg['code']}", "source", key
    for org in data["organisations"]:
        if org["parent"] is not None:
            yield f"organisasjon {org['key']}", "organisation", org["parent"]
    for doc in data["related_documents"]:
        for key in doc["themes"]:
            yield f"dokument {doc['title']!r}", "theme", key
        for key in doc.get("sources") or []:
            yield f"dokument {doc['title']!r}", "source", key
    for ind in data["indicators"]:
        where = f"indikator {ind['code']}"
        yield where, "goal", ind["goal"]
        if ind["subgoal"] is not None:
            yield where, "subgoal", ind["subgoal"]
        if ind["responsible"] is not None:
            yield where, "organisation", ind["responsible"]
        for key in ind["themes"]:
            yield where, "theme", key
        for key in ind["sources"]:
            yield where, "source", key
        for obs in ind["observations"]:
            yield f"{where} {obs['period']}", "source", obs["source"]
    for link in data["initiative_links"]:
        for key in link["owners"]:
            yield f"leveranse {link['external_id']}", "organisation", key
        for key in link["user_groups"]:
            yield f"leveranse {link['external_id']}", "user_group", key


def reference_problems(data: Data) -> list[str]:
    known = {
        "organisation": {org["key"] for org in data["organisations"]},
        "source": set(data["sources"]),
        "goal": {g["number"] for g in data["goals"]},
        "subgoal": {sg["code"] for sg in data["subgoals"]},
        "theme": {t["slug"] for t in data["themes"]},
        "user_group": {g["slug"] for g in data["user_groups"]},
    }
    return [
        f"{where} viser til ukjent {kind} {key!r}."
        for where, kind, key in _references(data)
        if key not in known[kind]
    ]


def example_flag_problems(data: Data) -> list[str]:
    problems = []
    for ind in data["indicators"]:
        for target in ind["targets"]:
            published = (ind["code"], target["period"], target["value"]) in PUBLISHED_TARGETS
            if target["example"] == published:
                state = "publisert" if published else "ikke publisert"
                problems.append(
                    f"Målverdien {target['period']} for {ind['code']} er {state}, "
                    f"men har example: {target['example']}."
                )
        baseline = ind["baseline"]
        if baseline is not None and not baseline["example"]:
            observed = {(o["period"], o["value"]) for o in ind["observations"]}
            if (baseline["period"], baseline["value"]) not in observed:
                problems.append(
                    f"Utgangsverdien for {ind['code']} er ikke en observasjon "
                    "og må ha example: true."
                )
    return problems


def period_problems(data: Data) -> list[str]:
    periods = []
    for ind in data["indicators"]:
        periods += [(ind["code"], o["period"]) for o in ind["observations"]]
        periods += [(ind["code"], t["period"]) for t in ind["targets"]]
        if ind["baseline"] is not None:
            periods.append((ind["code"], ind["baseline"]["period"]))
    return [
        f"{code} har ugyldig periode {period!r}."
        for code, period in periods
        if not (isinstance(period, str) and PERIOD.match(period))
    ]


def link_problems(data: Data, rows: list[dict[str, str]]) -> list[str]:
    ids = {row["Leveranse-ID"].strip() for row in rows}
    links = data["initiative_links"]
    problems = [
        f"Leveranse {key} er koblet mer enn én gang."
        for key in duplicates([link["external_id"] for link in links])
    ]
    for link in links:
        key = link["external_id"]
        if not isinstance(key, str) or key not in ids:
            problems.append(f"Leveranse-ID {key!r} finnes ikke i veikarteksporten.")
        if not link["owners"] or not link["basis"]:
            problems.append(f"Leveranse {key} mangler eiere eller grunnlag.")
    return problems


ALL_CHECKS: list[Check] = [
    goal_problems,
    subgoal_problems,
    org_number_problems,
    schema_problems,
    reference_problems,
    example_flag_problems,
    period_problems,
]


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def data() -> Data:
    return load_data()


@pytest.fixture(scope="module")
def export_rows() -> list[dict[str, str]]:
    return load_export()


@pytest.fixture
def broken(data: Data) -> Data:
    return copy.deepcopy(data)


# --- the real file ---------------------------------------------------------------------------


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda check: check.__name__)
def test_the_data_file_passes(check: Check, data: Data) -> None:
    assert check(data) == []


def test_sub_goals_and_groupings_match_the_roadmap_export(
    data: Data, export_rows: list[dict[str, str]]
) -> None:
    assert export_problems(data, export_rows) == []


def test_every_initiative_link_points_at_a_delivery_in_the_export(
    data: Data, export_rows: list[dict[str, str]]
) -> None:
    assert link_problems(data, export_rows) == []


def test_the_export_fixture_is_the_full_roadmap(export_rows: list[dict[str, str]]) -> None:
    assert len(export_rows) == 263
    assert sorted(export_structure(export_rows)) == SUBGOAL_CODES


def test_helsedirektoratet_has_its_known_organisation_number(data: Data) -> None:
    assert keyed(data["organisations"], "key")["HDIR"]["org_number"] == "983544622"


# --- the checks can fail ---------------------------------------------------------------------


def test_a_duplicated_sub_goal_code_is_reported(broken: Data) -> None:
    broken["subgoals"][1]["code"] = broken["subgoals"][0]["code"]
    assert any("mer enn én gang" in p for p in subgoal_problems(broken))


def test_a_sub_goal_under_the_wrong_goal_is_reported(broken: Data) -> None:
    broken["subgoals"][0]["goal"] = 2
    assert subgoal_problems(broken) != []


def test_a_changed_sub_goal_title_is_reported(
    broken: Data, export_rows: list[dict[str, str]]
) -> None:
    broken["subgoals"][0]["title"] += " på nett"
    assert any("Tittelen" in p for p in export_problems(broken, export_rows))


def test_a_grouping_under_the_wrong_sub_goal_is_reported(
    broken: Data, export_rows: list[dict[str, str]]
) -> None:
    moved = broken["subgoals"][0]["groupings"].pop()
    broken["subgoals"][1]["groupings"].append(moved)
    assert len(export_problems(broken, export_rows)) == 2


def test_an_organisation_number_with_a_wrong_check_digit_is_reported(broken: Data) -> None:
    keyed(broken["organisations"], "key")["HDIR"]["org_number"] = "983544623"
    assert org_number_problems(broken) == ["HDIR har ugyldig organisasjonsnummer '983544623'."]


def test_an_organisation_number_written_as_a_number_is_reported(broken: Data) -> None:
    keyed(broken["organisations"], "key")["HDIR"]["org_number"] = 983544622
    assert org_number_problems(broken) != []


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d["strategy"].update(owner="UKJENT"),
        lambda d: d["organisations"][-1].update(parent="UKJENT"),
        lambda d: d["indicators"][0].update(responsible="UKJENT"),
        lambda d: d["indicators"][0].update(subgoal="6A"),
        lambda d: d["subgoals"][0]["themes"].append("ukjent-tema"),
        lambda d: d["goals"][0]["sources"].append("S-UKJENT"),
        lambda d: d["initiative_links"][0]["user_groups"].append("ukjent-gruppe"),
    ],
)
def test_a_dangling_reference_is_reported(broken: Data, breakage: Callable[[Data], None]) -> None:
    breakage(broken)
    assert len(reference_problems(broken)) == 1


def test_an_unpublished_target_without_the_example_flag_is_reported(broken: Data) -> None:
    keyed(broken["indicators"], "code")["HN-VISITS"]["targets"][0]["example"] = False
    assert len(example_flag_problems(broken)) == 1


def test_a_published_target_marked_as_example_is_reported(broken: Data) -> None:
    keyed(broken["indicators"], "code")["KJ-MUNICIPALITIES"]["targets"][0]["example"] = True
    assert len(example_flag_problems(broken)) == 1


def test_an_invented_baseline_without_the_example_flag_is_reported(broken: Data) -> None:
    keyed(broken["indicators"], "code")["HN-VISITS"]["baseline"]["value"] = 1
    assert len(example_flag_problems(broken)) == 1


@pytest.mark.parametrize("period", ["2024Q1", "2024M13", "24", "2026H3", 2024])
def test_an_invalid_period_is_reported(broken: Data, period: Any) -> None:
    broken["indicators"][0]["observations"][0]["period"] = period
    assert len(period_problems(broken)) == 1


def test_a_link_to_an_unknown_delivery_is_reported(
    broken: Data, export_rows: list[dict[str, str]]
) -> None:
    broken["initiative_links"][0]["external_id"] = "56876000000000000"
    assert len(link_problems(broken, export_rows)) == 1


def test_a_delivery_id_read_as_a_number_is_reported(
    broken: Data, export_rows: list[dict[str, str]]
) -> None:
    link = broken["initiative_links"][0]
    link["external_id"] = int(link["external_id"])
    assert len(link_problems(broken, export_rows)) == 1


# --- the organisation-number check itself ----------------------------------------------------


@given(data=st.data())
def test_changing_one_digit_of_a_valid_organisation_number_makes_it_invalid(data: Any) -> None:
    # Mod-11 with weights that are all non-zero modulo 11 catches every single-digit error.
    number = data.draw(st.sampled_from(dataset_org_numbers()))
    position = data.draw(st.integers(min_value=0, max_value=8))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    assert is_valid_org_number(number)
    assert not is_valid_org_number(number[:position] + digit + number[position + 1 :])


@pytest.mark.parametrize("value", ["98354462", "9835446222", "98354462x", "", "984166762"])
def test_malformed_organisation_numbers_are_invalid(value: str) -> None:
    assert not is_valid_org_number(value)
