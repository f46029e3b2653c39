"""Unit costs in one price year: each cost parameter carries the price year it was published in, and the model's
costs are converted to the scenario's ``cost_price_year`` with the NHS Cost Inflation Index (pay and prices), so a
cost total never adds 2014-15 pounds to 2023-24 pounds."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from primarycare.simulation.parameters import Defaults


def index_levels(years: list[str], annual_change_percent: list[float]) -> dict[str, float]:
    """The index's level in each year, the first year 1: each change is into its own year (the first is ignored)."""
    levels, level = {}, 1.0
    for i, (year, change) in enumerate(zip(years, annual_change_percent, strict=True)):
        level *= 1 + change / 100 if i else 1.0
        levels[year] = level
    return levels


def unit_costs(v: dict, defaults: "Defaults") -> dict[str, float]:
    """Every cost parameter (``cost_*`` with a price year) at ``cost_price_year`` prices."""
    target = defaults.price_index[v["cost_price_year"]]
    return {name: v[name] * target / defaults.price_index[year] for name, year in defaults.price_years.items()}
