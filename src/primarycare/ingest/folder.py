"""Read a folder of published (or synthetic) files into one Economy. Nothing is returned unless every file is good."""

from concurrent.futures import ThreadPoolExecutor
from itertools import starmap
from pathlib import Path

import polars as pl

from primarycare.economy.model import Commissioner, Economy, Network, Practice, run_starts
from primarycare.economy.vocabulary import year_from_suffix
from primarycare.ingest import formats as f
from primarycare.ingest.errors import IngestError, Problem
from primarycare.ingest.qof import read_qof
from primarycare.ingest.table import LINE, header_names, read_table

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def read_folder(folder: Path, year: str | None = None) -> Economy:
    folder = Path(folder)
    if not folder.is_dir():
        raise IngestError.at(str(folder), 1, 1, "no such folder")
    for required in (f.LISTS_FILE, f.MAP_FILE):
        if not (folder / required).is_file():
            raise IngestError.at(required, 1, 1, f"required file not found in {folder}")
    era = _era_of_map(folder / f.MAP_FILE)
    with ThreadPoolExecutor(max_workers=1) as side:  # QOF's files (the largest) read beside the practices' files
        reading_qof = side.submit(read_qof, folder, era)
        tables, problems, parts, late = _practice_economy(folder, era)
    try:
        qof = reading_qof.result()
    except IngestError as error:
        problems.extend(error.problems)
    if problems:  # every file's problems, in the files' usual order, before any problem between files
        raise IngestError(problems)
    year = _choose_year(year, qof.year if qof else None, tables["lists"])
    if late is not None:
        raise late
    return Economy(
        year=year,
        era=era,
        extract_date=tables["lists"]["EXTRACT_DATE"][0],
        **parts,
        indicators=qof.indicators if qof else pl.DataFrame(),
        achievement=qof.achievement if qof else pl.DataFrame(),
        prevalence=qof.prevalence if qof else pl.DataFrame(),
    )


_READS = {  # the practices' files, in the order their problems are named
    "lists": lambda folder, era: read_table(folder / f.LISTS_FILE, f.LISTS),
    "map": lambda folder, era: read_table(folder / f.MAP_FILE, f.MAPS[era][0]),
    "ods": lambda folder, era: _optional(folder / f.ODS_FILE, lambda p: read_table(p, f.ODS, header=False)),
    "contracts": lambda folder, era: _optional(folder / f.CONTRACTS_FILE, lambda p: read_table(p, f.CONTRACTS)),
    "services": lambda folder, era: _optional(folder / f.SERVICES_FILE, lambda p: read_table(p, f.SERVICES)),
}


def _practice_economy(folder: Path, era: str) -> tuple[dict, list[Problem], dict | None, IngestError | None]:
    """The files about practices, each read and checked on its own, and what they say together (checked against
    one another): (tables, every file's problems, the economy's parts or None, the first problem between files).

    The map, practice and contract files are read on a side thread, which then makes the practices (Python
    objects) while the lists (the largest file) are still being parsed."""
    tables: dict[str, pl.DataFrame | None] = {}
    problems: dict[str, list[Problem]] = {}

    def read(label: str) -> None:
        try:
            tables[label] = _READS[label](folder, era)
        except IngestError as error:
            tables[label], problems[label] = None, error.problems

    def entities() -> dict | IngestError | None:
        for label in ("map", "ods", "contracts"):
            read(label)
        if any(label in problems for label in ("map", "ods", "contracts")):
            return None
        try:
            return _entities(tables, era)
        except IngestError as error:  # named after any problem in the lists (the order it was always asked in)
            return error

    with ThreadPoolExecutor(max_workers=1) as side:
        making = side.submit(entities)
        read("lists")
        read("services")
        made = making.result()
    if problems:
        return tables, [p for label in _READS for p in problems.get(label, [])], None, None
    codes = set(tables["map"]["PRACTICE_CODE"])
    try:  # each check between files in the order it was always asked
        lists = _lists(tables["lists"], codes)
        if isinstance(made, IngestError):
            raise made
        services = _services(tables["services"], codes)
    except IngestError as error:
        return tables, [], None, error
    return tables, [], {**made, "lists": lists, "services": services}, None


