"""Measures on small hand-made data: values, percent ranks and deciles worked by hand; change detection on series
with a known change point; the money at stake and half of the variation."""

from pathlib import Path

import polars as pl
import pytest

from primarycare.measures.attention import half_of_variation, needs_attention
from primarycare.measures.change import ChangeRule, changes, cusum
from primarycare.measures.compute import evaluate
from primarycare.measures.definition import Measure, MeasureError, check_folder, load_measure

RATE = Measure("rate", "Rate", "d", "w", "s", "qof_achieved_points", "qof_maximum_points", False, None)
LOW = Measure("low", "Low", "d", "w", "s", "ooh_cases", "list_patients", True, None, scale=1000.0, money=None)


def _quantities(rows):
    return pl.DataFrame(rows, schema=["practice_code", "year", "quantity", "value"], orient="row")


def _practices(codes, year="2023-24", network="N1", commissioner="C1"):
    rows = [(year, code, network, commissioner) for code in codes]
    return pl.DataFrame(rows, schema=["year", "practice_code", "network_code", "commissioner_code"], orient="row")


# Five practices: achieved points over 100 available. Values 10, 20, 20, 40, 80 (%).
FIVE = [("A00001", 10), ("A00002", 20), ("A00003", 20), ("A00004", 40), ("A00005", 80)]


def _five():
    rows = []
    for code, points in FIVE:
        rows += [
            (code, "2023-24", "qof_achieved_points", float(points)),
            (code, "2023-24", "qof_maximum_points", 100.0),
        ]
    return _quantities(rows)


@pytest.mark.parametrize(
    ("code", "value", "percentile"),
    [
        ("A00001", 10.0, 0.0),  # rank 1 of 5: (1 - 1) / 4
        ("A00002", 20.0, 25.0),  # ties share the lowest rank, 2
        ("A00003", 20.0, 25.0),
        ("A00004", 40.0, 75.0),  # rank 4
        ("A00005", 80.0, 100.0),
    ],
)
def test_percent_rank_by_hand(code, value, percentile):
    values = evaluate(_five(), (RATE,), _practices([c for c, _ in FIVE])).values
    row = values.filter((pl.col("kind") == "practice") & (pl.col("code") == code)).row(0, named=True)
    assert row["value"] == pytest.approx(value)
    assert row["percentile"] == pytest.approx(percentile)


@pytest.mark.parametrize(
    ("decile", "expected"),
    [
        # sorted 10, 20, 20, 40, 80; position q × 4, interpolated linearly
        (10, 14.0),  # 0.4: 10 + 0.4 × 10
        (20, 18.0),  # 0.8
        (30, 20.0),  # 1.2: between 20 and 20
        (50, 20.0),  # 2.0
        (60, 28.0),  # 2.4: 20 + 0.4 × (40 - 20)
        (70, 36.0),  # 2.8: 20 + 0.8 × 20
        (80, 48.0),  # 3.2: 40 + 0.2 × 40
        (90, 64.0),  # 3.6
    ],
)
def test_deciles_by_hand(decile, expected):
    lines = evaluate(_five(), (RATE,), _practices([c for c, _ in FIVE])).lines
    row = lines.filter((pl.col("kind") == "practice") & (pl.col("percentile") == decile))
    assert row["value"].item() == pytest.approx(expected)


def test_organisations_sum_numerators_and_denominators():
    quantities = _quantities(
        [
            ("A00001", "2023-24", "ooh_cases", 10.0),
            ("A00001", "2023-24", "list_patients", 1000.0),
            ("A00002", "2023-24", "ooh_cases", 30.0),
            ("A00002", "2023-24", "list_patients", 3000.0),
            ("A00003", "2023-24", "ooh_cases", 5.0),  # no list: no value, and not in its network's sums
        ]
    )
    values = evaluate(quantities, (LOW,), _practices(["A00001", "A00002", "A00003"])).values
    network = values.filter(pl.col("kind") == "network").row(0, named=True)
    assert (network["numerator"], network["denominator"], network["value"]) == (40.0, 4000.0, 10.0)
    assert values.filter(pl.col("kind") == "practice").height == 2


def test_a_measure_applies_only_to_its_years():
    only = Measure("r", "R", "d", "w", "s", "qof_achieved_points", "qof_maximum_points", False, ("2022-23",))
    assert evaluate(_five(), (only,), _practices([c for c, _ in FIVE])).values.is_empty()


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        ([50, 50, 50, 50, 50, 50], None),  # steady
        ([50, 52, 48, 51, 49, 50, 52], None),  # noise within k
        ([50, 50, 50, 50, 20, 20, 20], ("down", 4)),  # a fall of 30 at period 4: 30 - 2.5 = 27.5 > 20 at once
        ([50, 50, 50, 40, 40, 40, 40], ("down", 5)),  # a fall of 10: sums 7.5, 15, 22.5: the third period
        ([20, 20, 60, 60], ("up", 2)),  # a rise of 40: 37.5 > 20 at once
    ],
)
def test_cusum_finds_the_change_point(series, expected):
    rule = ChangeRule(reference_periods=2, k=0.5, h=4.0, minimum_sigma=2.0)
    found = cusum([float(x) for x in series], sigma=5.0, rule=rule)  # k·σ = 2.5, h·σ = 20
    assert (found.direction, found.period) == expected if expected else found is None


