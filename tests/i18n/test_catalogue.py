"""The English catalogue is complete, compiled from what is committed, in step with the source, and
the English pages use it for everything that is not data."""

import gettext
import re
import shutil
import struct
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from pytest_django.fixtures import Settings

from retning.indicators.models import Indicator

from .catalogue import (
    Entry,
    messages_in_python,
    messages_in_source,
    messages_in_template,
    read_po,
    source_files,
)
from .page_text import Step, parse_page, select

PACKAGE = Path(__file__).resolve().parents[2] / "retning"
LOCALE = PACKAGE / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return [entry for entry in read_po(PO) if not entry.is_header]


@pytest.fixture(autouse=True)
def _language_kept() -> Iterator[None]:
    # A request to /en/ leaves English active in this thread; later tests expect bokmål.
    language = translation.get_language()
    yield
    translation.activate(language)


# (a) Every entry is translated.


def test_there_is_one_catalogue_for_all_apps() -> None:
    folders = sorted(path for path in PACKAGE.rglob("locale") if path.is_dir())

    assert folders == [LOCALE]
    assert sorted(LOCALE.rglob("*.po")) == [PO]


def test_every_entry_has_an_english_translation(entries: list[Entry]) -> None:
    untranslated = [entry.msgid for entry in entries if not entry.msgstr or not all(entry.msgstr)]

    assert untranslated == []


def test_entries_with_a_plural_have_both_english_forms(entries: list[Entry]) -> None:
    plurals = [entry for entry in entries if entry.msgid_plural is not None]

    assert plurals, "the catalogue should have plural entries (counts of initiatives, changes ...)"
    assert [entry.msgid for entry in plurals if len(entry.msgstr) != 2] == []


def test_no_entry_is_fuzzy() -> None:
    # msgfmt leaves fuzzy entries out of the .mo, so the page would show bokmål.
    assert [entry.msgid for entry in read_po(PO) if "fuzzy" in entry.flags] == []


def test_the_header_declares_english_with_two_plural_forms() -> None:
    header = next(entry for entry in read_po(PO) if entry.is_header).msgstr[0]

    assert "Language: en\n" in header
    assert "Content-Type: text/plain; charset=UTF-8\n" in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header


def test_translations_keep_the_placeholders_of_the_bokmal_text(entries: list[Entry]) -> None:
    broken = []
    for entry in entries:
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        available = set(PLACEHOLDER.findall(" ".join(sources)))
        for index, text in enumerate(entry.msgstr):
            used = PLACEHOLDER.findall(text)
            # The singular of a plural may say "one" instead of "%(n)s"; everything else keeps them all.
            may_drop = entry.msgid_plural is not None and index == 0
            wanted = PLACEHOLDER.findall(sources[min(index, len(sources) - 1)])
            if not set(used) <= available or (not may_drop and sorted(used) != sorted(wanted)):
                broken.append((entry.msgid, text))

    assert broken == []


def test_no_translation_is_left_in_bokmal(entries: list[Entry]) -> None:
    # Proper names that stay in bokmål (Nasjonal e-helsestrategi, Helsedirektoratet) have no æ/ø/å.
    assert [text for entry in entries for text in entry.msgstr if re.search("[æøåÆØÅ]", text)] == []


# (b) The committed .mo is compiled from the committed .po.


def test_the_compiled_catalogue_gives_the_text_of_the_po_file(entries: list[Entry]) -> None:
    with MO.open("rb") as file:
        compiled = gettext.GNUTranslations(file)

    differing = []
    for entry in entries:
        if entry.msgid_plural is None and entry.msgctxt is None:
            shown: tuple[str, ...] = (compiled.gettext(entry.msgid),)
        elif entry.msgid_plural is None:
            shown = (compiled.pgettext(entry.msgctxt or "", entry.msgid),)
        elif entry.msgctxt is None:
            shown = tuple(compiled.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2))
        else:
            shown = tuple(
                compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                for n in (1, 2)
            )
        if shown != entry.msgstr:
            differing.append((entry.msgid, entry.msgstr, shown))

    assert differing == [], "recompile with `make messages` (or django-admin compilemessages)"


