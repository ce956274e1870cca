import csv
import io
import unicodedata
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retning.roadmap.phases import Phase, PhaseRange
from retning.roadmap.roadmap_csv import (
    COLUMN_DESCRIPTION,
    COLUMN_END,
    COLUMN_EXTERNAL_ID,
    COLUMN_GROUPING,
    COLUMN_PHASE,
    COLUMN_PLANNING_STATUS,
    COLUMN_START,
    COLUMN_SUBGOAL,
    COLUMN_TITLE,
    COLUMN_VERSION,
    COLUMNS,
    INVISIBLE_CHARACTERS,
    PlanningStatus,
    RoadmapParseResult,
    RoadmapRow,
    RowProblem,
    parse_roadmap_csv,
)

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "veikart-2026-08.csv"
REAL_BYTES = FIXTURE.read_bytes()
REAL_TEXT = REAL_BYTES.decode("utf-8")

SUBGOAL_CODES = [
    *(f"1{letter}" for letter in "ABCDEF"),
    *(f"2{letter}" for letter in "ABCDE"),
    *(f"3{letter}" for letter in "ABC"),
    *(f"4{letter}" for letter in "ABC"),
    *(f"5{letter}" for letter in "ABC"),
]


def real_records() -> list[list[str]]:
    """The real export as records, read with the standard library so tests can edit it."""
    return list(csv.reader(io.StringIO(REAL_TEXT, newline=""), delimiter=";"))


def write_csv(records: list[list[str]], delimiter: str = ";") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(records)
    return buffer.getvalue()


def real_with(row_number: int, column: str, value: str) -> str:
    records = real_records()
    records[row_number - 1][records[0].index(column)] = value
    return write_csv(records)


def messages(result: RoadmapParseResult) -> list[str]:
    return [str(problem) for problem in result.problems]


@pytest.fixture(scope="module")
def real() -> RoadmapParseResult:
    return parse_roadmap_csv(REAL_BYTES)


def row_by_id(result: RoadmapParseResult, external_id: str) -> RoadmapRow:
    (row,) = [row for row in result.rows if row.external_id == external_id]
    return row


# --- The real export ---------------------------------------------------------------------------


def test_it_reads_every_delivery_of_the_real_export_without_problems(
    real: RoadmapParseResult,
) -> None:
    assert real.problems == []
    assert real.ok
    assert len(real.rows) == 263
    assert real.version == "2026-08"
    assert len({row.external_id for row in real.rows}) == 263


def test_the_real_export_covers_all_twenty_subgoals(real: RoadmapParseResult) -> None:
    assert sorted({row.subgoal_code for row in real.rows}) == SUBGOAL_CODES


def test_the_real_export_has_the_expected_phase_distribution(real: RoadmapParseResult) -> None:
    codes = Counter(row.phase.to_code() if row.phase else None for row in real.rows)
    assert codes == {
        "4": 61,
        "2": 49,
        "1": 42,
        "3": 34,
        "3-4": 28,
        "5": 18,
        # 13 "Utvikling - tilpasning - innføring" and 2 "Utvikling - innføring".
        "2-4": 15,
        "2-3": 8,
        "1-2": 5,
        None: 3,
    }


def test_the_real_export_has_planned_and_tentative_deliveries(real: RoadmapParseResult) -> None:
    statuses = Counter(row.planning_status for row in real.rows)
    assert statuses == {PlanningStatus.PLANNED: 204, PlanningStatus.TENTATIVE: 59}


def test_it_reads_all_fields_of_a_known_row(real: RoadmapParseResult) -> None:
    row = row_by_id(real, "56876000020107084")
    assert row.row_number == 4
    assert row.title == "Fullmakt konsept EHDS"
    assert row.description == (
        "Tentativ plan for konsept for fullmakts tjenester, som skal være interoperatible "
        "mellom EU/EØS-land"
    )
    assert row.phase == PhaseRange(Phase.CONCEPT, Phase.CONCEPT)
    assert row.start == date(2026, 7, 1)
    assert row.end is None
    assert row.subgoal_code == "1A"
    assert row.subgoal_title == (
        "Innbygger skal ha mulighet for å administrere behandlingsforløp, digital dialog og "
        "innsynstjenester gjennom Helsenorge"
    )
    assert row.grouping == "Fullmakt, representasjon og tilgangsbegrensning gjennom Helsenorge"
    assert row.planning_status is PlanningStatus.TENTATIVE
    assert row.version == "2026-08"


