"""Spec: the published worked examples and the national rules, as tables, through both engines."""

from dataclasses import replace

import polars as pl
import pytest

from primarycare.ingest.folder import read_folder
from primarycare.ingest.synth.files import write_synthetic
from primarycare.payments.errors import PaymentsError
from primarycare.payments.inputs import PaymentInputs
from primarycare.payments.national import national_lines
from primarycare.payments.parameters import national_parameters
from primarycare.payments.points import points_from_achievement
from primarycare.payments.qof import qof_values
from primarycare.payments.rates import service_rates
from primarycare.payments.reference import reference_lines

from .payment_economy import flat, one_practice


def both_engines(inputs: PaymentInputs) -> dict[tuple[str, str], int]:
    fast = {(c, i): p for _, c, i, p, _ in national_lines(inputs).iter_rows()}
    slow = {(c, i): p for _, c, i, p in reference_lines(inputs)}
    assert fast == slow
    return fast


# Worked QOF examples (payments.md §1), with their stated rounding: CPI and APDF to 2 decimal places.
# (what, year, list, AF register, national AF prevalence, points, expected £)
QOF_EXAMPLES = [
    # 2022/23: £207.56, average list 9,374, list 16,000 (CPI 1.71), prevalence 3.05% vs 2.1% (APDF 1.45), 29 points
    ("LMC worked example 2022/23", "2022-23", 16_000, 488, 0.021, 29, 14_924.71),
    # illustrative: 12 points (20-point indicator, LT 45%, UT 70%, achievement 60%) at £220.62, CPI 1.2, APDF 0.9
    ("illustrative 2024/25", "2024-25", 11_957, 215, 0.02, points_from_achievement(60, 45, 70, 20), 2_859.24),
]


@pytest.mark.parametrize(
    ("what", "year", "patients", "register", "national", "points", "pounds"),
    QOF_EXAMPLES,
    ids=[e[0] for e in QOF_EXAMPLES],
)
def test_published_qof_examples(what, year, patients, register, national, points, pounds):
    inputs = PaymentInputs(
        one_practice(year=year, patients=patients, register=register, points=points),
        national_parameters(year),
        service_rates(year),
        national_prevalence={"AF": national},
        round_factors=2,
    )
    assert both_engines(inputs)[("QOF", "AF008")] == round(pounds * 100)


# (list achievement %, lower %, upper %, maximum points, expected points)
THRESHOLDS = [
    (60, 45, 70, 20, 12),
    (45, 45, 70, 20, 0),
    (30, 45, 70, 20, 0),
    (70, 45, 70, 20, 20),
    (95, 45, 70, 20, 20),
    (57.5, 45, 70, 29, 14.5),
]


@pytest.mark.parametrize(("achievement", "lower", "upper", "maximum", "expected"), THRESHOLDS)
def test_points_between_thresholds(achievement, lower, upper, maximum, expected):
    assert points_from_achievement(achievement, lower, upper, maximum) == pytest.approx(expected)


# Enhanced services: (year, service, items, expected pence) for a list of 2,000 patients
SERVICES = [
    ("2014-15", "AVOIDING_ADMISSIONS", None, 574_000),  # £2.87 per patient
    ("2016-17", "LD_HEALTH_CHECK", 10, 116_000),  # £116 per check
    ("2017-18", "LD_HEALTH_CHECK", 10, 140_000),  # £140 from 2017/18
    ("2023-24", "PCN_PARTICIPATION", None, 352_200),  # £1.761 per weighted patient
    ("2019-20", "VACCINATION", 100, 100_600),  # £10.06 per item
]


@pytest.mark.parametrize(("year", "service", "items", "expected"), SERVICES)
def test_enhanced_services(year, service, items, expected):
    inputs = PaymentInputs(
        one_practice(year=year, patients=2_000, services=[(service, items)]),
        flat(year),  # weighted list = registered list
        service_rates(year),
    )
    lines = both_engines(inputs)
    assert [p for (c, _), p in lines.items() if c == "ENHANCED_SERVICE"] == [expected]


def test_per_item_service_without_items_is_refused():
    inputs = PaymentInputs(
        one_practice(year="2023-24", patients=10, services=[("VACCINATION", None)]),
        national_parameters("2023-24"),
        service_rates("2023-24"),
    )
    with pytest.raises(PaymentsError, match="ITEMS is missing for VACCINATION"):
        national_lines(inputs)


def test_service_without_a_rate_that_year_is_refused():
    inputs = PaymentInputs(
        one_practice(year="2023-24", patients=10, services=[("EXTENDED_HOURS", None)]),
        national_parameters("2023-24"),
        service_rates("2023-24"),
    )
    with pytest.raises(PaymentsError, match="no rate for enhanced service EXTENDED_HOURS in 2023-24"):
        national_lines(inputs)


def test_a_year_without_parameters_is_refused():
    with pytest.raises(PaymentsError, match="no national parameters for 2012-13"):
        national_parameters("2012-13")


