"""Workforce files: a commissioner's own rotas, checked whole, every problem named by file, line and column."""

import numpy as np
import pytest

from primarycare.simulation.rotas import HEADER, WorkforceError, read_workforce

GOOD = [("00A", "assessment", hour, 2 if hour < 100 else 3) for hour in range(168)]


def write(path, rows, header=None, bom=False):
    text = (header or ",".join(HEADER)) + "\n" + "".join(",".join(str(c) for c in row) + "\n" for row in rows)
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return path


def test_a_good_file_gives_each_commissioner_its_rotas(tmp_path):
    rotas = read_workforce(write(tmp_path / "w.csv", GOOD, bom=True))
    assert list(rotas) == ["00A"] and list(rotas["00A"]) == ["assessment"]
    assert np.array_equal(rotas["00A"]["assessment"], [2] * 100 + [3] * 68)


BAD = [
    ("header", GOOD, "COMMISSIONER,STATION,HOUR,SERVERS", "line 1: the header must be"),
    ("station", [("00A", "triage", 0, 1)], None, "line 2, column STATION: 'triage' is not one of"),
    ("hour", [("00A", "assessment", 168, 1)], None, "line 2, column HOUR_OF_WEEK: 168 is not 0-167"),
    ("servers", [*GOOD[:5], ("00A", "assessment", 5, "two")], None, "line 7, column SERVERS: 'two' is not a whole"),
    ("negative", [("00A", "assessment", 0, -1)], None, "line 2, column SERVERS: '-1' is not a whole"),
    ("twice", [*GOOD[:3], GOOD[1]], None, "line 5: 00A assessment hour 1 given twice"),
    ("missing", GOOD[:100] + GOOD[101:], None, "00A assessment: no row for hour 100 (all 168 needed)"),
    ("columns", [("00A", "assessment", 0)], None, "line 2: 4 columns expected, found 3"),
    ("empty", [("", "assessment", 0, 1)], None, "line 2, column COMMISSIONER_CODE: empty"),
]


@pytest.mark.parametrize(("what", "rows", "header", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_are_refused_naming_file_line_and_column(tmp_path, what, rows, header, message):
    path = write(tmp_path / "workforce.csv", rows, **({"header": header} if header else {}))
    with pytest.raises(WorkforceError) as refused:
        read_workforce(path)
    assert str(refused.value).startswith("workforce.csv: ") and message in str(refused.value)


def test_a_file_that_is_not_utf8_is_refused_naming_it(tmp_path):
    path = write(tmp_path / "workforce.csv", GOOD[:3])
    path.write_bytes(path.read_bytes().replace(b"00A", b"\xff0A", 1))
    with pytest.raises(WorkforceError, match="workforce.csv: not UTF-8 text"):
        read_workforce(path)


def test_blank_lines_carry_nothing(tmp_path):
    path = write(tmp_path / "w.csv", GOOD)
    lines = path.read_text().split("\n")
    path.write_text("\n".join([*lines[:3], "", ",,,", *lines[3:], "", ""]))
    assert np.array_equal(read_workforce(path)["00A"]["assessment"], [2] * 100 + [3] * 68)
