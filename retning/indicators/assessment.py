"""Progress of one indicator series toward its target.

Three ways to judge a series, each giving a :class:`Status`:

CAGR ratio (``Method.CAGR_RATIO``) is the progress measure Statistics Canada designed for the
Sustainable Development Goals; Open SDG and the UN SDG progress chart use the same idea. With d = +1
when higher is better and −1 when lower is better:

* TARGET_MET when the latest value meets the target (latest ≥ target, or ≤ when lower is better).
* Otherwise the observed compound annual growth rate from the baseline to the latest value is set
  against the rate that would take the baseline to the target by the target year:
  ``ratio = d · observed / |required|``. ``ratio ≥ on_track`` (0.95) → ON_TRACK,
  ``≥ acceleration`` (0.6) → NEEDS_ACCELERATION, ``≥ limited`` (0) → LIMITED_PROGRESS, below that
  → DETERIORATION. Growth rates need positive numbers: the baseline and the target must be above
  zero and the latest value at least zero, or the series cannot be assessed.

Linear trajectory (``Method.LINEAR_TRAJECTORY``) draws a straight line from the baseline to the
target and reads off the value expected at the time of the latest measurement (after the target
year the target itself is expected). ``ratio`` is the share of that expected change achieved.
TARGET_MET as above; ``ratio < limited`` (0, the series moved the wrong way) → DETERIORATION; a
latest value no further behind the line than ``tolerance`` × the whole planned change → ON_TRACK;
otherwise ``ratio ≥ acceleration`` → NEEDS_ACCELERATION, else LIMITED_PROGRESS. The tolerance band
takes the place of the ``on_track`` threshold here.

Without a target (or with ``Method.OBSERVED_RATE``) the observed annual growth rate, sign flipped
when lower is better, is compared with :class:`RateThresholds`: ``≥ substantial`` (1.5 % a year) →
ON_TRACK, ``≥ moderate`` (0.5 %) → NEEDS_ACCELERATION, ``≥ limited`` (0) → LIMITED_PROGRESS,
below → DETERIORATION. TARGET_MET is never given without a target.

Whatever the maths cannot support gives CANNOT_ASSESS with a Norwegian reason rather than a wrong
category. Nothing here imports Django; the result's ``inputs`` are plain JSON-ready values.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from . import periods


class Status(StrEnum):
    TARGET_MET = "target_met"
    ON_TRACK = "on_track"
    NEEDS_ACCELERATION = "needs_acceleration"
    LIMITED_PROGRESS = "limited_progress"
    DETERIORATION = "deterioration"
    CANNOT_ASSESS = "cannot_assess"

    @property
    def label_nb(self) -> str:
        return _STATUS_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _STATUS_LABELS[self][1]

    @property
    def rank(self) -> int | None:
        """Higher is better; None for CANNOT_ASSESS, which is outside the scale."""
        return _STATUS_RANKS.get(self)


_STATUS_LABELS = {
    Status.TARGET_MET: ("målet er nådd", "target met"),
    Status.ON_TRACK: ("i rute", "on track"),
    Status.NEEDS_ACCELERATION: (
        "framgang, men tempoet må økes",
        "progress, but acceleration needed",
    ),
    Status.LIMITED_PROGRESS: ("begrenset framgang", "limited progress"),
    Status.DETERIORATION: ("utviklingen går i feil retning", "deterioration"),
    Status.CANNOT_ASSESS: ("kan ikke vurderes", "cannot be assessed"),
}
_STATUS_RANKS = {
    Status.DETERIORATION: 0,
    Status.LIMITED_PROGRESS: 1,
    Status.NEEDS_ACCELERATION: 2,
    Status.ON_TRACK: 3,
    Status.TARGET_MET: 4,
}


class Direction(StrEnum):
    # Same values as ``Indicator.Direction``.
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"

    @property
    def sign(self) -> int:
        return 1 if self is Direction.HIGHER_IS_BETTER else -1


class Method(StrEnum):
    CAGR_RATIO = "cagr_ratio"
    LINEAR_TRAJECTORY = "linear_trajectory"
    OBSERVED_RATE = "observed_rate"


class Reason(StrEnum):
    NO_VALUES = "no_values"
    TOO_FEW_POINTS = "too_few_points"
    NOT_FINITE = "not_finite"
    DUPLICATE_TIME = "duplicate_time"
    BASELINE_NOT_BEFORE_LATEST = "baseline_not_before_latest"
    TARGET_NOT_AFTER_BASELINE = "target_not_after_baseline"
    NON_POSITIVE_VALUE = "non_positive_value"
    OUT_OF_RANGE = "out_of_range"


@dataclass(frozen=True)
class SeriesPoint:
    """A value at a point on a continuous time axis in years (a period's midpoint, say 2019.5)."""

    year: float
    value: float | None
    label: str = ""
    label_en: str = ""

    @classmethod
    def from_period(cls, code: str, value: float | Decimal | None) -> "SeriesPoint":
        period = periods.parse_period(code)
        return cls(
            year=period.midpoint_year,
            value=None if value is None else float(value),
            label=period.label("nb"),
            label_en=period.label("en"),
        )


@dataclass(frozen=True)
class Target:
    year: float
    value: float
    label: str = ""
    label_en: str = ""

    @classmethod
    def from_period(cls, code: str, value: float | Decimal) -> "Target":
        period = periods.parse_period(code)
        return cls(
            year=period.midpoint_year,
            value=float(value),
            label=period.label("nb"),
            label_en=period.label("en"),
        )


@dataclass(frozen=True)
class Thresholds:
    """Cut-offs for the ratio of observed to required progress."""

    on_track: float = 0.95
    acceleration: float = 0.6
    limited: float = 0.0

    def __post_init__(self) -> None:
        _check_ordered(self.on_track, self.acceleration, self.limited)


@dataclass(frozen=True)
class RateThresholds:
    """Cut-offs for the annual growth rate in the desired direction, used when there is no target."""

    substantial: float = 0.015
    moderate: float = 0.005
    limited: float = 0.0

    def __post_init__(self) -> None:
        _check_ordered(self.substantial, self.moderate, self.limited)


def _check_ordered(*values: float) -> None:
    if not all(math.isfinite(value) for value in values) or list(values) != sorted(
        values, reverse=True
    ):
        raise ValueError("Grenseverdiene må være endelige tall i synkende rekkefølge.")


DEFAULT_THRESHOLDS = Thresholds()
DEFAULT_RATE_THRESHOLDS = RateThresholds()
# Share of the whole planned change (baseline to target) a series may lag the straight line.
DEFAULT_TOLERANCE = 0.05


@dataclass(frozen=True)
class Assessment:
    status: Status
    method: Method
    inputs: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    reason_code: Reason | None = None
    explanation_nb: str = ""
    explanation_en: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "method": self.method.value,
            "inputs": self.inputs,
            "reason": self.reason,
            "reason_code": self.reason_code.value if self.reason_code else None,
            "explanation_nb": self.explanation_nb,
            "explanation_en": self.explanation_en,
        }


