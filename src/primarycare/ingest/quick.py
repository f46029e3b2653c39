"""The quick pass over a file: a typed polars parse, then every check on whole columns (text checks on each
column's distinct values). It answers only "all good, here are the rows" or None; on None the careful pass in
table.py reads the file again, as text, to word each problem with its line and column (or to accept what the
quick pass was too strict for, such as padded cells)."""

from pathlib import Path

import numpy as np
import polars as pl

from primarycare.economy.model import run_starts

PATTERNS = {
    "practice": r"^[A-Z][0-9]{5}$",
    "date": r"^[0-9]{2}(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[0-9]{4}$",
    "quarter": r"^[0-9]{4}-(01|04|07|10)-01$",
}
LINE = "_line"  # each row's line in its file
_TYPES = {"count": pl.Int64, "number": pl.Float64, "percent": pl.Float64}


def quick_read(
    path: Path, names: list[str], columns: list, header: bool, key: tuple[str, ...], later: tuple[str, ...] = ()
) -> pl.DataFrame | None:
    """The file's checked columns (``columns``, in that order) when every check passes, else None.

    names: the file's columns in file order; columns: the spec's Column objects present in the file; later: text
    columns checked for nulls only (their distinct values are the caller's to check: distinct_fits)."""
    by_name = {column.name: column for column in columns}
    schema = {name: _type(by_name[name]) if name in by_name else pl.String for name in names}
    try:
        frame = pl.read_csv(path, has_header=header, schema=schema, encoding="utf8")
    except (pl.exceptions.PolarsError, UnicodeDecodeError):
        return None
    if frame[names[-1]].null_count() and _separators(path) != (len(names) - 1) * (frame.height + header):
        return None  # a row cut short reads as if its last cells were blank: the careful pass names it
    first = 2 if header else 1
    frame = _without_blank_lines(
        frame.with_columns(pl.int_range(first, first + frame.height, dtype=pl.Int64).alias(LINE))
    )
    found = _summaries(frame, columns, key, later)
    if _quoted_empty(found, columns):  # a quoted empty cell ("") is blank, as the careful pass reads it
        text = [name for name, kind in frame.schema.items() if kind == pl.String]
        frame = _without_blank_lines(
            frame.with_columns(pl.when(pl.col(name) != "").then(pl.col(name)) for name in text)
        )
        found = _summaries(frame, columns, key, later)
    if frame.height == 0:
        return None
    if not all(_passes(found, i, column, later) for i, column in enumerate(columns)):
        return None
    if key and found["repeated"]:
        return None  # a repeated key (or, once in billions, two keys of one hash): the careful pass decides
    return frame.select(LINE, *(column.name for column in columns))  # in one chunk: faster for all that follows


def _separators(path: Path) -> int:
    """The file's commas outside quoted cells. Each row of a file whose rows all have the header's width has one
    fewer than the header's columns (polars refuses a row too long, but reads one cut short as if its last cells
    were blank: its last column is then blank, which is when this is asked). A quote within a quoted cell is
    doubled, so the quotes before a comma are odd in number exactly when the comma is within a quoted cell."""
    data = np.fromfile(path, dtype=np.uint8)
    commas = data == ord(",")
    quotes = data == ord('"')
    if quotes.any():
        commas &= ~np.logical_xor.accumulate(quotes)
    return int(np.count_nonzero(commas))


