"""Patient attributes as tables: the deprivation gradient (the most deprived tenth has the given ratio to the
least, England averages 1, fifths in between; unknown practices take England's average; the file is checked naming
line and column) and the consultation rate by sex."""

import math

import numpy as np
import pytest

from primarycare.ingest.errors import IngestError
from primarycare.ingest.practice_files import read_deprivation
from primarycare.simulation.deprivation import multipliers, practice_multipliers


@pytest.mark.parametrize("ratio", [1.0, 1.5, 2.0, 3.0])
def test_the_extreme_tenths_keep_the_ratio_and_england_averages_one(ratio):
    tenths = multipliers(ratio, parts=10)
    assert tenths[0] / tenths[-1] == pytest.approx(ratio)
    assert tenths.mean() == pytest.approx(1.0)
    assert multipliers(ratio).mean() == pytest.approx(1.0)  # fifths: equal shares of England


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        # beta = ln 2 / 0.9 = 0.7702; a fifth's mean of exp(-beta x) over its fifth, over England's mean
        (2.0, [1.3290, 1.1393, 0.9767, 0.8372, 0.7177]),
        (1.0, [1.0, 1.0, 1.0, 1.0, 1.0]),
    ],
)
def test_fifths_worked_by_hand(ratio, expected):
    beta = math.log(ratio) / 0.9 if ratio != 1.0 else 0.0
    if beta:
        england = (1 - math.exp(-beta)) / beta
        by_hand = [(math.exp(-beta * f / 5) - math.exp(-beta * (f + 1) / 5)) * 5 / beta / england for f in range(5)]
        assert by_hand == pytest.approx(expected, abs=1e-4)
    assert multipliers(ratio) == pytest.approx(expected, abs=1e-4)


def test_unknown_practices_take_englands_average():
    assert practice_multipliers(np.array([0, 1, 5, 0]), 2.0) == pytest.approx(
        [1.0, multipliers(2.0)[0], multipliers(2.0)[4], 1.0]
    )


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("PRACTICE_CODE,DEPRIVATION_FIFTH\nA00001,6\n", 2, 2),
        ("PRACTICE_CODE,DEPRIVATION_FIFTH\nA00001,1\nnot-a-code,2\n", 3, 1),
        ("PRACTICE_CODE,DEPRIVATION_FIFTH\nA00001,1\nA00001,2\n", 3, 1),
        ("PRACTICE_CODE,FIFTH\nA00001,1\n", 1, 2),
    ],
)
def test_a_bad_deprivation_file_is_refused_by_line_and_column(tmp_path, text, line, column):
    path = tmp_path / "deprivation.csv"
    path.write_text(text)
    with pytest.raises(IngestError) as error:
        read_deprivation(path)
    problem = error.value.problems[0]
    assert (problem.file, problem.line, problem.column) == ("deprivation.csv", line, column)


def test_a_good_deprivation_file(tmp_path):
    path = tmp_path / "deprivation.csv"
    path.write_text("PRACTICE_CODE,DEPRIVATION_FIFTH\nA00001,1\nA00002,5\n")
    assert read_deprivation(path).rows() == [("A00001", 1), ("A00002", 5)]


@pytest.mark.parametrize(
    ("share", "ratio", "expected"),
    [
        (0.5, 1.3, 1.0),  # half female: the national rate
        (1.0, 1.3, 2 * 1.3 / 2.3),  # all female: 1.1304
        (0.0, 1.3, 2 / 2.3),  # all male: 0.8696
        (0.75, 1.0, 1.0),  # no difference between the sexes
    ],
)
def test_sex_factor_by_hand(share, ratio, expected):
    from primarycare.simulation.model import sex_factor

    assert sex_factor(np.array([share]), ratio)[0] == pytest.approx(expected)