def test_it_keeps_line_breaks_inside_descriptions(real: RoadmapParseResult) -> None:
    row = row_by_id(real, "56876000020107086")
    assert row.description.split("\n") == [
        "Tentativ tidsplan for å etablere felles tjenester for fullmakt- og representasjon, "
        "i tilknytning til tilgangstjenester for innbyggere.",
        "Det skal også etableres mulighet for representanter fra andre EU/EØS-land å "
        "representere norske innbyggere på Helsenorge.",
    ]
    assert sum("\n" in row.description for row in real.rows) > 50


def test_it_trims_a_trailing_line_break_from_a_description(real: RoadmapParseResult) -> None:
    row = row_by_id(real, "56876000020107081")
    assert row.description.endswith("eller hos bandasjist")


def test_it_collapses_stray_spaces_in_one_line_values(real: RoadmapParseResult) -> None:
    assert row_by_id(real, "56876000020107089").title == (
        "Tilgangsbegrensning, nasjonale samhandlingstjenester"
    )
    titles_2e = {row.subgoal_title for row in real.rows if row.subgoal_code == "2E"}
    assert titles_2e == {
        "Helsepersonell skal ha tilgang til relevant, oppdatert og korrekt informasjon om "
        "pasienten gjennom nye digitale verktøy for samhandling"
    }


def test_row_numbers_count_records_not_physical_lines(real: RoadmapParseResult) -> None:
    assert [row.row_number for row in real.rows] == list(range(2, 265))
    assert REAL_TEXT.count("\n") > 263 + 1
    # The delivery in row 4 starts on physical line 5, after a description with a line break.
    assert REAL_TEXT.split("\n")[4].startswith("Fullmakt konsept EHDS;")


def test_it_warns_about_but_keeps_real_rows_that_end_before_they_start(
    real: RoadmapParseResult,
) -> None:
    assert [(warning.row_number, warning.column) for warning in real.warnings] == [
        (126, COLUMN_END),
        (136, COLUMN_END),
        (145, COLUMN_END),
    ]
    row = row_by_id(real, "56876000019902382")
    assert (row.start, row.end) == (date(2026, 1, 1), date(2025, 6, 30))
    assert "Sluttdatoen 30.06.2025 er før startdatoen 01.01.2026" in real.warnings[0].message


def test_it_accepts_the_real_export_as_text(real: RoadmapParseResult) -> None:
    assert parse_roadmap_csv(REAL_TEXT).rows == real.rows


def test_it_accepts_every_real_subgoal_when_the_strategy_is_known(
    real: RoadmapParseResult,
) -> None:
    result = parse_roadmap_csv(REAL_BYTES, known_subgoals=[code.lower() for code in SUBGOAL_CODES])
    assert result.ok
    assert result.rows == real.rows


# --- Messy but valid variants of the real export -----------------------------------------------


def soil(text: str, index: int) -> str:
    """Sprinkle invisible characters around and inside a value, differently for each index."""
    if not text:
        return INVISIBLE_CHARACTERS[index % len(INVISIBLE_CHARACTERS)]
    invisible = INVISIBLE_CHARACTERS[index % len(INVISIBLE_CHARACTERS)]
    middle = len(text) // 2
    return f"{invisible}{text[:middle]}\u00ad{text[middle:]}\u200b"


def test_bom_crlf_and_invisible_characters_give_the_same_rows(real: RoadmapParseResult) -> None:
    records = [
        [soil(value, index) for index, value in enumerate(record)] for record in real_records()
    ]
    messy = "\ufeff" + write_csv(records).replace("\n", "\r\n")
    result = parse_roadmap_csv(messy.encode("utf-8"))
    assert "\r" in messy and "\u00ad" in messy
    assert result.problems == []
    assert result.rows == real.rows


def test_decomposed_letters_are_normalised(real: RoadmapParseResult) -> None:
    decomposed = unicodedata.normalize("NFD", REAL_TEXT)
    assert decomposed != REAL_TEXT
    assert parse_roadmap_csv(decomposed.encode("utf-8")).rows == real.rows


