"""Open-data downloads of indicator observations, and the page explaining the assessment method."""

from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from retning.indicators import exports
from retning.indicators import selectors as indicator_selectors
from retning.indicators.assessment import (
    DEFAULT_RATE_THRESHOLDS,
    DEFAULT_THRESHOLDS,
    DEFAULT_TOLERANCE,
    Method,
    Status,
)
from retning.indicators.formats import dump_jsonstat
from retning.indicators.models import Indicator, Target
from retning.indicators.periods import parse_period
from retning.indicators.selectors import STATUS_ORDER, Rollup, SeriesAssessment, SeriesRow

from . import chart_data, charts

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALL_NAME = "indikatorer"


def _lang() -> str:
    return (get_language() or "nb")[:2]


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _one(code: str) -> tuple[Indicator, list[exports.ExportRow]]:
    indicator = get_object_or_404(Indicator, code=code)
    return indicator, exports.export_rows(Indicator.objects.filter(pk=indicator.pk))


def indicator_csv(request: HttpRequest, code: str) -> HttpResponse:
    indicator, rows = _one(code)
    return _download(exports.to_csv(rows), "text/csv; charset=utf-8", f"{indicator.code}.csv")


def indicator_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    indicator, rows = _one(code)
    return _download(
        exports.to_xlsx(rows, sheet_title=indicator.code), XLSX_TYPE, f"{indicator.code}.xlsx"
    )


def indicator_jsonstat(request: HttpRequest, code: str) -> HttpResponse:
    """The headline series as a JSON-stat dataset, or one breakdown with ``?inndeling=``."""
    indicator, rows = _one(code)
    dimension = request.GET.get("inndeling", "")
    chosen = [
        item.row
        for item in rows
        if (item.row.breakdown[0][0] if item.row.breakdown else "") == dimension
    ]
    if dimension and not chosen:
        raise Http404(f"Indikatoren {indicator.code} har ingen inndeling «{dimension}».")
    dataset = exports.jsonstat_dataset(indicator, chosen, lang=_lang())
    suffix = f"-{dimension}" if dimension else ""
    return _download(
        dump_jsonstat(dataset), "application/json; charset=utf-8", f"{indicator.code}{suffix}.json"
    )


def export_csv(request: HttpRequest) -> HttpResponse:
    rows = exports.export_rows(Indicator.objects.all())
    return _download(exports.to_csv(rows), "text/csv; charset=utf-8", f"{ALL_NAME}.csv")


def export_xlsx(request: HttpRequest) -> HttpResponse:
    rows = exports.export_rows(Indicator.objects.all())
    return _download(exports.to_xlsx(rows), XLSX_TYPE, f"{ALL_NAME}.xlsx")


def export_jsonstat(request: HttpRequest) -> HttpResponse:
    indicators = list(Indicator.objects.order_by("code"))
    rows = exports.export_rows(Indicator.objects.all())
    collection = exports.jsonstat_collection(
        exports.jsonstat_datasets(indicators, rows, lang=_lang()),
        label=_("Målindikatorer for Nasjonal e-helsestrategi"),
    )
    return _download(
        dump_jsonstat(collection), "application/json; charset=utf-8", f"{ALL_NAME}.json"
    )


def methodology(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "publishing/methodology.html",
        {
            "thresholds": DEFAULT_THRESHOLDS,
            "rate_thresholds": DEFAULT_RATE_THRESHOLDS,
            "tolerance": DEFAULT_TOLERANCE,
            "statuses": STATUS_ORDER,
            "crumbs": [
                (_("Forside"), reverse("publishing:home")),
                (_("Indikatorer"), reverse("publishing:indicator_list")),
                (_("Metode for vurdering"), None),
            ],
            "nav_active": "indicators",
        },
    )


# --- Presentation of assessments, used by the indicator, goal, sub-goal and front pages ---------


def _status_label(status: Status, lang: str) -> str:
    return status.label_en if lang == "en" else status.label_nb


def _number(value: float | None, decimals: int = 2) -> str:
    if value is None:
        return "–"
    return number_format(round(value, decimals), decimals, use_l10n=True)


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{_number(rate * 100, 1)}\u00a0%"


def _method_label(method: str) -> str:
    if method == Method.OBSERVED_RATE:
        return _("Observert årlig endring (uten målverdi)")
    return str(Indicator.AssessmentMethod(method).label)