def _entities(tables: dict[str, pl.DataFrame | None], era: str) -> dict:
    """The economy's commissioners, networks and practices (the contracts checked against the map)."""
    _, commissioner_columns, parent_columns = f.MAPS[era]
    mapping = tables["map"]
    contracts = _contracts(tables["contracts"], mapping, commissioner_columns[0])
    return {
        "commissioners": _commissioners(mapping, commissioner_columns, parent_columns, contracts),
        "networks": _networks(mapping, commissioner_columns[0]),
        "practices": _practices(mapping, commissioner_columns[0], tables["ods"], contracts),
    }


def _optional(path: Path, read):
    return read(path) if path.is_file() else None


def _era_of_map(path: Path) -> str:
    columns = header_names(path)
    eras = {f.ERA_MARKERS[c]: c for c in columns if c in f.ERA_MARKERS}
    if len(eras) > 1:
        column = columns.index(eras["ccg"]) + 1
        raise IngestError.at(path.name, 1, column, "files of mixed eras: CCG-era and sub-ICB-era columns together")
    if not eras:
        raise IngestError.at(path.name, 1, 1, "missing column 'SUB_ICB_LOCATION_CODE' (or 'CCG_CODE' before 2022)")
    return next(iter(eras))


def _choose_year(asked: str | None, from_qof: str | None, lists: pl.DataFrame) -> str:
    if asked and from_qof and asked != from_qof:
        raise IngestError.at(f"{f.ACHIEVEMENT_PREFIX}*.csv", 1, 1, f"QOF files are for {from_qof}, not {asked}")
    if asked or from_qof:
        return asked or from_qof
    extract = lists["EXTRACT_DATE"][0]
    month, calendar_year = _MONTHS.index(extract[2:5]) + 1, int(extract[5:])
    start = calendar_year if month >= 4 else calendar_year - 1
    return year_from_suffix(f"{start % 100:02d}{(start + 1) % 100:02d}")


def _lists(lists: pl.DataFrame, practices: set[str]) -> pl.DataFrame:
    codes = lists["ORG_CODE"]  # each run's code is asked (a practice's rows run together): every code is one
    if not codes.filter(run_starts(codes)).is_in(list(practices)).all():
        strangers = lists.filter(~pl.col("ORG_CODE").is_in(list(practices)))
        line = strangers[LINE][0]
        raise IngestError.at(f.LISTS_FILE, line, 4, f"practice {strangers['ORG_CODE'][0]} is not in {f.MAP_FILE}")
    lists = lists.select("ORG_CODE", "SEX", "AGE_GROUP_5", "NUMBER_OF_PATIENTS")  # the columns used (a third)
    lists = lists.filter(pl.col("SEX") != "ALL", pl.col("AGE_GROUP_5") != "ALL")  # read coded (Enums)
    return pl.DataFrame(
        [
            lists["ORG_CODE"].alias("practice_code"),
            as_text(lists["SEX"]).alias("sex"),
            as_text(lists["AGE_GROUP_5"]).alias("age_band"),
            lists["NUMBER_OF_PATIENTS"].alias("patients"),
        ]
    )


def as_text(coded: pl.Series) -> pl.Series:
    """An Enum column as text: its categories gathered by each value's code (a sixth of the time of polars' cast
    to String, which builds each value's text anew)."""
    return pl.Series(coded.name, coded.dtype.categories).gather(coded.to_physical())


def _services(services: pl.DataFrame | None, practices: set[str]) -> pl.DataFrame:
    if services is None:
        return pl.DataFrame()
    strangers = services.filter(~pl.col("PRACTICE_CODE").is_in(list(practices)))
    if strangers.height:
        code = strangers["PRACTICE_CODE"][0]
        raise IngestError.at(f.SERVICES_FILE, strangers[LINE][0], 1, f"practice {code} is not in {f.MAP_FILE}")
    return services.select(
        pl.col("PRACTICE_CODE").alias("practice_code"),
        pl.col("SERVICE_CODE").alias("service_code"),
        pl.col("ITEMS").alias("items"),
    )


