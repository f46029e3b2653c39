"""The three QOF files of a year: indicator mapping, achievement (long, one row per measure) and prevalence."""

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from primarycare.economy.model import in_code_order, run_starts
from primarycare.economy.vocabulary import year_from_suffix
from primarycare.ingest import formats as f
from primarycare.ingest.errors import IngestError
from primarycare.ingest.quick import distinct_fits
from primarycare.ingest.table import LINE, column_position, header_names, read_table

_SUFFIX = re.compile(r"_(\d{4})\.csv$")
MEASURE_COLUMNS = {
    "REGISTER": "register",
    "NUMERATOR": "numerator",
    "DENOMINATOR": "denominator",
    "PCAS": "pcas",
    "EXCEPTIONS": "pcas",
    "ACHIEVED_POINTS": "achieved_points",
    "NEWLY_DIAGNOSED": "newly_diagnosed",
}
_CODES = ("PRACTICE_CODE", "INDICATOR_CODE")
ACHIEVEMENT_COLUMNS = ("register", "numerator", "denominator", "pcas", "achieved_points", "newly_diagnosed")


@dataclass(frozen=True)
class QofData:
    year: str
    indicators: pl.DataFrame
    achievement: pl.DataFrame
    prevalence: pl.DataFrame


def read_qof(folder: Path, era: str) -> QofData | None:
    files = {
        prefix: sorted(folder.glob(f"{prefix}*.csv"))
        for prefix in (f.MAPPING_PREFIX, f.ACHIEVEMENT_PREFIX, f.PREVALENCE_PREFIX)
    }
    if not any(files.values()):
        return None
    year = _one_year([path for paths in files.values() for path in paths])
    mappings, achievements = files[f.MAPPING_PREFIX], files[f.ACHIEVEMENT_PREFIX]
    if achievements and not mappings:
        raise IngestError.at(
            f"{f.MAPPING_PREFIX}{achievements[0].name[-8:]}",
            1,
            1,
            "an ACHIEVEMENT file needs the year's MAPPING_INDICATORS file beside it",
        )
    with ThreadPoolExecutor(max_workers=1) as side:  # the mapping and prevalence beside the achievement, the larger
        mapping = side.submit(_indicators, mappings, era)
        prevalences = [side.submit(read_table, path, f.PREVALENCE) for path in files[f.PREVALENCE_PREFIX]]
        try:
            read = _achievement_read(achievements)
        except IngestError as error:
            read = error
        indicators = mapping.result()  # a problem in the mapping is named first
        if isinstance(read, IngestError):
            raise read
        achievement = _achievement(achievements, read, indicators)
    prevalence = pl.concat([future.result() for future in prevalences]) if prevalences else pl.DataFrame()
    if prevalence.height:
        prevalence = prevalence.select(
            pl.col("PRACTICE_CODE").alias("practice_code"),
            pl.col("GROUP_CODE").alias("group_code"),
            pl.col("PATIENT_LIST_TYPE").alias("patient_list_type"),
            pl.col("REGISTER").alias("register"),
            pl.col("PRACTICE_LIST_SIZE").alias("practice_list_size"),
        )
    return QofData(year, indicators, achievement, prevalence)


def _one_year(paths: list[Path]) -> str:
    years = {}
    for path in paths:
        match = _SUFFIX.search(path.name)
        if not match:
            raise IngestError.at(path.name, 1, 1, "QOF file names end in the year, e.g. ACHIEVEMENT_2324.csv")
        years.setdefault(match.group(1), path)
    if len(years) > 1:
        names = ", ".join(p.name for p in years.values())
        raise IngestError.at(sorted(years.values())[-1].name, 1, 1, f"QOF files of mixed years: {names}")
    return year_from_suffix(next(iter(years)))


def _indicators(paths: list[Path], era: str) -> pl.DataFrame:
    if not paths:
        return pl.DataFrame()
    (path,) = paths[:1]
    for column in header_names(path):
        if f.ERA_MARKERS.get(column, era) != era:
            raise IngestError.at(
                path.name,
                1,
                column_position(path, column),
                f"files of mixed eras: {column} here, but {f.MAP_FILE} is {era.upper()}-era",
            )
    group = "GROUP" if era == "icb" else "INDICATOR_GROUP"
    table = read_table(path, f.mapping_spec(era))
    return table.select(
        pl.col("INDICATOR_CODE").alias("indicator_code"),
        pl.col("INDICATOR_DESCRIPTION").alias("description"),
        pl.col("INDICATOR_POINT_VALUE").alias("point_value"),
        pl.col(f"{group}_CODE").alias("group_code"),
        pl.col(f"{group}_DESCRIPTION").alias("group_description"),
        pl.col("DOMAIN_CODE").alias("domain_code"),
        pl.col("DOMAIN_DESCRIPTION").alias("domain_description"),
        pl.col("PATIENT_LIST_TYPE").alias("patient_list_type"),
    )


def _achievement_read(paths: list[Path]) -> tuple | None:
    """The achievement files read and placed long to wide, their codes' text checked (none of it needs the
    mapping): (each file's table, all of them, wide or None when a cell is given twice, the distinct indicator
    codes); None when there is no achievement file."""
    if not paths:
        return None
    # _wide finds repeated cells; the codes' text is checked on each pair's codes (a quarter of the rows)
    tables = [read_table(path, f.ACHIEVEMENT, check_key=False, later=_CODES) for path in paths]
    table = pl.concat(tables)
    wide = _wide(table)
    pairs = (
        table if wide is None else wide.rename({"practice_code": "PRACTICE_CODE", "indicator_code": "INDICATOR_CODE"})
    )
    distinct = {name: _distinct(pairs[name]) for name in _CODES}
    if not all(distinct_fits(distinct[c.name], c) for c in f.ACHIEVEMENT.columns if c.name in _CODES):
        tables = [read_table(path, f.ACHIEVEMENT, check_key=False) for path in paths]  # names it, or strips padding
        table = pl.concat(tables)
        wide = _wide(table)
        codes = wide["indicator_code"] if wide is not None else table["INDICATOR_CODE"]  # each pair's: fewer rows
        distinct = {"INDICATOR_CODE": _distinct(codes)}
    return tables, table, wide, distinct["INDICATOR_CODE"]


