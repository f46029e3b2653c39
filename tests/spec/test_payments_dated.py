"""Spec: dated rates and backdated uplifts, England-relative lists, published weighted lists, APDF on whole lists,
local PMS/APMS contracts and QOF income protection, as tables through both engines."""

from dataclasses import replace
from datetime import date

import polars as pl
import pytest

from primarycare.payments.errors import PaymentsError
from primarycare.payments.global_sum import contract_basis
from primarycare.payments.inputs import PaymentInputs
from primarycare.payments.months import month_rates
from primarycare.payments.national import practice_lists
from primarycare.payments.parameters import national_parameters
from primarycare.payments.protection import Protection
from primarycare.payments.rates import service_rates

from .payment_economy import flat, one_practice
from .test_payments_national import both_engines

# (year, patients, opted out, {(component, item): pence}) -- every global sum, arrears and deduction line
GLOBAL_SUM = [
    # 2016/17: one rate all year. 7,460 x £80.59; less 5.15% (£30,961.87)
    (
        "2016-17",
        7_460,
        True,
        {("GLOBAL_SUM", "global sum"): 60_120_140, ("OOH_DEDUCTION", "out-of-hours opt-out"): -3_096_187},
    ),
    ("2022-23", 1_000, False, {("GLOBAL_SUM", "global sum"): 9_970_000}),  # 1,000 x £99.70
    # 2015/16: £75.77 from April, £76.51 from October, not backdated
    (
        "2015-16",
        1_000,
        False,
        {("GLOBAL_SUM", "global sum Apr–Sep"): 3_788_500, ("GLOBAL_SUM", "global sum Oct–Mar"): 3_825_500},
    ),
    # 2020/21: the deduction is £4.45 of £93.46 (4.7614%): £4,450.00 for 1,000 patients
    (
        "2020-21",
        1_000,
        True,
        {("GLOBAL_SUM", "global sum"): 9_346_000, ("OOH_DEDUCTION", "out-of-hours opt-out"): -445_000},
    ),
    # 2023/24: £102.28 paid from April; £104.73 announced in October, backdated to 1 April: October on at the new
    # rate, April-September's difference (£2.45 x 6/12) as arrears; the year comes to 1,000 x £104.73 exactly
    (
        "2023-24",
        1_000,
        True,
        {
            ("GLOBAL_SUM", "global sum Apr–Sep"): 5_114_000,
            ("GLOBAL_SUM", "global sum Oct–Mar"): 5_236_500,
            ("GLOBAL_SUM_ARREARS", "arrears Apr–Sep: £104.73 from 1 April 2023"): 122_500,
            ("OOH_DEDUCTION", "out-of-hours opt-out Apr–Sep"): -242_915,
            ("OOH_DEDUCTION", "out-of-hours opt-out Oct–Mar"): -248_734,
            ("OOH_DEDUCTION", "out-of-hours opt-out on arrears Apr–Sep"): -5_819,
        },
    ),
    # 2024/25: £107.57 from April; £112.50 announced in August, backdated: April-July's £4.93 x 4/12 as arrears
    (
        "2024-25",
        3_000,
        False,
        {
            ("GLOBAL_SUM", "global sum Apr–Jul"): 10_757_000,
            ("GLOBAL_SUM", "global sum Aug–Mar"): 22_500_000,
            ("GLOBAL_SUM_ARREARS", "arrears Apr–Jul: £112.50 from 1 April 2024"): 493_000,
        },
    ),
]


@pytest.mark.parametrize(("year", "patients", "opted_out", "expected"), GLOBAL_SUM, ids=[g[0] for g in GLOBAL_SUM])
def test_global_sum_month_by_month(year, patients, opted_out, expected):
    inputs = PaymentInputs(
        one_practice(year=year, patients=patients, opted_out=opted_out), flat(year), service_rates(year)
    )
    lines = both_engines(inputs)
    core = {
        key: pence for key, pence in lines.items() if key[0] in ("GLOBAL_SUM", "GLOBAL_SUM_ARREARS", "OOH_DEDUCTION")
    }
    assert core == expected


UPLIFT = """
[years."2022-23"]
global_sum_per_weighted_patient = [
  { value = 100.00, source = "spec", verified = false },
  { value = 106.00, from = 2022-04-01, announced = 2022-10-15, source = "spec", verified = false },
]
"""


