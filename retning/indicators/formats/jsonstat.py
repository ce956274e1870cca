"""Read and write JSON-stat 2.0 datasets, as Statistics Norway's PxWebApi publishes them.

What is read, following the JSON-stat 2.0 format (https://json-stat.org/full/) rather than one sample:

* ``id`` and ``size`` give the dimension order; ``value`` is in row-major order (the last
  dimension varies fastest), either as an array of ``size`` product length or as an object keyed by
  position (a sparse cube). Missing positions and ``null`` are values that do not exist.
* ``status`` is a string (one status for every value), an array (by position; an array of one
  applies to all) or an object keyed by position. Statistics Norway's symbols become our statuses
  (see ``STATUS_SYMBOLS``) and the symbol itself is kept in ``source_status``. A value marked as not
  available or confidential is dropped even if a number (often a placeholder 0) was sent with it.
* A category ``index`` is an array of codes or an object of code → position; it may be left out
  for a dimension with a single category, which is then named by its only ``label``. ``unit`` with
  ``decimals`` and the roles ``time``, ``geo`` and ``metric`` are described in the result.

The whole document is held in memory (the standard library has no streaming JSON reader), so its
size is capped by ``MAX_JSON_BYTES`` and the cube by ``MAX_CELLS``.
"""

import json
import math
from collections.abc import Iterable, Iterator
from collections.abc import Mapping as AbcMapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import product
from typing import IO, Any

from .. import periods
from .common import (
    MISSING_VALUE_STATUSES,
    STATUS_NORMAL,
    STATUS_NOT_AVAILABLE,
    STATUS_SYMBOLS,
    SYMBOL_FOR_STATUS,
    BreakdownKind,
    CategoryInfo,
    DimensionInfo,
    Mapping,
    ObservationRow,
    ParseResult,
    ProblemList,
    RowStream,
    status_from_symbol,
)

MAX_JSON_BYTES = 50 * 1024 * 1024
MAX_CELLS = 5_000_000

_ROLES = ("time", "geo", "metric")