def _inputs_table(
    series: SeriesAssessment, indicator: Indicator, when: dict[float, str]
) -> list[tuple[str, str]]:
    """The numbers behind an assessment, as (label, value) rows; rows without a value are left out."""
    inputs = series.computed.inputs
    decimals = indicator.decimals

    def period(key: str) -> str:
        year = inputs.get(key)
        return "" if year is None else when.get(year, _number(year))

    rows: list[tuple[str, str]] = [(_("Metode"), _method_label(inputs["method"]))]
    if "base_value" in inputs:
        rows.append(
            (
                _("Utgangsverdi"),
                f"{_number(inputs['base_value'], decimals)} ({period('base_year')})",
            )
        )
    if "latest_value" in inputs:
        rows.append(
            (
                _("Siste verdi"),
                f"{_number(inputs['latest_value'], decimals)} ({period('latest_year')})",
            )
        )
    if "target_value" in inputs:
        rows.append(
            (
                _("Målverdi"),
                f"{_number(inputs['target_value'], decimals)} ({period('target_year')})",
            )
        )
    if "observed_rate" in inputs:
        rows.append((_("Observert årlig endring"), _percent(inputs["observed_rate"])))
    if "required_rate" in inputs:
        rows.append((_("Nødvendig årlig endring"), _percent(inputs["required_rate"])))
    if "expected_value" in inputs:
        rows.append((_("Forventet verdi på linjen"), _number(inputs["expected_value"], decimals)))
    if "ratio" in inputs:
        rows.append((_("Forholdstall"), _number(inputs["ratio"])))
    if "thresholds" in inputs:
        limits = inputs["thresholds"]
        rows.append(
            (
                _("Terskler"),
                _(
                    "i rute ≥ %(on_track)s, trenger mer fart ≥ %(acceleration)s, begrenset ≥ %(limited)s"
                )
                % {key: _number(value) for key, value in limits.items()},
            )
        )
    if "tolerance" in inputs:
        rows.append((_("Toleranse"), _percent(inputs["tolerance"])))
    if "rate_thresholds" in inputs:
        limits = inputs["rate_thresholds"]
        rows.append(
            (
                _("Terskler for årlig endring"),
                _(
                    "i rute ≥ %(substantial)s, trenger mer fart ≥ %(moderate)s, begrenset ≥ %(limited)s"
                )
                % {key: _percent(value) for key, value in limits.items()},
            )
        )
    return rows


def present_series(
    series: SeriesAssessment, indicator: Indicator, when: dict[float, str], lang: str
) -> dict[str, Any]:
    computed = series.computed
    explanation = computed.explanation_en if lang == "en" else computed.explanation_nb
    return {
        "series": series,
        "status": series.status.value,
        "label": _status_label(series.status, lang),
        "explanation": explanation,
        "is_overridden": series.is_overridden,
        "override": series.override,
        "computed_status": computed.status.value,
        "computed_label": _status_label(computed.status, lang),
        "inputs": _inputs_table(series, indicator, when),
    }


def present_rollup(rollup: Rollup, lang: str) -> dict[str, Any]:
    total = rollup.total
    return {
        "total": total,
        "rows": [
            {
                "status": status.value,
                "label": _status_label(status, lang),
                "count": count,
                "percent": round(100 * count / total) if total else 0,
            }
            for status, count in rollup.as_rows()
        ],
    }


@lru_cache(maxsize=4096)
def _period_label(code: str, lang: str) -> tuple[float, str]:
    period = parse_period(code)
    return period.midpoint_year, period.label(lang)


def _period_labels(
    indicator: Indicator, rows: Iterable[SeriesRow], targets: Iterable[Target], lang: str
) -> dict[float, str]:
    codes = {row.period for row in rows} | {target.period for target in targets}
    if indicator.baseline_period:
        codes.add(indicator.baseline_period)
    return dict(_period_label(code, lang) for code in codes)


def _sparkline(
    indicator: Indicator, series: SeriesAssessment, targets: list[Target], lang: str, prefix: str
) -> str:
    points = []
    for row in series.rows:
        period = parse_period(row.period)
        value = float(row.value) if row.value is not None else None
        points.append(
            charts.ChartPoint(x=period.midpoint_year, value=value, label=period.label(lang))
        )
    target_points = chart_data.target_chart_points(targets, lang)
    data = charts.IndicatorChartData(
        title=f"{indicator.code}: {series.breakdown_value}",
        unit=indicator.unit_label or indicator.unit,
        decimals=indicator.decimals,
        points=points,
        targets=target_points,
    )
    return charts.indicator_sparkline(
        data, id_prefix=prefix, labels=chart_data.chart_labels(), lang=lang
    )