def test_an_october_uplift_backdated_to_april_is_paid_as_arrears_in_october(tmp_path):
    override = tmp_path / "uplift.toml"
    override.write_text(UPLIFT)
    params = flat("2022-23", override)
    months = month_rates("2022-23", params.values_of("global_sum_per_weighted_patient"))
    assert [m.paid.value for m in months] == [100.0] * 6 + [106.0] * 6  # October's payment knows the uplift
    assert {m.arrears_month for m in months[:6]} == {7}  # arrears land in October
    inputs = PaymentInputs(one_practice(year="2022-23", patients=1_200), params, service_rates("2022-23"))
    lines = both_engines(inputs)
    assert lines[("GLOBAL_SUM_ARREARS", "arrears Apr–Sep: £106.00 from 1 April 2022")] == 360_000  # 1,200 x £6 x 6/12
    assert sum(p for (c, _), p in lines.items() if c.startswith("GLOBAL_SUM")) == 1_200 * 106_00


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{ value = 1.0, from = 2022-05-01, source = "s", verified = false }]', "must take effect on 2022-04-01"),
        ('[{ value = 1.0, from = 2023-05-01, source = "s", verified = false }]', "is outside 2022-23"),
        ('[{ value = 1.0, from = "April", source = "s", verified = false }]', "must be a date"),
        ("[]", "needs at least one value"),
    ],
)
def test_bad_dated_values_are_refused(tmp_path, text, message):
    override = tmp_path / "bad.toml"
    override.write_text(f'[years."2022-23"]\nglobal_sum_per_weighted_patient = {text}\n')
    with pytest.raises(PaymentsError, match=message):
        national_parameters("2022-23", override)


def two_practices(year: str, bands: tuple[str, str]):
    """Two practices of 1,000 female patients each, in the given age bands."""
    economy = one_practice(year=year, patients=1_000)
    codes = ("A81001", "A81002")
    practices = (economy.practices[0], replace(economy.practices[0], code=codes[1]))
    lists = pl.DataFrame({"practice_code": codes, "sex": ["FEMALE"] * 2, "age_band": bands, "patients": [1_000] * 2})
    return replace(economy, practices=practices, lists=lists)


# (bands of the loaded practices, expected age/sex index of the first): England-relative, whoever else is loaded
ENGLAND = [
    (("85_89", "85_89"), 6.72 / 2.5142),  # an ICB of old lists stays above England's average
    (("85_89", "20_24"), 6.72 / 2.5142),  # the first practice's index does not depend on the second
    (("20_24", "20_24"), 2.19 / 2.5142),
]


@pytest.mark.parametrize(("bands", "index"), ENGLAND)
def test_age_sex_index_is_relative_to_england(bands, index):
    economy = two_practices("2022-23", bands)
    inputs = PaymentInputs(economy, national_parameters("2022-23"), service_rates("2022-23"))
    lists = practice_lists(inputs)
    assert lists["age_sex_index"][0] == pytest.approx(index)
    both_engines(inputs)


def test_published_quarterly_weighted_lists_replace_the_estimate():
    year = "2022-23"
    quarters = pl.DataFrame(
        {
            "practice_code": ["A81001"] * 3,
            "quarter_start": [date(2022, 4, 1), date(2022, 7, 1), date(2023, 1, 1)],
            "weighted": [1_200.0, 1_260.0, 1_320.0],
        }
    )
    inputs = PaymentInputs(
        one_practice(year=year, patients=1_000), flat(year), service_rates(year), weighted_lists=quarters
    )
    lines = both_engines(inputs)
    # £99.70 a year: each quarter its own list; October-December has none published, so the estimate (1,000)
    assert lines == {
        ("GLOBAL_SUM", "global sum Apr–Jun"): round(1_200 * 9_970 * 3 / 12),
        ("GLOBAL_SUM", "global sum Jul–Sep"): round(1_260 * 9_970 * 3 / 12),
        ("GLOBAL_SUM", "global sum Oct–Dec"): round(1_000 * 9_970 * 3 / 12),
        ("GLOBAL_SUM", "global sum Jan–Mar"): round(1_320 * 9_970 * 3 / 12),
    }
    from primarycare.payments.national import national_lines

    formulas = dict(national_lines(inputs).select("ITEM", "FORMULA").iter_rows())
    assert "published list" in formulas["global sum Apr–Jun"]
    assert "estimated: 1000 patients" in formulas["global sum Oct–Dec"]