class _NonFiniteNumber(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NonFiniteNumber(name)


@dataclass
class _Dimension:
    id: str
    label: str
    role: str
    codes: list[str]
    labels: dict[str, str]
    units: dict[str, tuple[str, int | None]] = field(default_factory=dict)

    def info(self) -> DimensionInfo:
        categories = tuple(
            CategoryInfo(
                code=code,
                label=self.labels.get(code, code),
                unit=self.units.get(code, ("", None))[0],
                decimals=self.units.get(code, ("", None))[1],
            )
            for code in self.codes
        )
        return DimensionInfo(
            id=self.id,
            label=self.label,
            role=self.role,
            categories=categories,
            size=len(self.codes),
        )


@dataclass
class _Cube:
    dimensions: list[_Dimension]
    values: list[Any] | dict[int, Any]
    statuses: str | list[Any] | dict[int, Any] | None
    roles: dict[str, list[str]]

    @property
    def sizes(self) -> list[int]:
        return [len(dimension.codes) for dimension in self.dimensions]

    def value_at(self, position: int) -> Any:
        if isinstance(self.values, list):
            return self.values[position]
        return self.values.get(position)

    def status_at(self, position: int) -> str:
        statuses = self.statuses
        if statuses is None:
            return ""
        if isinstance(statuses, str):
            found: Any = statuses
        elif isinstance(statuses, list):
            found = statuses[0] if len(statuses) == 1 else statuses[position]
        else:
            found = statuses.get(position)
        return found.strip() if isinstance(found, str) else ""


@dataclass
class _Plan:
    time: int
    breakdowns: dict[int, str]
    fixed: dict[int, int]


def parse_jsonstat(
    source: bytes | str | IO[bytes] | AbcMapping[str, Any], mapping: Mapping | None = None
) -> ParseResult:
    """Read a JSON-stat 2.0 dataset into rows, or into problems explaining why it cannot be read."""
    return stream_jsonstat(source, mapping).collect()


def stream_jsonstat(
    source: bytes | str | IO[bytes] | AbcMapping[str, Any], mapping: Mapping | None = None
) -> RowStream:
    """A JSON-stat 2.0 dataset's rows as a :class:`RowStream`.

    A JSON-stat dataset is one JSON document, so it is parsed whole (bounded by the upload size
    limit); the rows are then produced one at a time from the value cube rather than built as a
    list, so the memory needed is that of the document, not of one object per row.
    """
    mapping = mapping or Mapping()
    problems = ProblemList()
    data = _load(source, problems)
    if data is None:
        return RowStream.failed(problems)
    cube = _read_cube(data, problems)
    if cube is None:
        return RowStream.failed(problems)
    dimensions = tuple(dimension.info() for dimension in cube.dimensions)
    plan = _plan(cube, mapping, problems)
    if plan is None:
        return RowStream.failed(problems, dimensions)
    return RowStream(lambda out: _rows(cube, plan, out.problems), problems, dimensions)


def _load(
    source: bytes | str | IO[bytes] | AbcMapping[str, Any], problems: ProblemList
) -> dict[str, Any] | None:
    if isinstance(source, AbcMapping):
        return dict(source)
    raw: bytes | str
    if isinstance(source, bytes | str):
        raw = source
    else:
        raw = source.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        problems.add(
            f"Filen er større enn {MAX_JSON_BYTES // (1024 * 1024)} MB. Hent et mindre utvalg "
            "(færre perioder eller regioner) og prøv igjen."
        )
        return None
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            problems.add("Filen er ikke lagret som UTF-8, slik JSON krever.")
            return None
    try:
        data = json.loads(raw, parse_float=Decimal, parse_constant=_reject_constant)
    except _NonFiniteNumber as error:
        problems.add(f"Filen inneholder «{error}», som ikke er et gyldig tall i JSON.")
        return None
    except json.JSONDecodeError as error:
        problems.add(
            f"Filen er ikke gyldig JSON. Feilen er på linje {error.lineno}, tegn {error.colno}."
        )
        return None
    except RecursionError:
        problems.add("Filen er for dypt nøstet til å være et JSON-stat-datasett.")
        return None
    if not isinstance(data, dict):
        problems.add("Filen må inneholde ett JSON-stat-datasett (et JSON-objekt).")
        return None
    return data


def _read_cube(data: dict[str, Any], problems: ProblemList) -> _Cube | None:
    if "error" in data and "value" not in data:
        problems.add(f"Tjenesten svarte med en feil i stedet for data: {data['error']}")
        return None
    kind = data.get("class")
    if kind is None and "id" not in data and _looks_like_version_1(data):
        problems.add(
            "Filen ser ut til å være JSON-stat 1.x. Hent dataene som JSON-stat 2.0 (i PxWebApi "
            "heter formatet «json-stat2»)."
        )
        return None
    if kind is not None and kind != "dataset":
        problems.add(
            f"Filen er av JSON-stat-klassen «{kind}». Bare enkeltdatasett (klassen «dataset») "
            "kan leses inn.",
            cell="class",
        )
        return None
    for name in ("id", "size", "dimension", "value"):
        if name not in data:
            problems.add(
                f"Datasettet mangler feltet «{name}», som JSON-stat 2.0 krever.", cell=name
            )
    if problems:
        return None

    ids, sizes, dimension_data = data["id"], data["size"], data["dimension"]
    if not isinstance(ids, list) or not all(isinstance(item, str) for item in ids):
        problems.add("Feltet «id» må være en liste med dimensjonsnavn.", cell="id")
        return None
    if len(set(ids)) != len(ids):
        problems.add("Feltet «id» nevner samme dimensjon flere ganger.", cell="id")
        return None
    if (
        not isinstance(sizes, list)
        or not all(isinstance(size, int) and not isinstance(size, bool) for size in sizes)
        or any(size < 0 for size in sizes)
    ):
        problems.add("Feltet «size» må være en liste med hele tall.", cell="size")
        return None
    if len(sizes) != len(ids):
        problems.add(
            f"Feltet «size» har {len(sizes)} tall, men «id» nevner {len(ids)} dimensjoner.",
            cell="size",
        )
        return None
    if not isinstance(dimension_data, dict):
        problems.add("Feltet «dimension» må være et objekt.", cell="dimension")
        return None

    roles = _read_roles(data.get("role"), problems)
    dimensions = []
    for dimension_id, size in zip(ids, sizes, strict=True):
        role = next((name for name in _ROLES if dimension_id in roles.get(name, [])), "")
        dimension = _read_dimension(dimension_id, dimension_data.get(dimension_id), role, problems)
        if dimension is None:
            continue
        if len(dimension.codes) != size:
            problems.add(
                f"Feltet «size» sier at dimensjonen «{dimension_id}» har {size} kategorier, "
                f"men den har {len(dimension.codes)}.",
                cell="size",
            )
        dimensions.append(dimension)
    if problems:
        return None

    cells = math.prod(sizes)
    if cells > MAX_CELLS:
        problems.add(
            f"Datasettet har {cells} celler, mer enn grensen på {MAX_CELLS}. Hent et mindre utvalg."
        )
        return None
    values = _read_positions(data["value"], cells, "value", problems)
    statuses = _read_statuses(data.get("status"), cells, problems)
    if values is None or problems:
        return None
    return _Cube(dimensions=dimensions, values=values, statuses=statuses, roles=roles)


def _looks_like_version_1(data: dict[str, Any]) -> bool:
    return bool(data) and all(
        isinstance(item, dict) and "dimension" in item for item in data.values()
    )


def _read_roles(raw: Any, problems: ProblemList) -> dict[str, list[str]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(
        isinstance(ids, list) and all(isinstance(item, str) for item in ids) for ids in raw.values()
    ):
        problems.add("Feltet «role» må være et objekt med lister av dimensjonsnavn.", cell="role")
        return {}
    return raw


def _read_dimension(
    dimension_id: str, raw: Any, role: str, problems: ProblemList
) -> _Dimension | None:
    where = f"dimension.{dimension_id}"
    if not isinstance(raw, dict):
        problems.add(f"Dimensjonen «{dimension_id}» mangler under «dimension».", cell=where)
        return None
    category = raw.get("category")
    if not isinstance(category, dict):
        problems.add(f"Dimensjonen «{dimension_id}» mangler «category».", cell=f"{where}.category")
        return None
    labels = category.get("label", {})
    if not isinstance(labels, dict) or not all(isinstance(text, str) for text in labels.values()):
        problems.add(
            f"Kategorinavnene («label») i «{dimension_id}» må være et objekt med tekster.",
            cell=f"{where}.category.label",
        )
        return None
    codes = _read_index(dimension_id, category.get("index"), labels, problems)
    if codes is None:
        return None
    units: dict[str, tuple[str, int | None]] = {}
    raw_units = category.get("unit", {})
    if isinstance(raw_units, dict):
        for code, unit in raw_units.items():
            if not isinstance(unit, dict):
                continue
            decimals = unit.get("decimals")
            text = unit.get("label", unit.get("base", unit.get("symbol", "")))
            units[code] = (
                text if isinstance(text, str) else "",
                decimals if isinstance(decimals, int) and not isinstance(decimals, bool) else None,
            )
    label = raw.get("label")
    return _Dimension(
        id=dimension_id,
        label=label if isinstance(label, str) and label else dimension_id,
        role=role,
        codes=codes,
        labels=labels,
        units=units,
    )


def _read_index(
    dimension_id: str, index: Any, labels: dict[str, str], problems: ProblemList
) -> list[str] | None:
    where = f"dimension.{dimension_id}.category.index"
    if index is None:
        # The format lets a dimension with one category leave out the index.
        if len(labels) == 1:
            return list(labels)
        problems.add(f"Dimensjonen «{dimension_id}» mangler kategoriliste («index»).", cell=where)
        return None
    if isinstance(index, list):
        if not all(isinstance(code, str) for code in index) or len(set(index)) != len(index):
            problems.add(
                f"Kategorilisten til «{dimension_id}» må bestå av ulike koder (tekst).",
                cell=where,
            )
            return None
        return list(index)
    if isinstance(index, dict):
        positions = list(index.values())
        if not all(
            isinstance(position, int) and not isinstance(position, bool) for position in positions
        ) or sorted(positions) != list(range(len(positions))):
            problems.add(
                f"Kategoriplasseringene til «{dimension_id}» må være tallene 0 til "
                f"{len(positions) - 1}, hvert brukt én gang.",
                cell=where,
            )
            return None
        return sorted(index, key=index.__getitem__)
    problems.add(
        f"Kategorilisten («index») til «{dimension_id}» må være en liste eller et objekt.",
        cell=where,
    )
    return None


def _read_positions(
    raw: Any, cells: int, name: str, problems: ProblemList
) -> list[Any] | dict[int, Any] | None:
    if isinstance(raw, list):
        if len(raw) != cells:
            problems.add(
                f"Feltet «{name}» har {len(raw)} elementer, men dimensjonene gir {cells} celler.",
                cell=name,
            )
            return None
        return raw
    if isinstance(raw, dict):
        by_position: dict[int, Any] = {}
        for key, item in raw.items():
            position = int(key) if isinstance(key, str) and key.isdigit() else -1
            if not 0 <= position < cells:
                problems.add(
                    f"Feltet «{name}» har nøkkelen «{key}», som ikke er en plass mellom 0 og "
                    f"{cells - 1}.",
                    cell=name,
                )
                return None
            by_position[position] = item
        return by_position
    problems.add(f"Feltet «{name}» må være en liste eller et objekt.", cell=name)
    return None


def _read_statuses(
    raw: Any, cells: int, problems: ProblemList
) -> str | list[Any] | dict[int, Any] | None:
    if raw is None or isinstance(raw, str):
        return raw
    if isinstance(raw, list) and len(raw) == 1:
        return raw
    return _read_positions(raw, cells, "status", problems)


def _plan(cube: _Cube, mapping: Mapping, problems: ProblemList) -> _Plan | None:
    index_of = {dimension.id: k for k, dimension in enumerate(cube.dimensions)}
    known = ", ".join(f"«{dimension.id}»" for dimension in cube.dimensions)

    def find(dimension_id: str, use: str) -> int | None:
        if dimension_id in index_of:
            return index_of[dimension_id]
        problems.add(
            f"Oppsettet bruker dimensjonen «{dimension_id}» som {use}, men den finnes ikke i "
            f"datasettet. Dimensjonene er {known}."
        )
        return None

    time: int | None
    if mapping.time:
        time = find(mapping.time, "tid")
    else:
        time_ids = [item for item in cube.roles.get("time", []) if item in index_of]
        time = index_of[time_ids[0]] if len(time_ids) == 1 else None
        if not time_ids:
            problems.add(
                f"Datasettet sier ikke hvilken dimensjon som er tid (rollen «time»). Velg en av "
                f"{known} som tidsdimensjon."
            )
        elif len(time_ids) > 1:
            problems.add(
                "Datasettet har flere tidsdimensjoner ("
                + ", ".join(f"«{item}»" for item in time_ids)
                + "). Velg hvilken som skal brukes."
            )

    fixed: dict[int, int] = {}
    for dimension_id, code in mapping.filters:
        k = find(dimension_id, "filter")
        if k is None:
            continue
        dimension = cube.dimensions[k]
        if code not in dimension.codes:
            problems.add(
                f"Kategorien «{code}» finnes ikke i dimensjonen «{dimension_id}». Gyldige koder: "
                + ", ".join(dimension.codes[:20])
                + (" …" if len(dimension.codes) > 20 else "")
                + "."
            )
            continue
        fixed[k] = dimension.codes.index(code)

    breakdowns: dict[int, str] = {}
    for breakdown in mapping.breakdowns:
        k = find(breakdown.source, "inndeling")
        if k is None:
            continue
        if k == time:
            problems.add(
                f"Dimensjonen «{breakdown.source}» er tidsdimensjonen og kan ikke også være en "
                "inndeling."
            )
            continue
        breakdowns[k] = breakdown.key

    for k, dimension in enumerate(cube.dimensions):
        if k == time or k in fixed or k in breakdowns or len(dimension.codes) <= 1:
            continue
        codes = ", ".join(dimension.codes[:10]) + (" …" if len(dimension.codes) > 10 else "")
        if dimension.role == "metric":
            problems.add(
                f"Datasettet har flere måltall i «{dimension.id}» ({codes}). Velg ett av dem "
                "som filter."
            )
        else:
            problems.add(
                f"Dimensjonen «{dimension.id}» har {len(dimension.codes)} kategorier ({codes}), "
                "men er verken valgt som inndeling eller låst til én kategori med et filter."
            )
    if problems or time is None:
        return None
    return _Plan(time=time, breakdowns=breakdowns, fixed=fixed)


def _rows(cube: _Cube, plan: _Plan, problems: ProblemList) -> Iterator[ObservationRow]:
    dimensions = cube.dimensions
    allowed = [
        [plan.fixed[k]] if k in plan.fixed else range(len(dimension.codes))
        for k, dimension in enumerate(dimensions)
    ]
    time_dimension = dimensions[plan.time]
    period_codes: dict[int, str] = {}
    for position in allowed[plan.time]:
        code = time_dimension.codes[position]
        try:
            period_codes[position] = periods.parse_period(code).code
        except periods.PeriodError as error:
            problems.add(
                f"Tidskoden «{code}» i dimensjonen «{time_dimension.id}» kan ikke leses som "
                f"periode. {error}",
                cell=f"dimension.{time_dimension.id}.category.index",
            )
    if problems:
        return

    strides = [math.prod(cube.sizes[k + 1 :]) for k in range(len(dimensions))]
    for combination in product(*allowed):
        position = sum(index * stride for index, stride in zip(combination, strides, strict=True))
        where = f"value[{position}]"
        symbol = cube.status_at(position)
        raw = cube.value_at(position)
        if isinstance(raw, str) and raw.strip() in STATUS_SYMBOLS:
            symbol = symbol or raw.strip()
            raw = None
        value = _decimal(raw)
        if value is _INVALID:
            problems.add(
                f"Verdien «{raw}» for {_describe(dimensions, combination)} er ikke et tall.",
                cell=where,
            )
            continue
        number = value if isinstance(value, Decimal) else None
        status = status_from_symbol(symbol) if symbol else None
        if status in MISSING_VALUE_STATUSES:
            number = None
        elif number is None:
            status = STATUS_NOT_AVAILABLE
        else:
            status = status or STATUS_NORMAL
        breakdown = tuple(
            sorted((key, dimensions[k].codes[combination[k]]) for k, key in plan.breakdowns.items())
        )
        yield ObservationRow(
            period=period_codes[combination[plan.time]],
            value=number,
            status=status or STATUS_NORMAL,
            breakdown=breakdown,
            source_cell=where,
            source_status=symbol,
        )


_INVALID = object()


def _decimal(raw: Any) -> Decimal | None | object:
    if raw is None:
        return None
    if isinstance(raw, bool):
        return _INVALID
    if isinstance(raw, Decimal | int):
        number = Decimal(raw)
    elif isinstance(raw, float):
        number = Decimal(repr(raw))
    elif isinstance(raw, str):
        try:
            number = Decimal(raw.strip())
        except InvalidOperation:
            return _INVALID
    else:
        return _INVALID
    return number if number.is_finite() else _INVALID


def _describe(dimensions: list[_Dimension], combination: tuple[int, ...]) -> str:
    return ", ".join(
        f"{dimension.id}={dimension.codes[index]}"
        for dimension, index in zip(dimensions, combination, strict=True)
    )


def to_jsonstat(
    rows: Iterable[ObservationRow],
    *,
    label: str = "",
    source: str = "",
    updated: str = "",
    time_id: str = "Tid",
    time_label: str = "tid",
    dimension_labels: AbcMapping[str, str] | None = None,
    category_labels: AbcMapping[str, AbcMapping[str, str]] | None = None,
    metric_code: str = "",
    metric_label: str = "",
    unit: str = "",
    decimals: int | None = None,
    sparse: bool | None = None,
) -> dict[str, Any]:
    """Write rows as a JSON-stat 2.0 dataset, ordered the way Statistics Norway orders them.

    Breakdowns come first (sorted by key), then the metric when ``metric_code`` is given (it
    carries ``unit`` and ``decimals``), then time. Values stay ``Decimal``; serialise with
    :func:`dump_jsonstat` to keep every digit. ``sparse`` writes ``value`` as an object; by default
    that happens when fewer than half of the cells have a row.
    """
    collected = list(rows)
    dimension_labels = dimension_labels or {}
    category_labels = category_labels or {}
    keys = [key for key, _ in collected[0].breakdown] if collected else []
    if time_id in keys or (metric_code and "ContentsCode" in keys):
        raise ValueError(f"A breakdown key clashes with the dimension «{time_id}».")
    for row in collected:
        if [key for key, _ in row.breakdown] != keys:
            raise ValueError("Every row must have the same breakdown keys to form a cube.")

    period_codes = sorted({row.period for row in collected}, key=periods.parse_period)
    codes_by_key = {key: sorted({dict(row.breakdown)[key] for row in collected}) for key in keys}
    dimensions: dict[str, Any] = {}
    ids: list[str] = []
    for key in keys:
        ids.append(key)
        labels = category_labels.get(key, {})
        dimensions[key] = {
            "label": dimension_labels.get(key, key),
            "category": {
                "index": codes_by_key[key],
                "label": {code: labels.get(code, code) for code in codes_by_key[key]},
            },
        }
    if metric_code:
        ids.append("ContentsCode")
        category: dict[str, Any] = {
            "index": [metric_code],
            "label": {metric_code: metric_label or metric_code},
        }
        if unit or decimals is not None:
            category["unit"] = {
                metric_code: {
                    "label": unit,
                    **({"decimals": decimals} if decimals is not None else {}),
                }
            }
        dimensions["ContentsCode"] = {
            "label": dimension_labels.get("ContentsCode", "statistikkvariabel"),
            "category": category,
        }
    ids.append(time_id)
    time_labels = category_labels.get(time_id, {})
    dimensions[time_id] = {
        "label": time_label,
        "category": {
            "index": period_codes,
            "label": {
                code: time_labels.get(code, periods.parse_period(code).label("nb"))
                for code in period_codes
            },
        },
    }

    sizes = [len(dimensions[dimension_id]["category"]["index"]) for dimension_id in ids]
    positions = {
        dimension_id: {
            code: k for k, code in enumerate(dimensions[dimension_id]["category"]["index"])
        }
        for dimension_id in ids
    }
    strides = [math.prod(sizes[k + 1 :]) for k in range(len(ids))]
    cells = math.prod(sizes)
    values: dict[int, Decimal | None] = {}
    statuses: dict[str, str] = {}
    for row in collected:
        codes = dict(row.breakdown)
        if metric_code:
            codes["ContentsCode"] = metric_code
        codes[time_id] = row.period
        position = sum(
            positions[dimension_id][codes[dimension_id]] * stride
            for dimension_id, stride in zip(ids, strides, strict=True)
        )
        if position in values:
            raise ValueError(f"Two rows share the period {row.period} and breakdown.")
        if row.value is not None and not row.value.is_finite():
            raise ValueError(f"The value for {row.period} is not a finite number.")
        values[position] = row.value
        symbol = _symbol_for(row)
        if symbol:
            statuses[str(position)] = symbol

    if sparse is None:
        sparse = len(values) * 2 < cells
    value_field: list[Decimal | None] | dict[str, Decimal | None]
    if sparse:
        value_field = {str(position): values[position] for position in sorted(values)}
    else:
        value_field = [values.get(position) for position in range(cells)]
    roles: dict[str, list[str]] = {"time": [time_id]}
    geo = [
        key for key in keys if key in {kind.value for kind in BreakdownKind if kind.is_geographic}
    ]
    if geo:
        roles["geo"] = geo
    if metric_code:
        roles["metric"] = ["ContentsCode"]

    dataset: dict[str, Any] = {"version": "2.0", "class": "dataset"}
    if label:
        dataset["label"] = label
    if source:
        dataset["source"] = source
    if updated:
        dataset["updated"] = updated
    dataset.update(
        {"id": ids, "size": sizes, "role": roles, "dimension": dimensions, "value": value_field}
    )
    if statuses:
        dataset["status"] = statuses
    return dataset


def _symbol_for(row: ObservationRow) -> str:
    if not row.status:
        return ""
    if row.source_status and status_from_symbol(row.source_status) == row.status:
        return row.source_status
    return SYMBOL_FOR_STATUS.get(row.status, "")


def dump_jsonstat(dataset: Any) -> str:
    """Serialise a dataset from :func:`to_jsonstat` as JSON text, writing decimals digit for digit."""
    return "".join(_encode(dataset))


def _encode(item: Any) -> Iterator[str]:
    if item is None:
        yield "null"
    elif isinstance(item, bool):
        yield "true" if item else "false"
    elif isinstance(item, Decimal):
        if not item.is_finite():
            raise ValueError("JSON has no way to write NaN or infinity.")
        yield format(item, "f")
    elif isinstance(item, int | float | str):
        yield json.dumps(item, ensure_ascii=False, allow_nan=False)
    elif isinstance(item, AbcMapping):
        yield "{"
        for k, (key, child) in enumerate(item.items()):
            if k:
                yield ","
            yield json.dumps(str(key), ensure_ascii=False)
            yield ":"
            yield from _encode(child)
        yield "}"
    elif isinstance(item, list | tuple):
        yield "["
        for k, child in enumerate(item):
            if k:
                yield ","
            yield from _encode(child)
        yield "]"
    else:
        raise TypeError(f"Cannot write {type(item).__name__} as JSON.")
