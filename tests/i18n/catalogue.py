"""Read the translation catalogue, and find the strings the source code marks for translation.

Both are plain Python (plus Django's own template-to-gettext step), so the tests that use them run
on machines without GNU gettext, as CI may be.
"""

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation.template import templatize

# (msgctxt, msgid, msgid_plural): what makes one message distinct in a catalogue.
MessageKey = tuple[str | None, str, str | None]

# The gettext functions makemessages looks for in Python and in templatized templates, with the
# positions of their context, singular and plural arguments (xgettext's --keyword list).
KEYWORDS: dict[str, tuple[int | None, int, int | None]] = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}

# templatize() writes _("...") for strings marked in variables and tag arguments.
_TEMPLATE_CALL = re.compile(r"(?<![\w.])(?:npgettext|ngettext|pgettext|gettext|_)\(")
_PO_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


@dataclass(frozen=True)
class Entry:
    msgctxt: str | None
    msgid: str
    msgid_plural: str | None
    msgstr: tuple[str, ...]
    flags: frozenset[str]

    @property
    def key(self) -> MessageKey:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None


class _EntryBuilder:
    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.msgstr: dict[int, str] = {}
        self.flags: set[str] = set()
        self.last: tuple[str, int] | None = None

    def build(self) -> Entry | None:
        if "msgid" not in self.fields:
            return None
        forms = tuple(self.msgstr[index] for index in sorted(self.msgstr))
        return Entry(
            msgctxt=self.fields.get("msgctxt"),
            msgid=self.fields["msgid"],
            msgid_plural=self.fields.get("msgid_plural"),
            msgstr=forms,
            flags=frozenset(self.flags),
        )


def _unquote(text: str) -> str:
    # PO strings use C escapes (\n, \", \\, \t), which read the same as a Python string literal.
    value = ast.literal_eval(text)
    if not isinstance(value, str):
        raise ValueError(f"not a quoted string: {text}")
    return value


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header included; obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    builder = _EntryBuilder()
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line and (entry := builder.build()):
                entries.append(entry)
                builder = _EntryBuilder()
            continue
        if line.startswith("#,"):
            builder.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith("#"):
            continue
        if match := _PO_LINE.match(line):
            keyword, index, quoted = match.groups()
            if keyword.startswith("msgstr"):
                builder.last = ("msgstr", int(index or 0))
                builder.msgstr[builder.last[1]] = _unquote(quoted)
            else:
                builder.last = (keyword, 0)
                builder.fields[keyword] = _unquote(quoted)
            continue
        if line.startswith('"') and builder.last is not None:
            keyword, index = builder.last
            if keyword == "msgstr":
                builder.msgstr[index] += _unquote(line)
            else:
                builder.fields[keyword] += _unquote(line)
            continue
        raise ValueError(f"{path}: cannot read the line {raw!r}")
    if entry := builder.build():
        entries.append(entry)
    return entries


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _function_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _messages_in(tree: ast.AST) -> Iterator[MessageKey]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        positions = KEYWORDS.get(_function_name(node) or "")
        if positions is None:
            continue
        context_at, singular_at, plural_at = positions
        wanted = [at for at in positions if at is not None]
        if len(node.args) <= max(wanted):
            continue
        texts = {at: _literal(node.args[at]) for at in wanted}
        # Like xgettext, a call whose arguments are not all string literals marks nothing.
        if any(text is None for text in texts.values()):
            continue
        yield (
            texts[context_at] if context_at is not None else None,
            texts[singular_at] or "",
            texts[plural_at] if plural_at is not None else None,
        )


def messages_in_python(source: str) -> set[MessageKey]:
    return set(_messages_in(ast.parse(source)))


def messages_in_template(source: str, origin: str = "") -> set[MessageKey]:
    """Messages in a template, found the way makemessages finds them.

    Django's templatize() turns the template into Python-like text where every translatable
    string becomes a gettext call on one line and everything else is blanked out, so each call
    can be cut out and read as a Python expression.
    """
    found: set[MessageKey] = set()
    for line in templatize(source, origin=origin or None).splitlines():
        for match in _TEMPLATE_CALL.finditer(line):
            rest = line[match.start() :]
            # The strings may themselves hold ")": try each closing bracket until one parses.
            for end in (i + 1 for i, char in enumerate(rest) if char == ")"):
                try:
                    call = ast.parse(rest[:end], mode="eval")
                except SyntaxError:
                    continue
                found |= set(_messages_in(call))
                break
    return found


def source_files(root: Path) -> Iterator[Path]:
    """The files makemessages reads for the django domain, with tests and hidden folders left out."""
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or path.suffix not in {".py", ".html", ".txt"}:
            continue
        if "tests" in relative.parts or any(part.startswith(".") for part in relative.parts):
            continue
        yield path


def messages_in_source(paths: Iterable[Path]) -> set[MessageKey]:
    found: set[MessageKey] = set()
    for path in paths:
        source = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            found |= messages_in_python(source)
        else:
            found |= messages_in_template(source, origin=str(path))
    return found