def test_columns_in_another_order_are_mapped_by_name(real: RoadmapParseResult) -> None:
    records = [list(reversed(record)) for record in real_records()]
    assert parse_roadmap_csv(write_csv(records)).rows == real.rows


def test_extra_columns_are_ignored(real: RoadmapParseResult) -> None:
    records = [[*record, "ekstra"] for record in real_records()]
    records[0][-1] = "Eier"
    result = parse_roadmap_csv(write_csv(records))
    assert result.ok
    assert result.rows == real.rows


def test_header_names_are_matched_without_regard_to_case(real: RoadmapParseResult) -> None:
    records = real_records()
    records[0] = [name.upper() for name in records[0]]
    assert parse_roadmap_csv(write_csv(records)).rows == real.rows


def test_blank_rows_are_skipped_but_still_counted() -> None:
    records = real_records()
    records.insert(1, [""] * len(COLUMNS))
    result = parse_roadmap_csv(write_csv(records) + "\n\n")
    assert result.ok
    assert len(result.rows) == 263
    assert result.rows[0].row_number == 3


def test_planning_status_is_read_without_regard_to_case() -> None:
    result = parse_roadmap_csv(real_with(2, COLUMN_PLANNING_STATUS, " TENTATIV "))
    assert result.ok
    assert result.rows[0].planning_status is PlanningStatus.TENTATIVE


def test_subgoal_code_is_upper_cased() -> None:
    result = parse_roadmap_csv(real_with(2, COLUMN_SUBGOAL, "1a – Innbyggere"))
    assert result.ok
    assert (result.rows[0].subgoal_code, result.rows[0].subgoal_title) == ("1A", "Innbyggere")


def test_a_date_with_single_digit_day_and_month_is_accepted() -> None:
    result = parse_roadmap_csv(real_with(2, COLUMN_START, "1.7.2026"))
    assert result.ok
    assert result.rows[0].start == date(2026, 7, 1)


# --- Broken files --------------------------------------------------------------------------------


def only_problem(result: RoadmapParseResult) -> RowProblem:
    assert len(result.problems) == 1, messages(result)
    return result.problems[0]


@pytest.mark.parametrize(("delimiter", "name"), [(",", "komma"), ("\t", "tabulator")])
def test_it_rejects_a_file_with_another_delimiter(delimiter: str, name: str) -> None:
    result = parse_roadmap_csv(write_csv(real_records(), delimiter=delimiter))
    problem = only_problem(result)
    assert name in problem.message
    assert "semikolonseparert" in problem.message
    assert result.rows == []


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_it_asks_for_utf8_when_the_file_has_another_encoding(encoding: str) -> None:
    result = parse_roadmap_csv(REAL_TEXT.encode(encoding, errors="replace"))
    problem = only_problem(result)
    first_non_ascii = next(i for i, char in enumerate(REAL_TEXT) if ord(char) > 127)
    line = REAL_TEXT[:first_non_ascii].count("\n") + 1
    assert "UTF-8" in problem.message
    assert f"linje {line}" in problem.message
    assert result.rows == []


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", "  \r\n\r\n", "\u200b\n"])
def test_it_says_so_when_the_file_is_empty(data: bytes | str) -> None:
    assert only_problem(parse_roadmap_csv(data)).message == "Filen er tom."


def test_it_says_so_when_there_are_no_deliveries() -> None:
    result = parse_roadmap_csv(";".join(COLUMNS) + "\n")
    assert "ingen leveranser" in only_problem(result).message


def test_it_names_a_missing_column() -> None:
    records = real_records()
    index = records[0].index(COLUMN_START)
    result = parse_roadmap_csv(write_csv([r[:index] + r[index + 1 :] for r in records]))
    problem = only_problem(result)
    assert problem.row_number == 1
    assert "«Startdato»" in problem.message
    assert result.rows == []


def test_it_names_every_missing_column() -> None:
    records = real_records()
    keep = [i for i, name in enumerate(records[0]) if name not in (COLUMN_VERSION, COLUMN_PHASE)]
    result = parse_roadmap_csv(write_csv([[r[i] for i in keep] for r in records]))
    assert len(result.problems) == 2
    assert "«Veikartfase»" in result.problems[0].message
    assert "«Versjon»" in result.problems[1].message