def test_the_compiled_catalogue_holds_no_message_the_po_file_lacks(entries: list[Entry]) -> None:
    data = MO.read_bytes()
    byte_order = "<" if data[:4] == b"\xde\x12\x04\x95" else ">"
    (count,) = struct.unpack(f"{byte_order}I", data[8:12])

    assert count == len(entries) + 1  # the header is a message too


def test_the_po_file_passes_the_checks_of_msgfmt(tmp_path: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip(
            "GNU gettext's msgfmt is not installed; the .mo is still compared with the .po "
            "through Python's gettext module in the tests above"
        )
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr


# (c) A string marked for translation in the source but missing from the catalogue fails CI.
# makemessages needs GNU gettext (xgettext, msguniq, msgmerge), which CI machines may lack, so the
# check that always runs is a plain scan: Python files through ast, templates through Django's
# own templatize(), the step makemessages runs before handing templates to xgettext. Where
# gettext is installed, a second test runs makemessages itself and holds the scan to it.


def test_the_catalogue_has_every_string_the_source_marks_for_translation(
    entries: list[Entry],
) -> None:
    in_catalogue = {entry.key for entry in entries}
    missing = sorted(messages_in_source(source_files(PACKAGE)) - in_catalogue, key=str)

    assert missing == [], "run `make messages`, then translate the new entries in django.po"


def test_the_scan_reads_every_kind_of_template_tag() -> None:
    template = """{% load i18n %}
    <h1>{% translate "Forside" %}</h1>
    <p>{% translate "Mål" context "målverdi" %}: {{ value }}</p>
    <p>{% blocktranslate trimmed with name=user.name %}
        Hei, {{ name }}!
    {% endblocktranslate %}</p>
    <p>{% blocktranslate count n=items|length %}{{ n }} initiativ{% plural %}{{ n }} initiativer{% endblocktranslate %}</p>
    <p>{{ note|default:_("Ikke oppgitt") }}</p>
    {% include "empty.html" with title=_("Ingen treff") %}
    <p>Tekst som ikke er merket for oversetting</p>
    """

    assert messages_in_template(template) == {
        (None, "Forside", None),
        ("målverdi", "Mål", None),
        (None, "Hei, %(name)s!", None),
        (None, "%(n)s initiativ", "%(n)s initiativer"),
        (None, "Ikke oppgitt", None),
        (None, "Ingen treff", None),
    }


def test_the_scan_reads_gettext_calls_in_python_but_not_computed_text() -> None:
    source = """
from django.utils import translation
from django.utils.translation import gettext_lazy as _, ngettext, pgettext_lazy

GOAL = _("Mål")
PHASE = pgettext_lazy("veikartfase", "Utvikling")
HOURS = ngettext("%(n)d time", "%(n)d timer", 2)
SEARCH = translation.gettext("Søk (med parentes)")
COMPUTED = _(label)
FORMATTED = _(f"Mål {number}")
"""

    assert messages_in_python(source) == {
        (None, "Mål", None),
        ("veikartfase", "Utvikling", None),
        (None, "%(n)d time", "%(n)d timer"),
        (None, "Søk (med parentes)", None),
    }


def test_makemessages_finds_what_the_scan_finds_and_nothing_the_catalogue_lacks(
    entries: list[Entry], tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not all(shutil.which(tool) for tool in ("xgettext", "msguniq", "msgmerge")):
        pytest.skip(
            "GNU gettext is not installed, so makemessages cannot run; the plain scan in "
            "test_the_catalogue_has_every_string_the_source_marks_for_translation still runs"
        )
    copy = tmp_path / "retning"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "locale"))
    (copy / "locale").mkdir()
    # makemessages writes into the first LOCALE_PATHS folder; keep it away from the real one.
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)

    call_command(
        "makemessages", locale=["en"], no_obsolete=True, ignore_patterns=["*/tests/*"], verbosity=0
    )
    found = {entry.key for entry in read_po(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")}
    found.discard((None, "", None))

    assert found == messages_in_source(source_files(copy))
    assert sorted(found - {entry.key for entry in entries}, key=str) == []


# (d) English pages show no bokmål in their fixed text. Data (titles of goals, sub-goals,
# initiatives, organisation names, units) is bokmål by nature, so only chosen parts are read:
# the site's header, navigation and footer, and per page the headings, labels, buttons and tags
# that the templates write themselves.

NORWEGIAN_WORDS = (
    "Forside",
    "Veikart",
    "Veikartet",
    "Mål",
    "Delmål",
    "Målindikator",
    "Målindikatorer",
    "Indikatorer",
    "Initiativ",
    "Initiativer",
    "Aktører",
    "Dokumenter",
    "Søk",
    "Logg inn",
    "Hopp til hovedinnholdet",
    "Hovedmeny",
    "Språk",
    "Om Retning",
    "Snarveier",
    "Planlagt",
    "Tentativ",
    "Fase",
    "Faser",
    "Konsept",
    "Utvikling",
    "Tilpasning",
    "Innføring",
    "I bruk",
    "Eier",
    "Periode",
    "Verdi",
    "Utgangsverdi",
    "Målverdi",
    "Eksempeldata",
    "Merknad",
    "Enhet",
    "Datakilde",
    "Hyppighet",
    "Ansvarlig",
    "Kilder",
    "Tidslinje",
    "Liste",
    "Visning",
    "Alle",
    "Vis",
    "Nullstill",
    "Filtrer",
    "Forrige",
    "Neste",
    "Viser",
    "treff",
    "Tilbake til",
    "Du er her",
    "Strategisk mål",
    "Direkte nytte",
    "Tilretteleggende",
    "Nyttemålsetninger",
    "stiplet",
    "Brukernavn",
    "Passord",
    "Glemt passordet",
)
WORD_PATTERNS = {word: re.compile(rf"(?<!\w){re.escape(word)}(?!\w)") for word in NORWEGIAN_WORDS}


def _el(tag: str, cls: str | None = None, **attrs: str) -> Step:
    """A selector step: `cls` is one of the element's classes; `aria_labelledby` means aria-labelledby."""
    wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
    if cls is not None:
        wanted["class"] = cls
    return (tag, wanted)


SITE_CHROME: list[tuple[Step, ...]] = [
    (_el("a", "ds-skip-link"),),
    (_el("span", "retning-brand__tagline"),),
    (_el("form", "retning-search"),),
    (_el("form", "retning-language"), _el("legend")),
    (_el("div", "retning-account"),),
    (_el("nav", "retning-nav"),),
    (_el("footer", "retning-footer"),),
]
BREADCRUMBS = (_el("nav", "ds-breadcrumbs"),)
PHASE_TAGS = (_el("span", "retning-phase"),)
STATUS_TAGS = (_el("span", "retning-status"),)
HEADING_1 = (_el("main"), _el("h1"))


def _heading(element_id: str) -> tuple[Step, ...]:
    return (_el("h2", id=element_id),)


def _first_indicator() -> str:
    indicator = Indicator.objects.order_by("code").first()
    assert indicator is not None
    return f"/indikatorer/{indicator.code}/"


PAGES: dict[str, tuple[Callable[[], str], list[tuple[Step, ...]]]] = {
    "home": (
        lambda: "/",
        [
            _heading("goals-heading"),
            _heading("more-heading"),
            (_el("li", "retning-goal-card"), _el("p", "retning-eyebrow")),
            (_el("dl", "retning-stats"), _el("dt")),
            (_el("figcaption"),),
            (_el("section", aria_labelledby="more-heading"), _el("ul")),
        ],
    ),
    "goal": (
        lambda: "/mal/1/",
        [
            BREADCRUMBS,
            (_el("main"), _el("header"), _el("p", "retning-eyebrow")),
            _heading("subgoals-heading"),
            _heading("indicators-heading"),
            _heading("initiatives-heading"),
            PHASE_TAGS,
            STATUS_TAGS,
        ],
    ),
    "sub-goal": (
        lambda: "/delmal/1A/",
        [
            BREADCRUMBS,
            _heading("benefits-heading"),
            _heading("timeline-heading"),
            _heading("indicators-heading"),
            (_el("section", aria_labelledby="timeline-heading"), _el("p")),
            (_el("div", "retning-legend"),),
            (_el("details"), _el("summary")),
            PHASE_TAGS,
            STATUS_TAGS,
        ],
    ),
    "roadmap": (
        lambda: "/veikart/",
        [
            HEADING_1,
            (_el("form", "retning-filters"), _el("h2")),
            (_el("form", "retning-filters"), _el("label")),
            (_el("form", "retning-filters"), _el("button")),
            (_el("form", "retning-filters"), _el("a")),
            (_el("select", name="fase"), _el("option")),
            (_el("select", name="status"), _el("option")),
            (_el("select", name="visning"), _el("option")),
            (_el("p", role="status"),),
            (_el("nav", "retning-tabnav"),),
            (_el("thead"),),
            (_el("nav", "ds-pagination"),),
            PHASE_TAGS,
            STATUS_TAGS,
        ],
    ),
    "indicator list": (lambda: "/indikatorer/", [HEADING_1, (_el("thead"),)]),
    "indicator": (
        _first_indicator,
        [
            BREADCRUMBS,
            _heading("chart-heading"),
            _heading("meta-heading"),
            (_el("thead"),),
            (_el("dl", "retning-meta"), _el("dt")),
            (_el("a", download=""),),
        ],
    ),
    "search": (
        lambda: "/sok/?q=x",
        [
            HEADING_1,
            (_el("label", for_="search-page-q"),),
            (_el("main"), _el("button")),
            (_el("p", role="status"),),
            (_el("main"), _el("h2")),
        ],
    ),
    "sign-in": (
        lambda: "/konto/logg-inn/",
        [
            HEADING_1,
            (_el("main"), _el("form"), _el("label")),
            (_el("main"), _el("form"), _el("button")),
            (_el("main"), _el("form"), _el("a")),
            (_el("aside"),),
        ],
    ),
}


def _chrome(client: Client, url: str, parts: list[tuple[Step, ...]]) -> list[str]:
    """The text of each chosen part of the page, in the order of `parts`."""
    response = client.get(url)
    assert response.status_code == 200, url
    page = parse_page(response.content.decode())
    texts = []
    for part in parts:
        elements = select(page, *part)
        assert elements, f"nothing on {url} matches {part}: has the template changed?"
        texts.append(" | ".join(element.text() for element in elements))
    return texts


def _norwegian_words(text: str) -> set[str]:
    return {word for word, pattern in WORD_PATTERNS.items() if pattern.search(text)}


@pytest.mark.parametrize("page", PAGES)
def test_english_pages_show_no_norwegian_interface_words(
    page: str, client: Client, seeded: None
) -> None:
    path, parts = PAGES[page]
    chrome = _chrome(client, "/en" + path(), SITE_CHROME + parts)

    assert {text: _norwegian_words(text) for text in chrome if _norwegian_words(text)} == {}


@pytest.mark.parametrize("page", PAGES)
def test_every_chosen_part_of_the_page_changes_with_the_language(
    page: str, client: Client, seeded: None
) -> None:
    path, parts = PAGES[page]
    url = path()
    norwegian = _chrome(client, url, SITE_CHROME + parts)
    english = _chrome(client, "/en" + url, SITE_CHROME + parts)

    # The same parts in bokmål do use the words looked for, so the check above can fail ...
    assert any(_norwegian_words(text) for text in norwegian)
    # ... and each part is translated, also where it holds none of those words.
    unchanged = [nb for nb, en in zip(norwegian, english, strict=True) if nb == en]
    assert unchanged == []