class _CannotAssess(Exception):
    def __init__(self, code: Reason, message_nb: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_nb = message_nb
        self.message_en = message_en


def assess(
    points: Iterable[SeriesPoint],
    target: Target | None = None,
    *,
    direction: Direction = Direction.HIGHER_IS_BETTER,
    method: Method = Method.CAGR_RATIO,
    baseline: SeriesPoint | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    rate_thresholds: RateThresholds = DEFAULT_RATE_THRESHOLDS,
    tolerance: float = DEFAULT_TOLERANCE,
    explain: bool = True,
) -> Assessment:
    """Judge a series. The baseline is ``baseline`` when given, else the first point with a value;
    the latest point is the last point with a value. Points without a value are skipped.

    ``explain=False`` leaves the explanations of a judged series empty (status, inputs and the
    reason why a series cannot be assessed are the same): for counting statuses of many series.
    """
    if not math.isfinite(tolerance) or tolerance < 0:
        raise ValueError("Toleransen må være et endelig tall som ikke er negativt.")
    used = Method.OBSERVED_RATE if target is None else method
    inputs: dict[str, Any] = {"method": used.value, "direction": direction.value}
    try:
        base, latest = _base_and_latest(list(points), baseline, inputs)
        if used is Method.OBSERVED_RATE:
            return _observed_rate(base, latest, direction, rate_thresholds, inputs, explain)
        assert target is not None
        _check_target(base, target, inputs)
        if used is Method.LINEAR_TRAJECTORY:
            return _linear(base, latest, target, direction, thresholds, tolerance, inputs, explain)
        return _cagr_ratio(base, latest, target, direction, thresholds, inputs, explain)
    except _CannotAssess as cannot:
        return Assessment(
            status=Status.CANNOT_ASSESS,
            method=used,
            inputs=inputs,
            reason=cannot.message_nb,
            reason_code=cannot.code,
            explanation_nb=cannot.message_nb,
            explanation_en=cannot.message_en,
        )


def _base_and_latest(
    points: list[SeriesPoint], baseline: SeriesPoint | None, inputs: dict[str, Any]
) -> tuple[SeriesPoint, SeriesPoint]:
    if baseline is not None and baseline.value is None:
        raise _CannotAssess(
            Reason.NO_VALUES,
            "Utgangsverdien mangler, så utviklingen kan ikke vurderes.",
            "The baseline has no value, so progress cannot be assessed.",
        )
    valued = [point for point in points if point.value is not None]
    for point in [*valued, *([baseline] if baseline else [])]:
        if not math.isfinite(point.year) or point.value is None or not math.isfinite(point.value):
            raise _CannotAssess(
                Reason.NOT_FINITE,
                f"Serien har en verdi eller et tidspunkt som ikke er et vanlig tall "
                f"({_plain(point.value)} i {_plain(point.year)}).",
                f"The series holds a value or time that is not a finite number "
                f"({_plain(point.value)} at {_plain(point.year)}).",
            )
    if not valued:
        raise _CannotAssess(
            Reason.NO_VALUES,
            "Serien har ingen verdier ennå, så utviklingen kan ikke vurderes.",
            "The series has no values yet, so progress cannot be assessed.",
        )
    valued.sort(key=lambda point: point.year)
    for earlier, later in zip(valued, valued[1:], strict=False):
        if earlier.year == later.year:
            raise _CannotAssess(
                Reason.DUPLICATE_TIME,
                f"Serien har flere verdier for samme tidspunkt ({_when(later, 'nb')}). Velg én "
                "verdi per periode, for eksempel ved å vurdere hver inndeling for seg.",
                f"The series has several values for the same time ({_when(later, 'en')}).",
            )
    if baseline is None and len(valued) < 2:
        raise _CannotAssess(
            Reason.TOO_FEW_POINTS,
            "Det trengs minst to målinger med verdi for å vurdere utviklingen; serien har bare én.",
            "At least two values are needed to assess progress; the series has only one.",
        )
    base = baseline or valued[0]
    latest = valued[-1]
    inputs.update(
        base_year=base.year,
        base_value=base.value,
        latest_year=latest.year,
        latest_value=latest.value,
    )
    if latest.year < base.year:
        raise _CannotAssess(
            Reason.BASELINE_NOT_BEFORE_LATEST,
            f"Utgangsverdien ({_when(base, 'nb')}) ligger etter siste måling "
            f"({_when(latest, 'nb')}).",
            f"The baseline ({_when(base, 'en')}) comes after the latest value "
            f"({_when(latest, 'en')}).",
        )
    if latest.year == base.year:
        raise _CannotAssess(
            Reason.BASELINE_NOT_BEFORE_LATEST,
            f"Det finnes ingen måling etter utgangsverdien ({_when(base, 'nb')}) ennå.",
            f"There is no value after the baseline ({_when(base, 'en')}) yet.",
        )
    return base, latest


def _check_target(base: SeriesPoint, target: Target, inputs: dict[str, Any]) -> None:
    if not math.isfinite(target.year) or not math.isfinite(target.value):
        raise _CannotAssess(
            Reason.NOT_FINITE,
            "Målverdien eller målåret er ikke et vanlig tall.",
            "The target value or year is not a finite number.",
        )
    inputs.update(target_year=target.year, target_value=target.value)
    if target.year <= base.year:
        raise _CannotAssess(
            Reason.TARGET_NOT_AFTER_BASELINE,
            f"Målåret ({_when(target, 'nb')}) må ligge etter utgangsåret ({_when(base, 'nb')}).",
            f"The target year ({_when(target, 'en')}) must come after the baseline "
            f"({_when(base, 'en')}).",
        )


def _meets(value: float, target: Target, direction: Direction) -> bool:
    return direction.sign * (value - target.value) >= 0


def _cagr(start: float, end: float, years: float) -> float:
    # Through the logarithm of the ratio, so long spans and large ratios stay within range.
    ratio = end / start
    if ratio == 0:
        return -1.0
    try:
        rate = math.expm1(math.log(ratio) / years)
    except (OverflowError, ValueError) as error:
        raise _out_of_range() from error
    if not math.isfinite(rate):
        raise _out_of_range()
    return rate


def _out_of_range() -> _CannotAssess:
    return _CannotAssess(
        Reason.OUT_OF_RANGE,
        "Tallene gir en endringstakt som er for stor til å regnes ut pålitelig.",
        "The values give a rate of change too large to compute reliably.",
    )


def _require_positive(base: SeriesPoint, latest: SeriesPoint, target: Target | None) -> None:
    assert base.value is not None and latest.value is not None
    if base.value <= 0:
        problem_nb = f"utgangsverdien er {_number(base.value, 'nb')}"
        problem_en = f"the baseline is {_number(base.value, 'en')}"
    elif latest.value < 0:
        problem_nb = f"siste verdi er {_number(latest.value, 'nb')}"
        problem_en = f"the latest value is {_number(latest.value, 'en')}"
    elif target is not None and target.value <= 0:
        problem_nb = f"målverdien er {_number(target.value, 'nb')}"
        problem_en = f"the target is {_number(target.value, 'en')}"
    else:
        return
    raise _CannotAssess(
        Reason.NON_POSITIVE_VALUE,
        "Årlig vekstrate (CAGR) kan bare regnes ut når utgangsverdien og målverdien er større enn "
        f"null og siste verdi ikke er negativ, men {problem_nb}. Bruk lineær bane i stedet.",
        "The compound annual growth rate needs a baseline and target above zero and a latest "
        f"value that is not negative, but {problem_en}. Use the linear trajectory instead.",
    )


def _target_met(
    method: Method,
    latest: SeriesPoint,
    target: Target,
    inputs: dict[str, Any],
    explain: bool = True,
) -> Assessment:
    return Assessment(
        status=Status.TARGET_MET,
        method=method,
        inputs=inputs,
        explanation_nb=(
            f"Siste verdi, {_number(latest.value, 'nb')} ({_when(latest, 'nb')}), har nådd målet "
            f"{_number(target.value, 'nb')} for {_when(target, 'nb')}: målet er nådd."
        )
        if explain
        else "",
        explanation_en=(
            f"The latest value, {_number(latest.value, 'en')} ({_when(latest, 'en')}), has "
            f"reached the target of {_number(target.value, 'en')} for {_when(target, 'en')}: "
            "target met."
        )
        if explain
        else "",
    )


def _cagr_ratio(
    base: SeriesPoint,
    latest: SeriesPoint,
    target: Target,
    direction: Direction,
    thresholds: Thresholds,
    inputs: dict[str, Any],
    explain: bool = True,
) -> Assessment:
    assert base.value is not None and latest.value is not None
    inputs["thresholds"] = _thresholds(thresholds)
    if _meets(latest.value, target, direction):
        return _target_met(Method.CAGR_RATIO, latest, target, inputs, explain)
    _require_positive(base, latest, target)
    observed = _cagr(base.value, latest.value, latest.year - base.year)
    required = _cagr(base.value, target.value, target.year - base.year)
    inputs.update(observed_rate=observed, required_rate=required)
    if direction.sign * required <= 0:
        # The baseline already met the target and the latest value no longer does: there is no
        # required rate to divide by, and the series can only have moved the wrong way.
        status = Status.DETERIORATION if direction.sign * observed < 0 else Status.LIMITED_PROGRESS
        inputs["ratio"] = None
        return Assessment(
            status=status,
            method=Method.CAGR_RATIO,
            inputs=inputs,
            explanation_nb=(
                f"Utgangsverdien {_number(base.value, 'nb')} ({_when(base, 'nb')}) nådde allerede "
                f"målet {_number(target.value, 'nb')}, men siste verdi "
                f"{_number(latest.value, 'nb')} ({_when(latest, 'nb')}) gjør det ikke lenger: "
                f"{status.label_nb}."
            )
            if explain
            else "",
            explanation_en=(
                f"The baseline {_number(base.value, 'en')} ({_when(base, 'en')}) already met the "
                f"target of {_number(target.value, 'en')}, but the latest value "
                f"{_number(latest.value, 'en')} ({_when(latest, 'en')}) no longer does: "
                f"{status.label_en}."
            )
            if explain
            else "",
        )
    ratio = direction.sign * observed / abs(required)
    if not math.isfinite(ratio):
        raise _out_of_range()
    inputs["ratio"] = ratio
    status = _by_ratio(ratio, thresholds)
    return Assessment(
        status=status,
        method=Method.CAGR_RATIO,
        inputs=inputs,
        explanation_nb=(
            f"Verdien har gått fra {_number(base.value, 'nb')} ({_when(base, 'nb')}) til "
            f"{_number(latest.value, 'nb')} ({_when(latest, 'nb')}), en gjennomsnittlig endring "
            f"på {_percent(observed, 'nb')} per år. For å nå målet {_number(target.value, 'nb')} "
            f"innen {_when(target, 'nb')} trengs {_percent(required, 'nb')} per år fra "
            f"utgangsverdien. Faktisk endring er {_number(ratio, 'nb')} ganger den nødvendige: "
            f"{status.label_nb}."
        )
        if explain
        else "",
        explanation_en=(
            f"The value went from {_number(base.value, 'en')} ({_when(base, 'en')}) to "
            f"{_number(latest.value, 'en')} ({_when(latest, 'en')}), an average change of "
            f"{_percent(observed, 'en')} a year. Reaching the target of "
            f"{_number(target.value, 'en')} by {_when(target, 'en')} takes "
            f"{_percent(required, 'en')} a year from the baseline. The actual change is "
            f"{_number(ratio, 'en')} times the required one: {status.label_en}."
        )
        if explain
        else "",
    )


def _by_ratio(ratio: float, thresholds: Thresholds) -> Status:
    if ratio >= thresholds.on_track:
        return Status.ON_TRACK
    if ratio >= thresholds.acceleration:
        return Status.NEEDS_ACCELERATION
    if ratio >= thresholds.limited:
        return Status.LIMITED_PROGRESS
    return Status.DETERIORATION


def _linear(
    base: SeriesPoint,
    latest: SeriesPoint,
    target: Target,
    direction: Direction,
    thresholds: Thresholds,
    tolerance: float,
    inputs: dict[str, Any],
    explain: bool = True,
) -> Assessment:
    assert base.value is not None and latest.value is not None
    sign = direction.sign
    inputs.update(thresholds=_thresholds(thresholds), tolerance=tolerance)
    if _meets(latest.value, target, direction):
        return _target_met(Method.LINEAR_TRAJECTORY, latest, target, inputs, explain)
    share_of_time = min(1.0, (latest.year - base.year) / (target.year - base.year))
    expected = base.value + (target.value - base.value) * share_of_time
    planned = sign * (target.value - base.value)
    expected_change = sign * (expected - base.value)
    achieved = sign * (latest.value - base.value)
    band = tolerance * abs(target.value - base.value)
    behind = sign * (expected - latest.value)
    if not all(
        math.isfinite(x) for x in (expected, planned, expected_change, achieved, band, behind)
    ):
        raise _out_of_range()
    inputs.update(expected_value=expected, band=band)
    if planned <= 0:
        # As for the growth rate: the baseline already met the target, the latest value does not.
        ratio = None
        status = Status.DETERIORATION if achieved < 0 else Status.LIMITED_PROGRESS
    else:
        ratio = achieved / expected_change if expected_change > 0 else math.inf
        if ratio < thresholds.limited:
            status = Status.DETERIORATION
        elif behind <= band:
            status = Status.ON_TRACK
        elif ratio >= thresholds.acceleration:
            status = Status.NEEDS_ACCELERATION
        else:
            status = Status.LIMITED_PROGRESS
    inputs["ratio"] = ratio if ratio is not None and math.isfinite(ratio) else None
    shown = inputs["ratio"]
    share_nb = share_en = ""
    if explain and shown is not None:
        share_nb = f", {_percent(shown, 'nb')} av forventet endring"
        share_en = f", {_percent(shown, 'en')} of the expected change"
    return Assessment(
        status=status,
        method=Method.LINEAR_TRAJECTORY,
        inputs=inputs,
        explanation_nb=(
            f"På en rett linje fra {_number(base.value, 'nb')} ({_when(base, 'nb')}) til målet "
            f"{_number(target.value, 'nb')} ({_when(target, 'nb')}) skulle verdien vært "
            f"{_number(expected, 'nb')} i {_when(latest, 'nb')}. Siste verdi er "
            f"{_number(latest.value, 'nb')}{share_nb}. Avvik innenfor {_number(band, 'nb')} "
            f"({_percent(tolerance, 'nb')} av hele endringen) regnes som i rute: "
            f"{status.label_nb}."
        )
        if explain
        else "",
        explanation_en=(
            f"On a straight line from {_number(base.value, 'en')} ({_when(base, 'en')}) to the "
            f"target of {_number(target.value, 'en')} ({_when(target, 'en')}) the value would be "
            f"{_number(expected, 'en')} at {_when(latest, 'en')}. The latest value is "
            f"{_number(latest.value, 'en')}{share_en}. Falling behind by up to "
            f"{_number(band, 'en')} ({_percent(tolerance, 'en')} of the whole change) counts as "
            f"on track: {status.label_en}."
        )
        if explain
        else "",
    )


def _observed_rate(
    base: SeriesPoint,
    latest: SeriesPoint,
    direction: Direction,
    thresholds: RateThresholds,
    inputs: dict[str, Any],
    explain: bool = True,
) -> Assessment:
    assert base.value is not None and latest.value is not None
    inputs["rate_thresholds"] = {
        "substantial": thresholds.substantial,
        "moderate": thresholds.moderate,
        "limited": thresholds.limited,
    }
    _require_positive(base, latest, None)
    observed = _cagr(base.value, latest.value, latest.year - base.year)
    progress = direction.sign * observed
    inputs.update(observed_rate=observed, progress_rate=progress)
    if progress >= thresholds.substantial:
        status = Status.ON_TRACK
    elif progress >= thresholds.moderate:
        status = Status.NEEDS_ACCELERATION
    elif progress >= thresholds.limited:
        status = Status.LIMITED_PROGRESS
    else:
        status = Status.DETERIORATION
    lower_nb = " Lavere er bedre, så nedgang teller som framgang." if direction.sign < 0 else ""
    lower_en = " Lower is better, so a fall counts as progress." if direction.sign < 0 else ""
    return Assessment(
        status=status,
        method=Method.OBSERVED_RATE,
        inputs=inputs,
        explanation_nb=(
            f"Verdien har gått fra {_number(base.value, 'nb')} ({_when(base, 'nb')}) til "
            f"{_number(latest.value, 'nb')} ({_when(latest, 'nb')}), en gjennomsnittlig endring "
            f"på {_percent(observed, 'nb')} per år.{lower_nb} Uten målverdi sammenlignes "
            f"endringen med faste grenser: minst {_percent(thresholds.substantial, 'nb')} per år "
            f"i riktig retning er i rute, minst {_percent(thresholds.moderate, 'nb')} er framgang "
            f"som bør øke: {status.label_nb}."
        )
        if explain
        else "",
        explanation_en=(
            f"The value went from {_number(base.value, 'en')} ({_when(base, 'en')}) to "
            f"{_number(latest.value, 'en')} ({_when(latest, 'en')}), an average change of "
            f"{_percent(observed, 'en')} a year.{lower_en} Without a target the change is compared "
            f"with fixed limits: at least {_percent(thresholds.substantial, 'en')} a year in the "
            f"right direction is on track, at least {_percent(thresholds.moderate, 'en')} is "
            f"progress that should speed up: {status.label_en}."
        )
        if explain
        else "",
    )


def _thresholds(thresholds: Thresholds) -> dict[str, float]:
    return {
        "on_track": thresholds.on_track,
        "acceleration": thresholds.acceleration,
        "limited": thresholds.limited,
    }


def _when(point: SeriesPoint | Target, lang: str) -> str:
    label = point.label_en if lang == "en" and point.label_en else point.label
    return label or _number(point.year, lang)


def _number(value: float | None, lang: str, decimals: int = 2) -> str:
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in {"-0", "-0.0"}:
        text = "0"
    if lang == "nb":
        text = text.replace(",", "\u00a0").replace(".", ",").replace("-", "\u2212")
    return text


def _percent(rate: float, lang: str) -> str:
    number = _number(rate * 100, lang, decimals=1)
    return f"{number}\u00a0%" if lang == "nb" else f"{number}%"


def _plain(value: float | None) -> str:
    return "ingen" if value is None else repr(value)


def status_of(
    points: Iterable[SeriesPoint],
    target: Target | None = None,
    *,
    direction: Direction = Direction.HIGHER_IS_BETTER,
    method: Method = Method.CAGR_RATIO,
    baseline: SeriesPoint | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    rate_thresholds: RateThresholds = DEFAULT_RATE_THRESHOLDS,
    tolerance: float = DEFAULT_TOLERANCE,
) -> Status:
    """``assess(...).status``, without the inputs and explanations: for counting many series.

    The same steps in the same order as :func:`assess` and its helpers, with the same arithmetic,
    so the two always agree (a property-based test holds them to it).
    """
    if not math.isfinite(tolerance) or tolerance < 0:
        raise ValueError("Toleransen må være et endelig tall som ikke er negativt.")
    cannot = Status.CANNOT_ASSESS
    used = Method.OBSERVED_RATE if target is None else method
    if baseline is not None and baseline.value is None:
        return cannot
    valued = [point for point in points if point.value is not None]
    for point in [*valued, *([baseline] if baseline else [])]:
        if not math.isfinite(point.year) or point.value is None or not math.isfinite(point.value):
            return cannot
    if not valued:
        return cannot
    valued.sort(key=lambda point: point.year)
    for earlier, later in zip(valued, valued[1:], strict=False):
        if earlier.year == later.year:
            return cannot
    if baseline is None and len(valued) < 2:
        return cannot
    base = baseline or valued[0]
    latest = valued[-1]
    assert base.value is not None and latest.value is not None
    if latest.year <= base.year:
        return cannot
    sign = direction.sign
    try:
        if used is Method.OBSERVED_RATE:
            if base.value <= 0 or latest.value < 0:
                return cannot
            progress = sign * _cagr(base.value, latest.value, latest.year - base.year)
            if progress >= rate_thresholds.substantial:
                return Status.ON_TRACK
            if progress >= rate_thresholds.moderate:
                return Status.NEEDS_ACCELERATION
            if progress >= rate_thresholds.limited:
                return Status.LIMITED_PROGRESS
            return Status.DETERIORATION
        assert target is not None
        if not math.isfinite(target.year) or not math.isfinite(target.value):
            return cannot
        if target.year <= base.year:
            return cannot
        if _meets(latest.value, target, direction):
            return Status.TARGET_MET
        if used is Method.LINEAR_TRAJECTORY:
            return _linear_status(base, latest, target, sign, thresholds, tolerance)
        if base.value <= 0 or latest.value < 0 or target.value <= 0:
            return cannot
        observed = _cagr(base.value, latest.value, latest.year - base.year)
        required = _cagr(base.value, target.value, target.year - base.year)
        if sign * required <= 0:
            return Status.DETERIORATION if sign * observed < 0 else Status.LIMITED_PROGRESS
        ratio = sign * observed / abs(required)
        if not math.isfinite(ratio):
            return cannot
        return _by_ratio(ratio, thresholds)
    except _CannotAssess:
        return cannot


def _linear_status(
    base: SeriesPoint,
    latest: SeriesPoint,
    target: Target,
    sign: int,
    thresholds: Thresholds,
    tolerance: float,
) -> Status:
    assert base.value is not None and latest.value is not None
    share_of_time = min(1.0, (latest.year - base.year) / (target.year - base.year))
    expected = base.value + (target.value - base.value) * share_of_time
    planned = sign * (target.value - base.value)
    expected_change = sign * (expected - base.value)
    achieved = sign * (latest.value - base.value)
    band = tolerance * abs(target.value - base.value)
    behind = sign * (expected - latest.value)
    if not all(
        math.isfinite(x) for x in (expected, planned, expected_change, achieved, band, behind)
    ):
        return Status.CANNOT_ASSESS
    if planned <= 0:
        return Status.DETERIORATION if achieved < 0 else Status.LIMITED_PROGRESS
    ratio = achieved / expected_change if expected_change > 0 else math.inf
    if ratio < thresholds.limited:
        return Status.DETERIORATION
    if behind <= band:
        return Status.ON_TRACK
    if ratio >= thresholds.acceleration:
        return Status.NEEDS_ACCELERATION
    return Status.LIMITED_PROGRESS