def test_it_explains_a_file_that_has_none_of_the_columns() -> None:
    problem = only_problem(parse_roadmap_csv("navn;dato\nx;y\n"))
    assert "ingen av kolonnene" in problem.message
    assert all(column in problem.message for column in COLUMNS)


def test_it_rejects_a_column_that_appears_twice() -> None:
    records = [[*record, record[0]] for record in real_records()]
    problem = only_problem(parse_roadmap_csv(write_csv(records)))
    assert "«Leveransenavn i veikartet» finnes 2 ganger" in problem.message


def test_it_rejects_an_unreadable_date() -> None:
    result = parse_roadmap_csv(real_with(4, COLUMN_START, "2026-07-01"))
    problem = only_problem(result)
    assert (problem.row_number, problem.column) == (4, COLUMN_START)
    assert "«2026-07-01»" in problem.message
    assert "dd.mm.åååå" in problem.message
    assert str(problem).startswith("Rad 4, kolonne «Startdato»: ")
    assert len(result.rows) == 262
    assert "56876000020107084" not in {row.external_id for row in result.rows}


def test_it_rejects_an_impossible_date() -> None:
    problem = only_problem(parse_roadmap_csv(real_with(7, COLUMN_END, "31.02.2025")))
    assert (problem.row_number, problem.column) == (7, COLUMN_END)
    assert problem.message == "Datoen «31.02.2025» finnes ikke."


def test_an_end_before_the_start_is_a_warning_not_a_problem() -> None:
    records = real_records()
    header = records[0]
    records[3][header.index(COLUMN_END)] = "30.06.2026"
    result = parse_roadmap_csv(write_csv(records))
    assert result.ok
    assert (4, COLUMN_END) in {(w.row_number, w.column) for w in result.warnings}
    row = row_by_id(result, "56876000020107084")
    assert row.end == date(2026, 6, 30)


def test_it_rejects_a_subgoal_that_is_not_in_the_strategy() -> None:
    text = real_with(9, COLUMN_SUBGOAL, "6Z - Et delmål som ikke finnes")
    result = parse_roadmap_csv(text, known_subgoals=SUBGOAL_CODES)
    problem = only_problem(result)
    assert (problem.row_number, problem.column) == (9, COLUMN_SUBGOAL)
    assert "6Z" in problem.message
    assert "1A, 1B" in problem.message
    assert parse_roadmap_csv(text).ok


@pytest.mark.parametrize("value", ["", "   ", "Innbyggere skal ha tilgang", "1 - Innbygger"])
def test_it_rejects_a_missing_or_malformed_subgoal(value: str) -> None:
    problem = only_problem(parse_roadmap_csv(real_with(2, COLUMN_SUBGOAL, value)))
    assert (problem.row_number, problem.column) == (2, COLUMN_SUBGOAL)


def test_it_names_both_rows_of_a_duplicate_delivery_id() -> None:
    result = parse_roadmap_csv(real_with(10, COLUMN_EXTERNAL_ID, "56876000020107081"))
    problem = only_problem(result)
    assert (problem.row_number, problem.column) == (10, COLUMN_EXTERNAL_ID)
    assert "rad 3" in problem.message
    assert str(problem).startswith("Rad 10, ")


@pytest.mark.parametrize(
    "value", ["", "5687600002010708", "568760000201070811", "56876O00020107081", "5,6876E+16"]
)
def test_it_rejects_an_empty_or_malformed_delivery_id(value: str) -> None:
    problem = only_problem(parse_roadmap_csv(real_with(2, COLUMN_EXTERNAL_ID, value)))
    assert (problem.row_number, problem.column) == (2, COLUMN_EXTERNAL_ID)


def test_it_explains_a_delivery_id_turned_into_a_number_by_a_spreadsheet() -> None:
    problem = only_problem(parse_roadmap_csv(real_with(2, COLUMN_EXTERNAL_ID, "5,6876E+16")))
    assert "formater kolonnen som tekst" in problem.message


def test_it_rejects_a_missing_title() -> None:
    problem = only_problem(parse_roadmap_csv(real_with(5, COLUMN_TITLE, " \u00ad ")))
    assert (problem.row_number, problem.column) == (5, COLUMN_TITLE)


