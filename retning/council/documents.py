"""Meeting documents as PDF: the notice (innkalling) with every case paper, and the minutes.

The HTML is the same template the site serves; WeasyPrint lays it out with DejaVu fonts and
writes a tagged PDF (PDF/UA-1) so screen readers can follow it.
"""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

STYLESHEET = Path(__file__).parent / "static" / "council" / "document.css"


def render_pdf(template: str, context: dict, *, title: str) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string(template, {**context, "for_pdf": True})
    stylesheet = CSS(filename=str(STYLESHEET))
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(stylesheets=[stylesheet])
    document.metadata.title = title
    return document.write_pdf(pdf_variant="pdf/ua-1")
