"""Unit costs in one price year (simulation/prices.py): the NHS Cost Inflation Index worked by hand, and a cost
total that moves by exactly the index between two target years."""

import pytest

from primarycare.simulation.api import Model
from primarycare.simulation.parameters import ScenarioError, load_defaults, scenario_from
from primarycare.simulation.population import synthetic_population
from primarycare.simulation.prices import index_levels, unit_costs


@pytest.mark.parametrize(
    ("years", "changes", "levels"),
    [
        (["2014-15"], [0.0], [1.0]),
        (["2014-15", "2015-16", "2016-17"], [9.9, 0.40, 2.09], [1.0, 1.004, 1.004 * 1.0209]),  # the first is the base
        (["2021-22", "2022-23"], [2.58, 7.32], [1.0, 1.0732]),
    ],
)
def test_index_levels_chain_the_annual_changes(years, changes, levels):
    assert list(index_levels(years, changes).values()) == pytest.approx(levels)


def test_each_cost_is_converted_from_its_own_price_year():
    defaults = load_defaults()
    v = defaults.values
    index = defaults.price_index
    at = lambda year: unit_costs(v | {"cost_price_year": year}, defaults)  # noqa: E731
    assert defaults.price_years["cost_gp_appointment"] == "2014-15"
    assert at("2014-15")["cost_gp_appointment"] == v["cost_gp_appointment"]  # already in its year
    assert at("2015-16")["cost_gp_appointment"] == pytest.approx(v["cost_gp_appointment"] * 1.004)
    assert at("2023-24")["cost_call_handler_hour"] == v["cost_call_handler_hour"]
    assert at("2014-15")["cost_call_handler_hour"] == pytest.approx(v["cost_call_handler_hour"] / index["2023-24"])


def test_a_price_year_outside_the_index_is_refused():
    with pytest.raises(ScenarioError, match="overrides.cost_price_year: must be one of 2014-15"):
        scenario_from("test", {"cost_price_year": "1999-00"})


def test_the_cost_total_moves_by_the_index_between_target_years():
    population = synthetic_population(6, seed=2)
    cost = {
        year: Model(population, scenario_from("test", {"cost_price_year": year})).run(1, 3).replications["cost_gbp"][0]
        for year in ("2023-24", "2024-25")
    }
    assert cost["2024-25"] / cost["2023-24"] == pytest.approx(1.0402, rel=1e-9)