def test_a_missing_description_and_grouping_are_allowed() -> None:
    records = real_records()
    for column in (COLUMN_DESCRIPTION, COLUMN_GROUPING):
        records[1][records[0].index(column)] = ""
    result = parse_roadmap_csv(write_csv(records))
    assert result.ok
    assert (result.rows[0].description, result.rows[0].grouping) == ("", "")


def test_it_rejects_an_unknown_phase() -> None:
    problem = only_problem(parse_roadmap_csv(real_with(6, COLUMN_PHASE, "Pilot")))
    assert (problem.row_number, problem.column) == (6, COLUMN_PHASE)
    assert "«Pilot»" in problem.message


@pytest.mark.parametrize("value", ["Usikker", ""])
def test_it_rejects_an_unknown_or_missing_planning_status(value: str) -> None:
    problem = only_problem(parse_roadmap_csv(real_with(8, COLUMN_PLANNING_STATUS, value)))
    assert (problem.row_number, problem.column) == (8, COLUMN_PLANNING_STATUS)
    assert "«Planlagt» og «Tentativ»" in problem.message


def test_it_rejects_a_row_with_the_wrong_number_of_fields() -> None:
    records = real_records()
    records[11] = records[11][:-1]
    records[20] = [*records[20], "overflødig"]
    result = parse_roadmap_csv(write_csv(records))
    assert [problem.row_number for problem in result.problems] == [12, 21]
    assert "9 felt" in result.problems[0].message
    assert len(result.rows) == 261


def test_it_rejects_mixed_versions_once_per_extra_version() -> None:
    records = real_records()
    for record in records[50:]:
        record[records[0].index(COLUMN_VERSION)] = "2027-02"
    result = parse_roadmap_csv(write_csv(records))
    problem = only_problem(result)
    assert (problem.row_number, problem.column) == (51, COLUMN_VERSION)
    assert "«2027-02»" in problem.message
    assert "«2026-08» i rad 2" in problem.message
    assert result.version is None


def test_it_rejects_a_missing_version() -> None:
    problem = only_problem(parse_roadmap_csv(real_with(3, COLUMN_VERSION, "")))
    assert (problem.row_number, problem.column) == (3, COLUMN_VERSION)


def test_it_reports_every_problem_not_just_the_first() -> None:
    records = real_records()
    header = records[0]
    records[1][header.index(COLUMN_START)] = "i fjor"
    records[1][header.index(COLUMN_PHASE)] = "Pilot"
    records[1][header.index(COLUMN_TITLE)] = ""
    records[99][header.index(COLUMN_END)] = "32.01.2026"
    records[262][header.index(COLUMN_PLANNING_STATUS)] = "Kanskje"
    result = parse_roadmap_csv(write_csv(records))
    assert [(p.row_number, p.column) for p in result.problems] == [
        (2, COLUMN_TITLE),
        (2, COLUMN_PHASE),
        (2, COLUMN_START),
        (100, COLUMN_END),
        (263, COLUMN_PLANNING_STATUS),
    ]
    assert len(result.rows) == 260


def test_an_unclosed_quote_is_reported_instead_of_raising() -> None:
    text = real_with(5, COLUMN_TITLE, "x").replace("\nx;", '\n"x;', 1)
    result = parse_roadmap_csv(text)
    assert not result.ok
    assert result.problems[0].row_number == 5


def test_a_problem_reads_like_a_sentence_with_its_place() -> None:
    assert str(RowProblem(14, COLUMN_START, "Feil.")) == "Rad 14, kolonne «Startdato»: Feil."
    assert str(RowProblem(14, None, "Feil.")) == "Rad 14: Feil."
    assert str(RowProblem(None, COLUMN_START, "Feil.")) == "Kolonne «Startdato»: Feil."
    assert str(RowProblem(None, None, "Feil.")) == "Feil."


# --- Properties ----------------------------------------------------------------------------------

fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(st.one_of(st.text(), st.binary()))
def test_arbitrary_content_never_makes_the_parser_raise(data: str | bytes) -> None:
    result = parse_roadmap_csv(data)
    assert not result.ok
    assert all(problem.message for problem in result.problems)
    assert all(problem.row_number is None or problem.row_number >= 1 for problem in result.problems)


