"""Care-home residents in the simulation (simulation/flags.py): worked by hand, end to end, and through the CLI."""

import numpy as np
import polars as pl
import pytest

from primarycare.economy.vocabulary import AGE_BANDS
from primarycare.ingest.synth.parameters import load_parameters
from primarycare.simulation.flags import (
    care_home_ooh_multiplier,
    care_home_residents,
    flagged_share,
    referral_chance,
)
from primarycare.simulation.parameters import load_defaults
from primarycare.simulation.population import synthetic_care_homes, synthetic_population
from tests.integration.test_simulation import _simulate_with, run


@pytest.fixture(scope="module")
def population():
    return synthetic_population(40, seed=3)


def test_care_home_shares_multipliers_and_estimates_by_hand():
    v = load_defaults().values | {"care_home_ooh_ratio": 3.0, "care_home_share_england": 0.005}
    # 100 residents in a list of 10,000 needing OOH care 3 times as often: 300 of 10,200 needs
    assert flagged_share(3.0, np.array([100.0]), np.array([10_000.0]))[0] == pytest.approx(300 / 10_200)
    assert flagged_share(3.0, np.array([0.0]), np.array([0.0]))[0] == 0  # an empty list
    # a practice with England's share of residents has England's rate; none, 1/1.01 of it; 5%, 1.1/1.01
    lists = np.full(3, 10_000.0)
    multiplier = care_home_ooh_multiplier(v, np.array([50.0, 0.0, 500.0]), lists)
    assert multiplier.tolist() == pytest.approx([1.0, 1 / 1.01, 1.1 / 1.01])
    # without residents given: care_home_residents_per_85_plus of the patients aged 85 and over
    pop = np.zeros((1, len(AGE_BANDS)))
    pop[0, AGE_BANDS.index("85_89")], pop[0, AGE_BANDS.index("80_84")] = 100, 400
    assert care_home_residents(v, pop, None)[0] == pytest.approx(100 * v["care_home_residents_per_85_plus"])
    assert care_home_residents(v, pop, np.array([1_000.0]))[0] == 500  # never more than the list
    # referral: palliative first, then care home, then anyone, with or without notes
    chance = referral_chance(v, np.array([True, False, False]), np.array([True, True, False]), False)
    assert chance.tolist() == [v["palliative_ae_referral"], v["care_home_ae_referral"], v["ooh_ae_referral"]]


def test_synthetic_care_homes_are_whole_homes_at_englands_rate():
    structure = load_parameters().structure
    oldest = np.full(20_000, 150.0)
    homes = synthetic_care_homes(oldest, structure, np.random.default_rng(1))
    assert (homes % structure["care_home_beds"] == 0).all() and (homes == 0).any()
    expected = oldest.sum() * structure["care_home_residents_per_85_plus"]
    assert homes.sum() == pytest.approx(expected, rel=0.03)


def test_residents_need_more_out_of_hours_care_are_seen_at_home_and_referred_less_with_notes(population):
    """The same practices with no residents and with 5% of their patients in care homes: OOH needs rise by the
    residents' ratio (1.1 times at ratio 3), their cases appear, a larger share of cases are home visits (residents are
    not taken to a base), background A&E rises; sharing the notes lowers the residents' referrals to A&E."""
    lists = population.group_by("practice_code").agg(pl.col("patients").sum().alias("listed"))
    with_residents = lambda share: population.join(lists, on="practice_code").with_columns(  # noqa: E731
        (pl.col("listed") * share).round().alias("care_home_residents")
    )
    none, many = (run(with_residents(s), replications=2) for s in (0.0, 0.05))
    needs = lambda results: results.practice_means()["ooh_needs"].sum()  # noqa: E731
    assert needs(many) / needs(none) == pytest.approx(1.1, rel=0.03)
    mean = lambda results, kpi: results.replications[kpi].mean()  # noqa: E731
    assert mean(none, "care_home_ooh_cases") == 0 and mean(many, "care_home_ooh_cases") > 0
    home_share = lambda results: mean(results, "ooh_home_visits") / mean(results, "ooh_cases")  # noqa: E731
    assert home_share(many) > home_share(none)
    assert mean(many, "ae_from_background") > mean(none, "ae_from_background")
    shared = run(with_residents(0.05), {"notes_access": True}, replications=2)
    assert mean(shared, "care_home_ae_referral_share") < mean(many, "care_home_ae_referral_share")
    estimated = run(population.drop("care_home_residents"), replications=1)
    assert estimated.replications["care_home_ooh_cases"][0] > 0  # estimated from the patients aged 85+


def test_simulate_reads_care_home_residents_and_refuses_a_bad_file(tmp_path):
    header = "PRACTICE_CODE,CARE_HOME_RESIDENTS\n"
    codes = _simulate_with(tmp_path, "--care-homes", header, lambda i, c: f"{c},{i * 10}\n", "-3")
    written = pl.read_csv(tmp_path / "out" / "practices.csv")
    assert dict(zip(written["practice_code"], written["care_home_residents"], strict=True)) == {
        c: i * 10 for i, c in enumerate(codes)
    }