# APDF on the whole registered list: (whole list, age-restricted list in the prevalence file, register, expected APDF)
# with England's prevalence given as 5%
APDF = [
    (10_000, 8_000, 800, 1.60),  # 800 / 10,000 = 8% (not 800 / 8,000 = 10%) over 5%
    (4_000, 4_000, 100, 0.50),
    (12_000, 9_000, 0, 0.0),
]


@pytest.mark.parametrize(("whole", "restricted", "register", "apdf"), APDF)
def test_apdf_uses_the_whole_registered_list(whole, restricted, register, apdf):
    economy = one_practice(year="2022-23", patients=whole, register=register, points=10)
    economy = replace(
        economy, prevalence=economy.prevalence.with_columns(pl.lit(restricted).alias("practice_list_size"))
    )
    inputs = PaymentInputs(
        economy, national_parameters("2022-23"), service_rates("2022-23"), national_prevalence={"AF": 0.05}
    )
    cpi = whole / 9_374
    assert both_engines(inputs).get(("QOF", "AF008"), 0) == round(10 * 207.56 * cpi * apdf * 100)


def test_derived_national_prevalence_is_over_whole_lists():
    economy = one_practice(year="2022-23", patients=10_000, register=800, points=10)
    economy = replace(economy, prevalence=economy.prevalence.with_columns(pl.lit(8_000).alias("practice_list_size")))
    inputs = PaymentInputs(economy, national_parameters("2022-23"), service_rates("2022-23"))
    assert inputs.prevalence_by_group() == {"AF": 0.08}


# Contract types: (economy's type, local contract row or None, expected basis, expected core lines)
LOCAL = [
    ("GMS", None, "GMS", {("GLOBAL_SUM", "global sum")}),
    ("PMS", None, "GMS-equivalent (PMS)", {("GLOBAL_SUM", "global sum")}),
    (None, None, "GMS-equivalent (contract type not given)", {("GLOBAL_SUM", "global sum")}),
    (
        "PMS",
        ("PMS", "PER_PATIENT", 110.0, 4.75),
        "PMS local contract",
        {("GLOBAL_SUM", "PMS contract value"), ("OOH_DEDUCTION", "out-of-hours deduction (as agreed)")},
    ),
    ("APMS", ("APMS", "FIXED", 250_000.0, None), "APMS local contract", {("GLOBAL_SUM", "APMS contract value")}),
]


@pytest.mark.parametrize(("kind", "contract", "basis", "core"), LOCAL)
def test_contract_types_are_labelled_and_local_contracts_paid(kind, contract, basis, core):
    economy = one_practice(year="2022-23", patients=2_000, opted_out=True)
    economy = replace(economy, practices=(replace(economy.practices[0], contract_type=kind),))
    local = None
    if contract:
        local = pl.DataFrame(
            [("A81001", *contract[:3], (contract[3] or 0.0) / 100)],
            schema=["practice_code", "contract_type", "basis", "value", "ooh_share"],
            orient="row",
        )
    inputs = PaymentInputs(economy, flat("2022-23"), service_rates("2022-23"), local_contracts=local)
    lines = both_engines(inputs)
    assert dict(contract_basis(inputs).iter_rows()) == {"A81001": basis}
    assert {key for key in lines if key[0] in ("GLOBAL_SUM", "OOH_DEDUCTION")} >= core
    if contract and contract[1] == "PER_PATIENT":
        assert lines[("GLOBAL_SUM", "PMS contract value")] == 2_000 * 110_00
        assert lines[("OOH_DEDUCTION", "out-of-hours deduction (as agreed)")] == -round(2_000 * 110_00 * 0.0475)
    if contract and contract[1] == "FIXED":
        assert lines == {("GLOBAL_SUM", "APMS contract value"): 250_000_00}


# Income protection: (last year's points, this year's points, protected?, points paid)
PROTECTION = [
    (20, 12, True, 20),  # protected: fixed at last year's, no lower
    (12, 20, True, 12),  # ...and no higher
    (12, 20, False, 20),
    (None, 15, True, 15),  # a practice new this year keeps its own points
]


