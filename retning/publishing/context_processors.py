from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language


def data_language(request: HttpRequest) -> dict[str, SafeString]:
    """``data_lang`` marks Norwegian-only data (descriptions, initiative titles) on English pages.

    WCAG 2.1 3.1.2 (language of parts): a screen reader must switch to Norwegian for those parts.
    """
    english = (get_language() or "nb").startswith("en")
    return {"data_lang": mark_safe(' lang="nb"') if english else mark_safe("")}  # noqa: S308
