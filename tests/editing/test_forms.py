"""Small pure pieces of the edit forms."""

from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from retning.editing.forms import TextArea

# Text as people type it: any characters except carriage returns, which only browsers add.
typed_text = st.text(alphabet=st.characters(blacklist_characters="\r"), max_size=200)


@given(typed_text)
def test_a_text_area_reads_browser_line_breaks_as_the_stored_text(text: str) -> None:
    data = QueryDict(mutable=True)
    data["note"] = text.replace("\n", "\r\n")
    assert TextArea().value_from_datadict(data, {}, "note") == text


@given(typed_text)
def test_a_text_area_leaves_text_without_carriage_returns_alone(text: str) -> None:
    data = QueryDict(mutable=True)
    data["note"] = text
    assert TextArea().value_from_datadict(data, {}, "note") == text
