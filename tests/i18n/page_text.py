"""A page as a small element tree, so tests can read the text of chosen parts of it."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
# Attributes whose words a person hears or sees although they are not element text.
TEXT_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list["Element | str"] = field(default_factory=list)

    def descendants(self) -> Iterator["Element"]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.descendants()

    def text(self) -> str:
        """The visible text and the spoken attributes, skipping scripts and styles."""
        if self.tag in {"script", "style"}:
            return ""
        parts = [self.attrs[name] for name in TEXT_ATTRIBUTES if self.attrs.get(name)]
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text())
        return " ".join(" ".join(parts).split())

    def matches(self, tag: str, attrs: Mapping[str, str]) -> bool:
        if self.tag != tag:
            return False
        for name, wanted in attrs.items():
            value = self.attrs.get(name)
            if value is None:
                return False
            if name == "class" and wanted not in value.split():
                return False
            if name != "class" and value != wanted:
                return False
        return True


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("document", {})
        self.open: list[Element] = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.open[-1].children.append(element)
        if tag not in VOID_TAGS:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching element; a stray end tag (no open match) is ignored.
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


def parse_page(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# One step of a selector: a tag and attributes it must have ("class" means: has this class).
Step = tuple[str, Mapping[str, str]]


def select(root: Element, *path: Step) -> list[Element]:
    """Elements matching the last step, each inside an element matching the step before it."""
    current = [root]
    for tag, attrs in path:
        found: list[Element] = []
        seen: set[int] = set()  # nested matches are reached once from each enclosing element
        for element in current:
            for candidate in element.descendants():
                if candidate.matches(tag, attrs) and id(candidate) not in seen:
                    seen.add(id(candidate))
                    found.append(candidate)
        current = found
    return current
