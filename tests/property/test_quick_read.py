"""Property: the quick pass (typed parse, whole-column checks, grid pivot) reads exactly what the careful pass
reads, and refuses exactly what it refuses, with the same problems, whatever the cells hold."""

import tempfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from primarycare.economy.vocabulary import QOF_MEASURES
from primarycare.ingest import qof, table
from primarycare.ingest.errors import IngestError
from primarycare.ingest.formats import LISTS
from primarycare.ingest.qof import read_qof
from primarycare.ingest.table import read_table

MAPPING = (
    "INDICATOR_CODE,INDICATOR_DESCRIPTION,INDICATOR_POINT_VALUE,GROUP_CODE,GROUP_DESCRIPTION,DOMAIN_CODE,"
    "DOMAIN_DESCRIPTION,PATIENT_LIST_TYPE\n"
    "AF001,Register,4,AF,Atrial fibrillation,CL,Clinical,TOTAL\n"
    "AF006,Treated,12,AF,Atrial fibrillation,CL,Clinical,TOTAL\n"
    "DM012,Foot check,4,DM,Diabetes,CL,Clinical,17+\n"
)
PRACTICES = ["A81001", "A81002", "B82005", " A81001", "a81001", "", "A8100"]
INDICATORS = ["AF001", "AF006", "DM012", "AF001 ", "XX999", ""]
MEASURES = ["REGISTER", "NUMERATOR", "DENOMINATOR", "PCAS", "EXCEPTIONS", "ACHIEVED_POINTS", " PCAS", "POINTS", ""]
VALUES = ["0", "3", "12.5", "1e2", " 7", "-1", "inf", "nan", "", "x", "4.0"]


def _outcome(read):
    try:
        return "read", read()
    except IngestError as error:
        return "refused", [str(problem) for problem in error.problems]


def _both(read):
    quick = _outcome(read)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(table, "quick_read", lambda *args: None)
        patch.setattr(qof, "_wide", lambda frame: None)
        careful = _outcome(read)
    return quick, careful


def _same(quick, careful):
    assert quick[0] == careful[0]
    if quick[0] == "refused":
        assert quick[1] == careful[1]
    else:
        assert quick[1].equals(careful[1])


def _rows(cells, weights):
    good = st.tuples(*(st.sampled_from(c[:3]) for c in cells))
    any_cell = st.tuples(*(st.sampled_from(c) for c in cells))
    return st.lists(st.one_of(good, good, good, any_cell) if weights else any_cell, min_size=1, max_size=25)


settings_ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings_
@given(rows=_rows([PRACTICES, INDICATORS, MEASURES, VALUES], weights=True))
@example(rows=[("A81001", "XX999", "REGISTER", "3"), ("A81001", "XX999", "REGISTER", "3")])  # unknown and repeated
def test_achievement_reads_the_same_either_way(rows):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "MAPPING_INDICATORS_2324.csv").write_text(MAPPING)
        body = "".join(",".join(row) + "\n" for row in rows)
        (folder / "ACHIEVEMENT_2324.csv").write_text("PRACTICE_CODE,INDICATOR_CODE,MEASURE,VALUE\n" + body)
        quick, careful = _both(lambda: read_qof(folder, "icb").achievement)
    _same(quick, careful)


@settings_
@given(
    rows=_rows(
        [
            ["GP_PRAC_PAT_LIST", " GP_PRAC_PAT_LIST", "", '""'],
            ["01APR2024", "1APR2024", ""],
            ["GP", "", " GP"],
            PRACTICES,
            ["E0001", "", " E0001", '""'],
            ["AB1 2CD", "", " AB1 2CD ", '""'],
            ["MALE", "FEMALE", "ALL", "BOTH", " MALE"],
            ["0_4", "5_9", "ALL", "0-4", "", '""'],
            ["10", "0", "3", "2.0", "-2", "1.5", "", " 4", "many", '""'],
        ],
        weights=True,
    ),
    blanks=st.lists(st.integers(0, 38), max_size=3),
    in_runs=st.booleans(),
)
@example(  # each practice's rows together (as published), one key twice
    rows=[
        ("GP_PRAC_PAT_LIST", "01APR2024", "GP", code, "E0001", "AB1 2CD", "MALE", band, "3")
        for code, band in (("A81001", "0_4"), ("A81001", "5_9"), ("A81001", "0_4"), ("A81002", "0_4"))
    ],
    blanks=[],
    in_runs=True,
)
def test_a_list_file_reads_the_same_either_way(rows, blanks, in_runs):
    """in_runs: each practice's rows together, as a published list's are."""
    if in_runs:
        rows = sorted(rows, key=lambda row: row[3])
    header = "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS"
    _same_either_way(header, rows, LISTS, blanks)


