"""The portfolio report as a tagged PDF (PDF/UA-1), rendered by WeasyPrint from the same template.

The document language is bokmål (``<html lang="nb">``), the PDF title is the HTML ``<title>``, and
the fonts are DejaVu (Debian's fonts-dejavu-core) set by the print stylesheet; WeasyPrint embeds
the glyphs it uses. The chart is the site's inline SVG. WeasyPrint is never allowed to fetch
anything: the stylesheet is passed as a file and every URL in the document is refused, so text that
owners wrote cannot make the server request addresses.
"""

from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from .models import ReportingRound
from .portfolio import PortfolioReport, portfolio_report

PRINT_STYLESHEET = "reporting/portfolio-print.css"
PDF_VARIANT = "pdf/ua-1"
# The PDF lists the deliveries that slipped most; the web page lists all of them.
PDF_SLIPPED_LIMIT = 40


def _no_fetching() -> Any:
    """A URL fetcher that allows no protocol at all, so nothing is ever loaded."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=frozenset(), allow_redirects=False)


def _stylesheet_path() -> str:
    found = finders.find(PRINT_STYLESHEET)
    if not found:
        raise FileNotFoundError(PRINT_STYLESHEET)
    return str(found if isinstance(found, str) else found[0])


def portfolio_html_document(report: PortfolioReport) -> str:
    """The standalone HTML document the PDF is made from (bokmål, like the PDF)."""
    with translation.override("nb"):
        return render_to_string(
            "reporting/portfolio_pdf.html",
            {
                "portfolio": report,
                "chart": mark_safe(report.distribution_svg),  # noqa: S308 (escaped by charts.py)
                "print": True,
                "slipped_shown": report.slipped[:PDF_SLIPPED_LIMIT],
                "slipped_more": max(0, len(report.slipped) - PDF_SLIPPED_LIMIT),
            },
        )


def render_pdf(document: str) -> bytes:
    from weasyprint import CSS, HTML

    stylesheet = _stylesheet_path()
    fetcher = _no_fetching()
    html = HTML(string=document, base_url=str(Path(stylesheet).parent), url_fetcher=fetcher)
    return html.write_pdf(
        stylesheets=[CSS(filename=stylesheet, url_fetcher=fetcher)],
        pdf_variant=PDF_VARIANT,
        pdf_identifier=None,
    )


def portfolio_pdf(reporting_round: ReportingRound) -> bytes:
    """The portfolio report of ``reporting_round`` as PDF bytes.

    Other code (such as a browser journey or a mail to the council) can call this directly;
    the web download is ``reporting:portfolio_pdf`` with the round's id.
    """
    return render_pdf(portfolio_html_document(portfolio_report(reporting_round)))


def pdf_filename(reporting_round: ReportingRound) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in reporting_round.label).strip("-")
    return f"portefoljerapport-{safe or reporting_round.pk}.pdf"