def test_cusum_step_by_step():
    # level 50; falls of 10: low sums 7.5, 15, 22.5 (> 20 at the third period after the change)
    found = cusum([50.0, 50.0, 50.0, 40.0, 40.0, 40.0, 40.0], 5.0, ChangeRule(2, 0.5, 4.0, 2.0))
    assert found.period == 5 and found.size == pytest.approx(-10.0)


def test_changes_name_worsening_by_the_measures_direction():
    rows = []
    for i, year in enumerate(("2019-20", "2020-21", "2021-22", "2022-23", "2023-24")):
        for n in range(20):
            percentile = float(n * 5) if n != 0 or i < 2 else 95.0  # practice 0 climbs from the bottom to the top
            rows.append(("rate", year, "practice", f"A{n:05d}", 1.0, 1.0, 1.0, percentile))
    values = pl.DataFrame(
        rows,
        schema=["measure", "year", "kind", "code", "numerator", "denominator", "value", "percentile"],
        orient="row",
    )
    rule = ChangeRule(2, 0.5, 4.0, 2.0)
    high_good = changes(values, {"rate": False}, rule)
    assert high_good.rows() == [("rate", "practice", "A00000", "improving", "2021-22", 95.0)]
    low_good = changes(values, {"rate": True}, rule)
    assert low_good["change"].to_list() == ["worsening"]


def test_money_at_stake_and_attention():
    per_point = pl.DataFrame({"practice_code": ["A00001"], "year": ["2023-24"], "gbp_per_point": [200.0]})
    money = Measure(
        "rate", "Rate", "d", "w", "s", "qof_achieved_points", "qof_maximum_points", False, None, money="qof_points"
    )
    values = evaluate(_five(), (money,), _practices([c for c, _ in FIVE]), per_point).values
    first = values.filter((pl.col("kind") == "practice") & (pl.col("code") == "A00001")).row(0, named=True)
    # median 20%: A00001 is 10 points short of it on 100 available, at £200 a point
    assert first["money_gbp"] == pytest.approx(2000.0)
    items = needs_attention(
        values, changes(values, {"rate": False}, ChangeRule()), (money,), {"practice": ["A00001", "A00004"]}
    )
    assert items["code"].to_list() == ["A00001"] and items["worst_decile"].to_list() == [True]


@pytest.mark.parametrize(
    ("values", "denominators", "low_is_good", "expected"),
    [
        ([10, 20, 20, 40, 80], [100] * 5, False, (1, 5)),  # shortfalls 10, 0, 0, 0, 0
        ([10, 20, 20, 40, 80], [100] * 5, True, (1, 5)),  # excesses 0, 0, 0, 20, 60: 60 ≥ 40
        ([30, 40, 50, 60, 70], [100] * 5, True, (1, 5)),  # excesses 10, 20: 20 ≥ 15
        ([1, 2, 3, 10, 10, 10, 10], [1] * 7, False, (2, 7)),  # shortfalls 9, 8, 7: 9 < 12, 17 ≥ 12
        ([5, 5, 5], [1, 1, 1], False, (0, 3)),  # no variation
    ],
)
def test_half_of_the_variation(values, denominators, low_is_good, expected):
    frame = pl.DataFrame({"value": [float(v) for v in values], "denominator": [float(d) for d in denominators]})
    assert half_of_variation(frame, low_is_good) == expected


def test_measure_files_are_checked_naming_file_and_field(tmp_path: Path):
    good = (Path(__file__).parents[2] / "src/primarycare/measures/data/measures/qof_overall.toml").read_text()
    (tmp_path / "good.toml").write_text(good)
    (tmp_path / "no_source.toml").write_text(good.replace("source =", "origin ="))
    (tmp_path / "bad_quantity.yaml").write_text(
        "name: X\ndescription: d\nwhy_it_matters: w\nsource: s\nnumerator: patients_seen\n"
        "denominator: list_patients\nlow_is_good: true\nyears: all\n"
    )
    (tmp_path / "bad_years.toml").write_text(good.replace('years = "all"', 'years = ["2023/24"]'))
    measures, problems = check_folder(tmp_path)
    assert [m.id for m in measures] == ["good"]
    assert sorted(problems) == [
        "bad_quantity.yaml: field 'numerator': unknown quantity 'patients_seen'; quantities: "
        + ", ".join(__import__("primarycare.measures.quantities", fromlist=["QUANTITIES"]).QUANTITIES),
        "bad_years.toml: field 'years': financial year must look like 2023-24, got '2023/24'",
        "no_source.toml: field 'source': missing (a measure needs name, description, why_it_matters, source, "
        "numerator, denominator, low_is_good, years)",
    ]
    with pytest.raises(MeasureError, match="bad.toml: not valid TOML"):
        (tmp_path / "bad.toml").write_text("name = ")
        load_measure(tmp_path / "bad.toml")


def test_measure_files_of_another_shape_or_encoding_are_refused(tmp_path: Path):
    good = (Path(__file__).parents[2] / "src/primarycare/measures/data/measures/qof_overall.toml").read_text()
    listed = tmp_path / "listed.toml"
    listed.write_text("\n".join("numerator = ['a']" if x.startswith("numerator") else x for x in good.splitlines()))
    with pytest.raises(MeasureError, match="listed.toml: field 'numerator': unknown quantity \\['a'\\]"):
        load_measure(listed)
    for name in ("latin.toml", "latin.yaml"):
        (tmp_path / name).write_bytes(b"\xff\xfe" + good.encode())
        with pytest.raises(MeasureError, match=f"{name}: not"):
            load_measure(tmp_path / name)