@fast
@given(st.lists(st.text(alphabet=';"\n\r ,\t\u00adaZ1.-æ', max_size=40), max_size=8))
def test_arbitrary_rows_under_a_real_header_never_make_the_parser_raise(lines: list[str]) -> None:
    result = parse_roadmap_csv("\n".join([";".join(COLUMNS), *lines]))
    ids = [row.external_id for row in result.rows]
    assert len(ids) == len(set(ids))
    assert all(len(external_id) == 17 and external_id.isdigit() for external_id in ids)


# Printable text with no whitespace or invisible characters, so the expected value is plain.
word = st.text(
    alphabet=st.characters(categories=["L", "N", "P", "S"], exclude_characters="\ufeff"),
    min_size=1,
    max_size=8,
)
line = st.lists(word, min_size=1, max_size=5).map(" ".join)
normalised_line = line.filter(lambda text: unicodedata.is_normalized("NFC", text))
description = (
    st.lists(line, max_size=4)
    .map("\n".join)
    .filter(lambda text: unicodedata.is_normalized("NFC", text))
)
phase_range = st.none() | st.tuples(st.sampled_from(Phase), st.sampled_from(Phase)).map(
    lambda pair: PhaseRange(min(pair), max(pair))
)
day = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))


@st.composite
def delivery(draw: st.DrawFn) -> RoadmapRow:
    """A valid row; the caller fills in its place in the file and its ID."""
    start = draw(st.none() | day)
    end = draw(st.none() | day)
    if start is not None and end is not None and end < start:
        start, end = end, start
    return RoadmapRow(
        row_number=0,
        external_id="",
        title=draw(normalised_line),
        description=draw(description),
        phase=draw(phase_range),
        start=start,
        end=end,
        subgoal_code=draw(st.sampled_from(SUBGOAL_CODES)),
        subgoal_title=draw(normalised_line),
        grouping=draw(normalised_line),
        planning_status=draw(st.sampled_from(PlanningStatus)),
        version="2026-08",
    )


def phase_text(phase: PhaseRange | None, export_style: bool) -> str:
    if phase is None:
        return ""
    if not export_style or phase.is_single:
        return str(phase)
    # The export writes every phase of a range, joined by spaced hyphens.
    return " - ".join(each.short_label.lower() for each in phase.phases).capitalize()


def date_text(value: date | None) -> str:
    return "" if value is None else value.strftime("%d.%m.%Y")


@fast
@given(
    drafts=st.lists(delivery(), min_size=1, max_size=6),
    ids=st.lists(st.from_regex(r"[0-9]{17}", fullmatch=True), min_size=6, max_size=6, unique=True),
    crlf=st.booleans(),
    bom=st.booleans(),
    data=st.data(),
)
def test_rows_written_by_the_csv_module_are_read_back_unchanged(
    drafts: list[RoadmapRow], ids: list[str], crlf: bool, bom: bool, data: st.DataObject
) -> None:
    expected = [
        replace(draft, row_number=number + 2, external_id=ids[number])
        for number, draft in enumerate(drafts)
    ]

    def sprinkle(text: str) -> str:
        position = data.draw(st.integers(min_value=0, max_value=len(text)))
        invisible = data.draw(st.sampled_from(INVISIBLE_CHARACTERS) | st.just(""))
        return text[:position] + invisible + text[position:]

    order = data.draw(st.permutations(COLUMNS))
    records = [list(order)]
    for row in expected:
        fields = {
            COLUMN_TITLE: row.title,
            COLUMN_DESCRIPTION: row.description,
            COLUMN_PHASE: phase_text(row.phase, export_style=data.draw(st.booleans())),
            COLUMN_START: date_text(row.start),
            COLUMN_SUBGOAL: f"{row.subgoal_code} - {row.subgoal_title}",
            COLUMN_GROUPING: row.grouping,
            COLUMN_END: date_text(row.end),
            COLUMN_PLANNING_STATUS: row.planning_status.label,
            COLUMN_EXTERNAL_ID: row.external_id,
            COLUMN_VERSION: row.version,
        }
        records.append([sprinkle(fields[column]) for column in order])

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerows(records)
    text = buffer.getvalue()
    if crlf:
        text = text.replace("\n", "\r\n")
    if bom:
        text = "\ufeff" + text

    result = parse_roadmap_csv(text.encode("utf-8"))

    assert result.problems == []
    assert result.version == "2026-08"
    assert result.rows == expected