def _achievement(paths: list[Path], read: tuple | None, indicators: pl.DataFrame) -> pl.DataFrame:
    """The achievement (one row per practice and indicator) once its indicators are known to the mapping."""
    if read is None:
        return pl.DataFrame()
    tables, table, wide, codes = read
    known = indicators["indicator_code"].implode()
    if not codes.is_in(known).all():
        for path, one in zip(paths, tables, strict=True):
            unknown = one.filter(~pl.col("INDICATOR_CODE").is_in(known))
            if unknown.height:
                code = unknown["INDICATOR_CODE"][0]
                raise IngestError.at(
                    path.name, unknown[LINE][0], 2, f"indicator {code} is not in the MAPPING_INDICATORS file"
                )
    if wide is None:  # a cell given twice: the careful read names the repeated row, else the first value wins
        for path in paths:
            read_table(path, f.ACHIEVEMENT)
        long = table.select(
            pl.col("PRACTICE_CODE").alias("practice_code"),
            pl.col("INDICATOR_CODE").alias("indicator_code"),
            pl.col("MEASURE").cast(pl.String).replace_strict(MEASURE_COLUMNS).alias("measure"),
            pl.col("VALUE").alias("value"),
        )
        wide = long.pivot(
            on="measure", index=["practice_code", "indicator_code"], values="value", aggregate_function="first"
        ).sort("practice_code", "indicator_code")
    missing = [pl.lit(None, pl.Float64).alias(c) for c in ACHIEVEMENT_COLUMNS if c not in wide.columns]
    in_order = pl.col("practice_code").set_sorted()  # every way here gives practice and indicator order
    return wide.with_columns(*missing, in_order).select("practice_code", "indicator_code", *ACHIEVEMENT_COLUMNS)


def _distinct(codes: pl.Series) -> pl.Series:
    """Each code once (nulls left out), from the codes' runs: a practice's pairs run together."""
    return codes.filter(run_starts(codes)).drop_nulls().unique()


def _wide(table: pl.DataFrame) -> pl.DataFrame | None:
    """Long to wide, one row per practice and indicator in code order, by placing each value in its cell of a
    (practice, indicator) x measure grid; None when a cell is given twice."""
    pair, pairs, keys = _in_order(table) or _on_grid(table)
    width = len(ACHIEVEMENT_COLUMNS)
    measure = table["MEASURE"]  # an Enum of the measures (read coded): each row's position among them
    column = np.array([ACHIEVEMENT_COLUMNS.index(MEASURE_COLUMNS[m]) for m in measure.dtype.categories])
    cells = (column * pairs).astype(pair.dtype)[measure.to_physical().to_numpy()]  # measure by measure: each a
    cells += pair  # contiguous column of the grid
    grid = np.full(pairs * width, np.nan)
    grid[cells] = table["VALUE"].to_numpy()  # every value is a number (checked): a cell left NaN was not given
    filled = ~np.isnan(grid)
    if np.count_nonzero(filled) < len(cells):
        return None  # fewer cells than values: a cell given twice
    grid = grid.reshape(width, pairs)
    present = filled.reshape(width, pairs).any(axis=0)
    rows = None if present.all() else np.flatnonzero(present)  # None: every pair has a value (always, in order)
    kept = grid if rows is None else grid[:, rows]
    return pl.DataFrame(
        [*keys(rows), *(pl.Series(name, kept[j], nan_to_null=True) for j, name in enumerate(ACHIEVEMENT_COLUMNS))]
    )


def _in_order(table: pl.DataFrame):
    """(pair of each row, how many pairs, keys of chosen pairs (None: all)) when the file runs in practice and
    indicator order, each pair's measures together (as published): a pair is then a run of rows alike in both
    codes. None otherwise."""
    pair = table.select(pl.struct("PRACTICE_CODE", "INDICATOR_CODE").rle_id()).to_series().to_numpy()
    starts = np.empty(len(pair), dtype=bool)
    starts[:1] = True
    np.not_equal(pair[1:], pair[:-1], out=starts[1:])
    heads = table.select(
        pl.col("PRACTICE_CODE").alias("practice_code"), pl.col("INDICATOR_CODE").alias("indicator_code")
    ).filter(pl.Series(starts))
    if not in_code_order(heads):
        return None
    return pair, heads.height, lambda rows: (heads if rows is None else heads[rows]).get_columns()


def _on_grid(table: pl.DataFrame):
    """(pair of each row, how many pairs, keys of chosen pairs (None: all)) in any order: every practice x every
    indicator."""
    practices = table["PRACTICE_CODE"].unique().sort()
    indicators = table["INDICATOR_CODE"].unique().sort()
    codes = table.select(
        pl.col("PRACTICE_CODE").cast(pl.Enum(practices)).to_physical().cast(pl.Int64) * len(indicators)
        + pl.col("INDICATOR_CODE").cast(pl.Enum(indicators)).to_physical()
    )

    def keys(rows):
        rows = np.arange(len(practices) * len(indicators)) if rows is None else rows
        return (
            practices.gather(rows // len(indicators)).alias("practice_code"),
            indicators.gather(rows % len(indicators)).alias("indicator_code"),
        )

    return codes.to_series().to_numpy(), len(practices) * len(indicators), keys