@pytest.mark.parametrize(("before", "now", "protected", "paid"), PROTECTION)
def test_income_protected_indicators_take_last_years_points(before, now, protected, paid):
    prior_economy = one_practice(year="2023-24", patients=9_639, register=200, points=before)
    if before is None:
        prior_economy = replace(prior_economy, achievement=prior_economy.achievement.clear())
    prior = PaymentInputs(prior_economy, national_parameters("2023-24"), service_rates("2023-24"))
    protection = Protection(
        "2024-25", frozenset({"AF008"} if protected else ()), frozenset(), "prior_year_points", "s", True
    )
    inputs = PaymentInputs(
        one_practice(year="2024-25", patients=9_964, register=200, points=now),
        national_parameters("2024-25"),
        service_rates("2024-25"),
        prior=prior,
        protection=protection,
    )
    assert both_engines(inputs)[("QOF_ACHIEVEMENT", "AF008")] == round(paid * 220.62 * 100)


def test_packaged_protection_lists_2024_25():
    from primarycare.payments.protection import protection_for

    protection = protection_for("2024-25")
    assert len(protection.indicators) == 26 and protection.domains == {"QI"}  # 26 codes + 6 QI indicators = 32
    assert protection.codes({"AF001": "CL", "AF008": "CL", "QIECD005": "QI"}) == {"AF001", "QIECD005"}


# Half a penny rounds away from zero however the binary product lands: (weighted list, £ a year, pence a quarter)
HALF_PENNIES = [
    (1_201, 99.70, 2_993_493),  # 1,201 x £99.70 x 3 / 12 = £29,934.925
    (1_203, 99.70, 2_998_478),  # £29,984.775
    (35, 96.78, 84_683),  # £846.825
    (2, 104.73, 5_237),  # £52.365
]


@pytest.mark.parametrize(("weighted", "rate", "quarter"), HALF_PENNIES)
def test_a_quarter_worth_an_exact_half_penny_rounds_up_in_both_engines(weighted, rate, quarter):
    year = "2022-23"
    published = pl.DataFrame(
        {"practice_code": ["A81001"], "quarter_start": [date(2022, 4, 1)], "weighted": [float(weighted)]}
    )
    params = flat(year)
    params = replace(
        params,
        global_sum_per_weighted_patient=replace(params.global_sum_per_weighted_patient, value=rate),
        dated={name: values for name, values in params.dated.items() if name != "global_sum_per_weighted_patient"},
    )
    inputs = PaymentInputs(
        one_practice(year=year, patients=1_000), params, service_rates(year), weighted_lists=published
    )
    assert both_engines(inputs)[("GLOBAL_SUM", "global sum Apr–Jun")] == quarter


# What a published weighted-lists file leaves estimated or unused, said as warnings: (rows, warnings expected)
Q = [date(2022, 4, 1), date(2022, 7, 1), date(2022, 10, 1), date(2023, 1, 1)]
WEIGHTED_NOTES = [
    ([("A81001", q, 1_000.0) for q in Q], []),
    ([("A81001", Q[0], 1_000.0)], ["1 practices have published weighted lists for some quarters of 2022-23 only"]),
    (
        [("A81001", date(2021, 4, 1), 1_000.0), ("Z99999", Q[0], 1_000.0)],
        [
            "1 practices in the weighted lists are not loaded",
            "1 weighted-list rows are for quarters outside 2022-23",
            "1 practices have no published weighted list for 2022-23",
        ],
    ),
]


@pytest.mark.parametrize(("rows", "expected"), WEIGHTED_NOTES)
def test_weighted_lists_say_what_they_leave_estimated_or_unused(rows, expected):
    from primarycare.payments.gather import warnings_for

    published = pl.DataFrame(rows, schema=["practice_code", "quarter_start", "weighted"], orient="row")
    year = "2022-23"
    inputs = PaymentInputs(
        one_practice(year=year, patients=1_000), flat(year), service_rates(year), weighted_lists=published
    )
    notes = [n for n in warnings_for(inputs) if "weighted" in n]
    assert len(notes) == len(expected)
    assert all(any(e in n for n in notes) for e in expected)
