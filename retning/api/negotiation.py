"""Which language an API client wants its messages in. Pure: no Django imports.

The API answers in Norwegian bokmål unless the client's Accept-Language header prefers English.
Norwegian in any form (nb, no, nn) counts as bokmål: it is the closest text we have.
"""

from typing import Literal

Language = Literal["nb", "en"]

_NORWEGIAN = {"nb", "no", "nn"}


def _quality(params: str) -> float | None:
    """The q-value of one header entry: 1.0 when absent, None when it cannot be read."""
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                return None
            return quality if 0.0 <= quality <= 1.0 else None
    return 1.0


def preferred_language(accept_language: str | None) -> Language:
    """ "en" if the header ranks English above every Norwegian variant, otherwise "nb"."""
    best: tuple[float, Language] | None = None
    for entry in (accept_language or "").split(","):
        tag, _, params = entry.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        language: Language | None = (
            "nb" if primary in _NORWEGIAN else "en" if primary == "en" else None
        )
        quality = _quality(params)
        if language is None or quality is None or quality == 0.0:
            continue
        # On equal quality the earlier entry wins, as the client listed it first.
        if best is None or quality > best[0]:
            best = (quality, language)
    return best[1] if best else "nb"
