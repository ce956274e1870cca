"""Text helpers shared by several domain areas."""

import unicodedata


def search_key(*parts: str | None) -> str:
    """Lower-case, normalised text to match free-text queries against.

    Stored next to the record because SQLite's LIKE only folds ASCII letters: «Øvrige» would not
    match «øvrige» otherwise.
    """
    joined = " ".join(part for part in parts if part)
    return " ".join(unicodedata.normalize("NFKC", joined).casefold().split())