def test_aspiration_is_the_years_share_of_last_years_value():
    prior = PaymentInputs(
        one_practice(year="2023-24", patients=9_639, register=200, points=29),
        national_parameters("2023-24"),
        service_rates("2023-24"),
    )
    current = PaymentInputs(
        one_practice(year="2024-25", patients=9_964, register=200, points=20),
        national_parameters("2024-25"),
        service_rates("2024-25"),
        prior=prior,
    )
    lines = both_engines(current)
    prior_value = both_engines(prior)[("QOF", "AF008")]
    assert prior_value == 618_947  # 29 x £213.43 x CPI 1 x APDF 1
    assert lines[("QOF_ASPIRATION", "aspiration payment")] == round(prior_value * 0.80)  # 80% from 2024/25
    assert lines[("QOF_ACHIEVEMENT", "less aspiration paid")] == -round(prior_value * 0.80)
    assert lines[("QOF_ACHIEVEMENT", "AF008")] == 441_240  # 20 x £220.62


# A scheme's own thresholds: points from NUMERATOR / DENOMINATOR. (numerator, denominator, lower, upper, points)
THRESHOLD_POINTS = [(60, 100, 45, 70, 17.4), (45, 100, 45, 70, 0.0), (80, 100, 45, 70, 29.0), (0, 0, 45, 70, 0.0)]


@pytest.mark.parametrize(("numerator", "denominator", "lower", "upper", "points"), THRESHOLD_POINTS)
def test_points_from_a_schemes_thresholds(numerator, denominator, lower, upper, points):
    economy = one_practice(
        year="2023-24", patients=9_639, register=200, points=29, numerator=numerator, denominator=denominator
    )
    inputs = PaymentInputs(
        economy, national_parameters("2023-24"), service_rates("2023-24"), thresholds={"AF008": (lower, upper)}
    )
    expected = round(points * 213.43 * 100)  # CPI 1 and APDF 1: the whole economy is this practice
    assert both_engines(inputs).get(("QOF", "AF008"), 0) == expected


def test_qof_values_run_in_practice_and_indicator_order_whatever_order_the_achievement_is_in(tmp_path):
    """The achievement as read is in code order (the values keep it without sorting); one from the database may be
    in any order (they are sorted)."""
    write_synthetic(tmp_path, practices=12, seed=3, year="2023-24")
    economy = read_folder(tmp_path)
    inputs = PaymentInputs(economy, national_parameters("2023-24"), service_rates("2023-24"))
    shuffled = replace(economy, achievement=economy.achievement.sample(fraction=1.0, shuffle=True, seed=5))
    values = qof_values(inputs)
    assert values.height > 100
    assert values.equals(values.sort("practice_code", "indicator_code"))
    assert qof_values(replace(inputs, economy=shuffled)).equals(values)


def test_qof_where_a_list_a_register_row_or_a_national_prevalence_is_missing():
    """Each line's CPI and APDF found by position: a practice with no list has CPI 0, one with no row for the
    register APDF 0; an indicator whose register has no national prevalence, or which the mapping does not hold,
    is paid without APDF. Both engines, and the pence worked out here."""
    base = one_practice(year="2023-24", patients=1_000, register=30, points=20)
    achievement = pl.DataFrame(
        [
            ("A81001", "AF008", 20.0),
            ("A81001", "XX001", 5.0),
            ("A81001", "ZZ999", 3.0),
            ("A81002", "AF008", 10.0),
            ("A81003", "AF008", 15.0),
            ("A81003", "XX001", 2.0),
        ],
        schema={"practice_code": pl.String, "indicator_code": pl.String, "achieved_points": pl.Float64},
        orient="row",
    ).with_columns(pl.lit(None, pl.Float64).alias(c) for c in ("register", "numerator", "denominator", "pcas"))
    economy = replace(
        base,
        practices=tuple(replace(base.practices[0], code=c) for c in ("A81001", "A81002", "A81003")),
        lists=pl.DataFrame(
            {
                "practice_code": ["A81001", "A81003"],
                "sex": ["MALE"] * 2,
                "age_band": ["30_34"] * 2,
                "patients": [1_000, 500],
            }
        ),
        indicators=pl.concat(
            [
                base.indicators,
                base.indicators.with_columns(pl.lit("XX001").alias("indicator_code"), pl.lit("XX").alias("group_code")),
            ]
        ),
        achievement=achievement.with_columns(pl.lit(None, pl.Float64).alias("newly_diagnosed")).select(
            base.achievement.columns
        ),
        prevalence=pl.concat(
            [
                base.prevalence,
                base.prevalence.with_columns(
                    pl.lit("A81002").alias("practice_code"), pl.lit(5, pl.Int64).alias("register")
                ),
            ]
        ),
    )
    params = national_parameters("2023-24")
    inputs = PaymentInputs(economy, params, service_rates("2023-24"))
    price, average = params.qof_price_per_point.value, params.qof_national_average_list.value
    national_af = 35 / 1_000  # A81002's register has no list to count, A81003 has no AF row: 30 + 5 over 1,000
    qof = {(code, item): pence for code, component, item, pence in reference_lines(inputs) if component == "QOF"}
    assert {(c, i): p for c, k, i, p, _ in national_lines(inputs).iter_rows() if k == "QOF"} == qof
    assert qof[("A81001", "AF008")] == round(20 * price * 1_000 / average * (30 / 1_000) / national_af * 100)
    assert qof[("A81001", "XX001")] == round(5 * price * 1_000 / average * 100)  # no national prevalence: APDF 1
    assert qof[("A81001", "ZZ999")] == round(3 * price * 1_000 / average * 100)  # not in the mapping: APDF 1
    assert qof[("A81002", "AF008")] == 0  # no list: CPI 0
    assert qof[("A81003", "AF008")] == 0  # no AF row: APDF 0
    assert qof[("A81003", "XX001")] == round(2 * price * 500 / average * 100)
