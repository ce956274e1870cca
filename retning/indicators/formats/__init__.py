"""Readers and writers for indicator data files (JSON-stat 2.0, CSV, XLSX). Pure Python, no Django."""

from .common import (
    BreakdownKind,
    BreakdownMapping,
    CategoryInfo,
    DimensionInfo,
    Mapping,
    MappingError,
    ObservationRow,
    ParseResult,
    Problem,
    RowStream,
)
from .jsonstat import dump_jsonstat, parse_jsonstat, stream_jsonstat, to_jsonstat
from .tabular import parse_csv, parse_xlsx, stream_csv, stream_xlsx

__all__ = [
    "BreakdownKind",
    "BreakdownMapping",
    "CategoryInfo",
    "DimensionInfo",
    "Mapping",
    "MappingError",
    "ObservationRow",
    "ParseResult",
    "Problem",
    "RowStream",
    "dump_jsonstat",
    "parse_csv",
    "parse_jsonstat",
    "parse_xlsx",
    "stream_csv",
    "stream_jsonstat",
    "stream_xlsx",
    "to_jsonstat",
]
