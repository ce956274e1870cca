"""Read a form out of a page the way a browser would submit it, so tests post what users post."""

from html.parser import HTMLParser

TEXT_INPUTS = {"text", "hidden", "date", "number", "email", "url", "search", "tel", "password"}


class _FormReader(HTMLParser):
    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.done = False
        self.fields: dict[str, list[str]] = {}
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._in_option = False
        self._option_value: str | None = None
        self._option_selected = False
        self._option_text = ""
        self._textarea: str | None = None
        self._text = ""

    def _add(self, name: str, value: str) -> None:
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v if v is not None else "" for k, v in attrs}
        if tag == "form" and not self.done and not self.inside:
            wanted = self.form_id is None and a.get("method", "").lower() == "post"
            self.inside = wanted or (self.form_id is not None and a.get("id") == self.form_id)
            return
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in TEXT_INPUTS:
                self._add(a["name"], a.get("value", ""))
            elif kind in {"checkbox", "radio"} and "checked" in a:
                self._add(a["name"], a.get("value", "on"))
        elif tag == "select":
            self._select = (a["name"], "multiple" in a)
            self._options = []
        elif tag == "option" and self._select is not None:
            self._finish_option()
            self._in_option = True
            self._option_value = a.get("value")
            self._option_selected = "selected" in a
            self._option_text = ""
        elif tag == "textarea":
            self._textarea = a["name"]
            self._text = ""

    def _finish_option(self) -> None:
        if self._in_option:
            text_value = self._option_text.strip()
            value = self._option_value if self._option_value is not None else text_value
            self._options.append((value, self._option_selected))
        self._in_option = False

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data
        elif self._select is not None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside = False
            self.done = True
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the one newline that follows <textarea>.
            self._add(self._textarea, self._text.removeprefix("\n"))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            self._finish_option()
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            for value in chosen:
                self._add(name, value)
            self._select = None


def form_data(html: str, form_id: str | None = None) -> dict[str, list[str]]:
    """The values a browser would send for the form ``form_id`` (default: the first POST form)."""
    reader = _FormReader(form_id)
    reader.feed(html)
    if not reader.done and not reader.fields:
        raise AssertionError("The page has no such form.")
    return reader.fields