def _same_either_way(header: str, rows, spec, blanks=()) -> None:
    """One file of ``rows`` under ``header`` (with blank lines before the rows at ``blanks``: an empty line, one
    of empty cells, or one of quoted empty cells), read by the quick pass and by the careful one."""
    lines = [",".join(row) for row in rows]
    blank = ("", "," * (len(rows[0]) - 1), ",".join(['""'] * len(rows[0])))
    for position in sorted(blanks, reverse=True):
        lines.insert(min(position, len(lines)), blank[position % 3])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "file.csv"
        path.write_text(header + "\n" + "".join(line + "\n" for line in lines))
        quick, careful = _both(lambda: read_table(path, spec))
    _same(quick, careful)


@settings_
@given(
    cells=st.lists(
        st.tuples(
            st.sampled_from(["A81001", "A81002", "B82005"]),
            st.sampled_from(["AF001", "AF006", "DM012"]),
            st.sampled_from(list(qof.MEASURE_COLUMNS)),
            st.floats(min_value=0, max_value=1e6, allow_nan=False),
        ),
        min_size=1,
        max_size=30,
    ),
    in_order=st.booleans(),
)
def test_a_file_in_practice_and_indicator_order_pivots_as_any_order_does(cells, in_order):
    """The pivot by runs (a published file's order) gives what the pivot on the whole grid gives, repeats too."""
    if in_order:
        cells = sorted(cells, key=lambda cell: cell[:2])
    frame = pl.DataFrame(cells, schema=["PRACTICE_CODE", "INDICATOR_CODE", "MEASURE", "VALUE"], orient="row")
    frame = frame.with_columns(pl.col("MEASURE").cast(pl.Enum(QOF_MEASURES)))  # as the read gives it (coded)
    by_runs = qof._wide(frame)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(qof, "_in_order", lambda frame: None)
        on_grid = qof._wide(frame)
    assert (by_runs is None) == (on_grid is None)
    if by_runs is not None:
        assert by_runs.equals(on_grid)
    if in_order:
        assert qof._in_order(frame) is not None


@settings_
@given(
    rows=_rows(
        [
            PRACTICES,
            ["PMS", "APMS", "GMS", " PMS"],
            ["FIXED", "PER_PATIENT", "fixed"],
            ["500000", "12.5", "0", "-3", "", "x"],
            ["4.75", "", "100", "100.5", "150", "-1", "nan", '""'],
        ],
        weights=True,
    )
)
@example(rows=[("A81001", "PMS", "FIXED", "500000", "")])  # a percentage column left blank throughout
def test_a_percentage_column_reads_the_same_either_way(rows):
    """OOH_DEDUCTION_PCT, a percentage from 0 to 100 (blank allowed), in the local contracts file."""
    from primarycare.payments.files import LOCAL_CONTRACTS

    _same_either_way("PRACTICE_CODE,CONTRACT_TYPE,BASIS,VALUE_GBP,OOH_DEDUCTION_PCT", rows, LOCAL_CONTRACTS)


@settings_
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["A81001", "A81002", "", '"A81001"']),
            st.sampled_from(["FLU", "SHINGLES", '"FLU, LATE"', '"SAY ""FLU"""', ""]),
            st.sampled_from(["12", "0", "", '""', "x"]),
            st.integers(0, 3),  # the fields cut from the row's end (most rows keep every one)
        ).map(lambda row: row[: 3 - (row[3] if row[3] < 3 else 0)]),
        min_size=1,
        max_size=12,
    )
)
@example(rows=[("A81001", "FLU", "12"), ("A81002", "FLU")])  # the last cell, which may be blank, cut off
@example(rows=[("A81001", '"FLU, LATE"')])  # a comma within a quoted cell is not a field's end
def test_a_row_cut_short_is_refused_either_way(rows):
    """ITEMS, the services file's last column, may be blank: a row missing it is still a row cut short, refused
    by both passes naming its line (polars itself reads it as if the cell were blank)."""
    from primarycare.ingest.formats import SERVICES

    _same_either_way("PRACTICE_CODE,SERVICE_CODE,ITEMS", rows, SERVICES)
    short = [line for line, row in enumerate(rows, start=2) if len(row) < 3 and any(c not in ("", '""') for c in row)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "file.csv"
        path.write_text("PRACTICE_CODE,SERVICE_CODE,ITEMS\n" + "".join(",".join(row) + "\n" for row in rows))
        outcome = _outcome(lambda: read_table(path, SERVICES))
    if short:
        assert outcome[0] == "refused" and outcome[1][0].startswith(f"file.csv:{short[0]}:"), outcome
        assert "expected 3 fields" in outcome[1][0]
    else:
        assert not any("fields" in problem for problem in (outcome[1] if outcome[0] == "refused" else []))


@settings_
@given(
    cells=st.lists(
        st.lists(st.text(alphabet=st.sampled_from('ab,"\n '), max_size=6), min_size=3, max_size=3),
        min_size=1,
        max_size=10,
    )
)
def test_only_commas_outside_quoted_cells_are_counted(cells):
    """A file written by Python's csv module (cells quoted where they hold a comma, quote or line end; quotes
    within doubled) has, outside its quoted cells, two commas a row."""
    import csv

    from primarycare.ingest.quick import _separators

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "file.csv"
        with path.open("w", newline="") as handle:
            csv.writer(handle).writerows(cells)
        assert _separators(path) == 2 * len(cells)