def _contracts(contracts: pl.DataFrame | None, mapping: pl.DataFrame, commissioner: str) -> pl.DataFrame | None:
    if contracts is None:
        return None
    joined = contracts.join(
        mapping.select("PRACTICE_CODE", pl.col(commissioner).alias("_map_commissioner"), pl.col("PCN_CODE")),
        on="PRACTICE_CODE",
        how="left",
    )
    checks = (
        (pl.col("_map_commissioner").is_null(), 1, "practice {PRACTICE_CODE} is not in " + f.MAP_FILE),
        (
            pl.col("_map_commissioner") != pl.col("COMMISSIONER"),
            5,
            "COMMISSIONER {COMMISSIONER} differs from " + f.MAP_FILE + " ({_map_commissioner})",
        ),
        (
            ~pl.col("NETWORK").eq_missing(pl.col("PCN_CODE")),
            4,
            "NETWORK {NETWORK} differs from PCN_CODE {PCN_CODE} in " + f.MAP_FILE,
        ),
        (
            ~pl.col("CO_COMMISSIONING_LEVEL").eq_missing(pl.col("CO_COMMISSIONING_LEVEL").first().over("COMMISSIONER")),
            6,
            "commissioner {COMMISSIONER} has more than one CO_COMMISSIONING_LEVEL",
        ),
    )
    problems = []
    for failing, column, message in checks:
        bad = joined.filter(failing.fill_null(False))
        if bad.height:
            row = bad.row(0, named=True)
            problems.append(Problem(f.CONTRACTS_FILE, row[LINE], column, message.format(**row)))
    if problems:
        raise IngestError(sorted(problems, key=lambda p: (p.line, p.column)))
    return contracts


def _commissioners(mapping, code_names, parent_names, contracts) -> tuple[Commissioner, ...]:
    levels = {}
    if contracts is not None:
        levels = dict(contracts.select("COMMISSIONER", "CO_COMMISSIONING_LEVEL").unique("COMMISSIONER").iter_rows())
    rows = mapping.select(*code_names, *parent_names).unique(code_names[0], keep="first").sort(code_names[0])
    return tuple(
        Commissioner(code, name, parent or "", parent_name or "", levels.get(code))
        for code, name, parent, parent_name in rows.iter_rows()
    )


def _networks(mapping: pl.DataFrame, commissioner: str) -> tuple[Network, ...]:
    rows = (
        mapping.filter(pl.col("PCN_CODE").is_not_null())
        .select("PCN_CODE", "PCN_NAME", commissioner)
        .unique("PCN_CODE", keep="first")
        .sort("PCN_CODE")
    )
    return tuple(Network(code, name or code, owner) for code, name, owner in rows.iter_rows())


def _practices(mapping, commissioner: str, ods, contracts) -> tuple[Practice, ...]:
    frame = mapping.select("PRACTICE_CODE", "PRACTICE_NAME", "PRACTICE_POSTCODE", commissioner, "PCN_CODE")
    if ods is not None:
        frame = frame.join(ods.select(pl.col("CODE").alias("PRACTICE_CODE"), "STATUS"), on="PRACTICE_CODE", how="left")
    else:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("STATUS"))
    if contracts is not None:
        frame = frame.join(
            contracts.select("PRACTICE_CODE", "CONTRACT_TYPE", "OOH_OPTED_OUT"),
            on="PRACTICE_CODE",
            how="left",
        )
    else:
        frame = frame.with_columns(
            pl.lit(None, pl.String).alias("CONTRACT_TYPE"), pl.lit(None, pl.String).alias("OOH_OPTED_OUT")
        )
    rows = frame.sort("PRACTICE_CODE").select(  # in Practice's order of fields
        "PRACTICE_CODE",
        "PRACTICE_NAME",
        pl.col("PRACTICE_POSTCODE").fill_null(""),
        commissioner,
        "PCN_CODE",
        "CONTRACT_TYPE",
        pl.col("OOH_OPTED_OUT") == "Y",  # not given: None
        pl.col("STATUS").fill_null("A"),
    )
    return tuple(starmap(Practice, rows.iter_rows()))
