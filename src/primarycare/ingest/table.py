"""Read one CSV file as text, check it against a TableSpec, and return typed columns plus a ``_line`` column.

Every check is vectorised; the first offending row of each check becomes a Problem naming file, line and column.
"""

import csv
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from primarycare.ingest.errors import IngestError, Problem
from primarycare.ingest.quick import LINE, PATTERNS, quick_read
from primarycare.ingest.text import decode, is_utf8


@dataclass(frozen=True)
class Column:
    """A column a file must carry. kind: text, count (whole number >= 0), number (>= 0), percent (0 to 100), practice,
    choice, date, quarter (the first day of a quarter of the financial year: YYYY-04-01, -07-01, -10-01 or -01-01).
    coded: a choice column read as an Enum of its choices (a small number per row, for a caller that indexes by it)."""

    name: str
    kind: str = "text"
    choices: tuple[str, ...] = ()
    blank_ok: bool = False
    coded: bool = False


@dataclass(frozen=True)
class TableSpec:
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    optional: tuple[Column, ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def read_table(
    path: Path, spec: TableSpec, header: bool = True, check_key: bool = True, later: tuple[str, ...] = ()
) -> pl.DataFrame:
    """Read and check ``path``; raise IngestError naming every problem found (first offending row per check).

    The quick pass (quick.py) parses typed columns and checks them whole; when it finds anything, one lazy pass
    parses, strips, types and flags every row, and the text is read again to name the offending values.
    check_key=False leaves the duplicate-key check to a caller that finds repeats more cheaply itself; ``later``
    names text columns whose distinct values the quick pass leaves to a caller that has them on fewer rows
    (quick.distinct_fits) and reads the file again with every check when they do not fit."""
    name = path.name
    if _blank(path):
        raise IngestError.at(name, 1, 1, "the file is empty")
    columns = header_names(path) if header else spec.names
    if header:
        _check_header(name, columns, spec)
    present = [*spec.columns, *(c for c in spec.optional if c.name in columns)]
    key = spec.key if check_key else ()  # both passes leave repeats to the caller alike
    quick = quick_read(path, columns, present, header, key, later)
    if quick is not None:
        return quick
    with as_utf8(path) as text:
        return _careful(text, spec, header, columns, present, key)


@contextmanager
def as_utf8(path: Path) -> Iterator[Path]:
    """The file itself when it is UTF-8; else a UTF-8 copy of it under the same name (ingest/text.py)."""
    data = path.read_bytes()
    if is_utf8(data):
        yield path
        return
    text = decode(path.name, data)
    with tempfile.TemporaryDirectory(prefix="utf8-") as folder:
        copy = Path(folder) / path.name
        copy.write_bytes(text.encode("utf-8"))
        yield copy


def _careful(path: Path, spec, header, columns, present, key) -> pl.DataFrame:
    """The careful pass: every row parsed as text, stripped, typed and flagged; each check's first failure named."""
    name = path.name
    checks = [_check(column) for column in present]
    flags = [bad.alias(f"_bad_{i}") for i, (_, _, bad, _) in enumerate(checks)]
    if key:
        flags.append(pl.struct(list(key)).is_duplicated().alias("_duplicate"))
    typed = [expression for _, expression, _, _ in checks]
    frame = _collect(path, spec, header, _stripped(path, spec, header).select(LINE, *typed, *flags))
    if frame.height == 0:
        raise IngestError.at(name, 2, 1, "the file has a header but no rows")
    if frame[columns[-1]].null_count():  # perhaps a row cut short (its missing cells read as blank)
        short = _misshapen(path, len(columns), header)
        if short is not None:
            raise IngestError([short])
    flag_names = [f"_bad_{i}" for i in range(len(checks))] + (["_duplicate"] if key else [])
    flagged = frame.select(pl.col(flag).any() for flag in flag_names).row(0)
    if any(flagged):
        raw = _collect(path, spec, header, _stripped(path, spec, header))
        raise IngestError(_problems(name, columns, spec, checks, raw, frame, flagged))
    return frame.select(LINE, *(c.name for c, _, _, _ in checks))


def _blank(path: Path) -> bool:
    """True when the file holds nothing but whitespace (read a block at a time: a full file stops at once)."""
    with path.open("rb") as handle:
        while block := handle.read(1 << 16):
            if block.strip():
                return False
    return True


def _stripped(path: Path, spec: TableSpec, header: bool) -> pl.LazyFrame:
    """Every cell as text, stripped (a blank one null), with its line number; wholly blank lines (no data) left out."""
    scan = pl.scan_csv(
        path, has_header=header, new_columns=None if header else spec.names, infer_schema=False, encoding="utf8-lossy"
    )
    stripped = pl.all().str.strip_chars()
    first = 2 if header else 1
    return (
        scan.with_columns(pl.when(stripped == "").then(None).otherwise(stripped).name.keep())
        .with_columns(pl.int_range(first, first + pl.len(), dtype=pl.Int64).alias(LINE))
        .filter(~pl.all_horizontal(pl.exclude(LINE).is_null()))
    )


def _collect(path: Path, spec: TableSpec, header: bool, lazy: pl.LazyFrame) -> pl.DataFrame:
    try:
        return lazy.collect()
    except pl.exceptions.PolarsError as exc:
        raise _locate_shape_error(path, spec, header, exc) from None


def _problems(name, columns, spec, checks, raw, frame, flagged) -> list[Problem]:
    problems: list[Problem] = []
    for index, raised in enumerate(flagged):
        if not raised:
            continue
        if index == len(checks):  # every copy of a duplicated key is flagged: name the first repeat
            row_index = raw.select((~pl.struct(list(spec.key)).is_first_distinct()).arg_true()).item(0, 0)
            row = raw.row(row_index, named=True)
            key = ", ".join(f"{k}={row[k]}" for k in spec.key)
            message, column_name = f"duplicate row for {key}", spec.key[0]
        else:
            column, _, _, template = checks[index]
            row_index = frame[f"_bad_{index}"].arg_true()[0]
            row = raw.row(row_index, named=True)
            message, column_name = template.format(value=row[column.name], column=column.name), column.name
        problems.append(Problem(name, row[LINE], columns.index(column_name) + 1, message))
    return sorted(problems, key=lambda p: (p.line, p.column))


def header_names(path: Path) -> list[str]:
    """The first line's column names, stripped."""
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        return [h.strip() for h in next(csv.reader(handle))]


def column_position(path: Path, name: str) -> int:
    return header_names(path).index(name) + 1


def _locate_shape_error(path: Path, spec: TableSpec, header: bool, exc: Exception) -> IngestError:
    """polars says *that* a row is malformed; the slow csv module says *where*."""
    misshapen = _misshapen(path, len(header_names(path)) if header else len(spec.names), header)
    return IngestError([misshapen or Problem(path.name, 1, 1, f"cannot be read as CSV: {exc}")])


def _misshapen(path: Path, width: int, header: bool) -> Problem | None:
    """The first row, a wholly blank one aside, whose fields are not ``width`` many, read with the slow csv module:
    polars refuses a row too long without saying where, and reads a row cut short as if its last cells were blank."""
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        rows = csv.reader(handle)
        if header:
            next(rows, None)
        for number, row in enumerate(rows, start=2 if header else 1):
            if len(row) != width and any(cell.strip() for cell in row):
                return Problem(
                    path.name, number, min(len(row), width) + 1, f"expected {width} fields, found {len(row)}"
                )
    return None


def _check_header(name: str, columns: list[str], spec: TableSpec) -> None:
    known = set(spec.names) | {c.name for c in spec.optional}
    problems = [
        Problem(name, 1, position, f"unknown column {column!r}")
        for position, column in enumerate(columns, start=1)
        if column not in known
    ]
    problems += [
        Problem(name, 1, len(columns) + 1, f"missing column {column!r}")
        for column in spec.names
        if column not in columns
    ]
    if len(set(columns)) != len(columns):
        problems.append(Problem(name, 1, 1, "a column name appears twice"))
    if problems:
        raise IngestError(problems)


def _check(column: Column) -> tuple[Column, pl.Expr, pl.Expr, str]:
    """(column, typed expression, rows that fail, message) for one column."""
    raw = pl.col(column.name)
    blank = raw.is_null()
    missing = pl.lit(False) if column.blank_ok else blank
    missing_message = "{column} is empty"
    if column.kind in ("count", "number", "percent"):
        number = raw.cast(pl.Float64, strict=False)
        typed = number.cast(pl.Int64) if column.kind == "count" else number
        whole = number.round(0) == number if column.kind == "count" else pl.lit(True)
        within = number <= 100 if column.kind == "percent" else pl.lit(True)
        failing = missing | (~blank & (number.is_null() | ~number.is_finite() | (number < 0) | ~whole | ~within))
        if column.kind == "percent":
            return column, typed.alias(column.name), failing, "{column} {value!r} is not a percentage from 0 to 100"
        what = "a whole number" if column.kind == "count" else "a number"
        return column, typed.alias(column.name), failing, "{column} {value!r} is not " + what + " of zero or more"
    if column.kind == "practice":
        failing = blank | ~raw.str.contains(PATTERNS["practice"])
        return column, raw, failing, "{value!r} is not an ODS practice code (a letter and five digits)"
    if column.kind == "choice":
        allowed = ", ".join(column.choices)
        failing = missing | (~blank & ~raw.is_in(list(column.choices)))
        typed = raw.cast(pl.Enum(column.choices), strict=False).alias(column.name) if column.coded else raw
        return column, typed, failing, "{column} {value!r} is not one of " + allowed
    if column.kind == "date":
        failing = blank | ~raw.str.contains(PATTERNS["date"])
        return column, raw, failing, "{column} {value!r} is not a date like 01JAN2024"
    if column.kind == "quarter":
        failing = blank | ~raw.str.contains(PATTERNS["quarter"])
        message = "{column} {value!r} is not the start of a quarter (YYYY-04-01, -07-01, -10-01 or -01-01)"
        return column, raw, failing, message
    return column, raw, missing, missing_message