# Breakdown series shown as small multiples per page, and the weakest series listed by name.
BREAKDOWN_PAGE_SIZE = 12
WEAKEST_COUNT = 10


def _weakest(series: list[SeriesAssessment]) -> list[SeriesAssessment]:
    """The series furthest behind: worst status first, then the lowest ratio; unassessable last."""

    def order(item: SeriesAssessment) -> tuple[int, float, str]:
        rank = item.status.rank
        ratio = item.computed.inputs.get("ratio")
        return (
            5 if rank is None else rank,
            ratio if isinstance(ratio, int | float) else 0.0,
            item.breakdown_value,
        )

    judged = [item for item in series if item.status.rank is not None and item.status.rank < 4]
    return sorted(judged, key=order)[:WEAKEST_COUNT]


def _page_number(request: HttpRequest) -> str:
    return request.GET.get("page", "1")


def assessment_context(
    request: HttpRequest, indicator: Indicator, targets: list[Target]
) -> dict[str, Any]:
    """What the indicator page needs to show the assessment, in a fixed number of queries.

    Every series is assessed from its two ends (``series_ends_for``), so the page never reads all
    of an indicator's observations: the breakdown is summarised (series per status and the
    weakest series), and only one page of breakdown series is read whole, for the small
    multiples and their data table.
    """
    lang = _lang()
    # Explanations are written out only for the series the page shows.
    summaries = indicator_selectors.series_ends_for(indicator, explain=False)
    when = _period_labels(indicator, (row for s in summaries for row in s.rows), targets, lang)
    headline = indicator_selectors.headline_assessment(summaries)
    if headline is not None:
        headline = indicator_selectors.explained(indicator, headline, targets)
    dimensions = indicator_selectors.breakdown_dimensions(summaries)
    chosen = request.GET.get("inndeling", "")
    if chosen not in dimensions:
        chosen = dimensions[0] if dimensions else ""
    in_dimension = [s for s in summaries if chosen and s.breakdown_dimension == chosen]
    page = Paginator(in_dimension, BREAKDOWN_PAGE_SIZE).get_page(_page_number(request))
    shown: list[SeriesAssessment] = list(page.object_list)
    full_rows = indicator_selectors.series_rows(
        indicator, chosen, [s.breakdown_value for s in shown]
    )
    shown = [
        replace(
            indicator_selectors.explained(indicator, s, targets), rows=full_rows[s.breakdown_value]
        )
        for s in shown
    ]
    when |= _period_labels(indicator, (row for s in shown for row in s.rows), [], lang)
    breakdown = [
        {
            **present_series(series, indicator, when, lang),
            "sparkline": _sparkline(indicator, series, targets, lang, f"bd-{k}"),
            "first": _first(series),
            "latest": _latest(series),
            "count": sum(1 for row in series.rows if row.value is not None),
        }
        for k, series in enumerate(shown)
    ]
    rollup = Rollup()
    for series in in_dimension:
        rollup.add(series.status)
    weakest = [
        {**present_series(series, indicator, when, lang), "latest": _latest(series)}
        for series in (
            indicator_selectors.explained(indicator, s, targets) for s in _weakest(in_dimension)
        )
    ]
    query = request.GET.copy()
    query.pop("page", None)
    query["inndeling"] = chosen
    return {
        "assessment": present_series(headline, indicator, when, lang) if headline else None,
        "breakdown_dimensions": dimensions,
        "breakdown_chosen": chosen,
        "breakdown_series": breakdown,
        "breakdown_page": page,
        "breakdown_querystring": query.urlencode(),
        "breakdown_rollup": present_rollup(rollup, lang),
        "breakdown_weakest": weakest,
    }


def _latest(series: SeriesAssessment) -> SeriesRow | None:
    return next((row for row in reversed(series.rows) if row.value is not None), None)


def _first(series: SeriesAssessment) -> SeriesRow | None:
    return next((row for row in series.rows if row.value is not None), None)