def _without_blank_lines(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows with some data (a line of nothing, or of empty cells, is left out, as the careful pass leaves it)."""
    if min(column.null_count() for column in frame.get_columns() if column.name != LINE) == 0:
        return frame  # some column has no null: no row is wholly blank
    return frame.filter(~pl.all_horizontal(pl.exclude(LINE).is_null()))


def _summaries(frame: pl.DataFrame, columns: list, key: tuple[str, ...], later: tuple[str, ...]) -> dict:
    """Every column's summary (``"{i}.{what}"``: what ``_summary`` and ``_distinct`` name) and whether two rows'
    keys hash alike (``"repeated"``): whole columns in one select, then the text columns' distinct values in another."""
    summary = [
        expression.alias(f"{i}.{what}")
        for i, column in enumerate(columns)
        for what, expression in _summary(column, column.name in later)
    ]
    found = frame.select(summary)
    distinct = [
        expression.alias(f"{i}.{what}")
        for i, column in enumerate(columns)
        if f"{i}.distinct" in found.columns
        for what, expression in _distinct(pl.col(f"{i}.distinct").explode(), column)
    ]
    keys = {"repeated": _repeated(frame.select(key).hash_rows().to_numpy())} if key else {}
    return found.select(pl.exclude(r"^.*\.distinct$"), *distinct).row(0, named=True) | keys


def _repeated(hashes: np.ndarray) -> bool:
    """Whether any hash comes twice: numpy's sort, then each against the next (polars' n_unique takes twice as long)."""
    ordered = np.sort(hashes)
    return bool((ordered[1:] == ordered[:-1]).any())


def _quoted_empty(found: dict, columns: list) -> bool:
    """Whether a text column holds an empty string (polars reads a quoted empty cell so; a bare one as null)."""
    return any(found.get(f"{i}.empty") for i in range(len(columns)))


def _type(column) -> pl.DataType:
    """A coded choice column is parsed as an Enum: the parse itself refuses any other value."""
    return pl.Enum(column.choices) if column.coded else _TYPES.get(column.kind, pl.String)


def _summary(column, nulls_only: bool) -> list[tuple[str, pl.Expr]]:
    """What the checks look at in the whole column: the nulls, and the extremes of a number column or the distinct
    values of a text one."""
    values = pl.col(column.name)
    nulls = [("nulls", values.null_count())]
    if column.coded or nulls_only:
        return nulls
    if column.kind in _TYPES:
        present = values.drop_nulls()
        return [*nulls, ("low", present.min()), ("high", present.max()), ("finite", present.is_finite().all())]
    runs = values.filter(run_starts(values))  # each run's value once: a list's codes run 45 rows
    return [*nulls, ("distinct", runs.drop_nulls().unique().implode())]


def _distinct(distinct: pl.Expr, column) -> list[tuple[str, pl.Expr]]:
    """What a text column's distinct values are: empty, padded, fitting its pattern or choices."""
    checks = [("empty", (distinct == "").any()), ("padded", (distinct != distinct.str.strip_chars()).any())]
    if column.kind in PATTERNS:
        checks.append(("fits", distinct.str.contains(PATTERNS[column.kind]).all()))
    elif column.kind == "choice":
        checks.append(("fits", distinct.is_in(list(column.choices)).all()))
    return checks


def distinct_fits(distinct: pl.Series, column) -> bool:
    """Whether a text column's distinct values (a later column of quick_read's, each value once, no nulls) pass
    the checks the quick pass asks of distinct values: none empty or padded, each fitting the pattern or choices."""
    distinct = distinct.to_frame("distinct")  # one unique(), taken by the caller: two may differ in order
    checks = distinct.select(e.alias(what) for what, e in _distinct(pl.col("distinct"), column)).row(0, named=True)
    return not checks["empty"] and not checks["padded"] and checks.get("fits", True)


def _passes(found: dict, i: int, column, later: tuple[str, ...]) -> bool:
    """found: the summaries; i: the column's place among them; later: columns with their nulls summed only."""
    if found[f"{i}.nulls"] and (not column.blank_ok or column.kind in PATTERNS):
        return False
    if column.coded or column.name in later:
        return True
    if column.kind in _TYPES:
        low, high, finite = (found[f"{i}.{what}"] for what in ("low", "high", "finite"))
        if low is None:
            return True
        return bool(low >= 0 and (column.kind != "percent" or high <= 100) and (column.kind == "count" or finite))
    if found[f"{i}.padded"]:
        return False  # the careful pass strips padded cells (quoted empty ones are blank by now: quick_read)
    return found.get(f"{i}.fits", True)
