"""Derive the default rotas (src/primarycare/simulation/data/rotas.toml): plan every station to the baseline
scenario's demand on synthetic England (primarycare.simulation.api.plan_rotas, staffing_ratio from the parameter
file), add the commissioners' plans up and divide by England's registered patients: servers per 100,000 patients
by hour of week. Run once; the rotas are then fixed, so scenarios meet them with more or less demand.
Usage: python tools/derive_rotas.py [--practices 6500] [--replications 2]
"""

import argparse
from pathlib import Path

import numpy as np

from primarycare.simulation.api import plan_rotas
from primarycare.simulation.parameters import load_scenario
from primarycare.simulation.population import band_matrix, synthetic_population
from primarycare.simulation.rotas import STATIONS

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--practices", type=int, default=6500)
    parser.add_argument("--replications", type=int, default=2)
    args = parser.parse_args()
    population = synthetic_population(args.practices, seed=1)
    scenario = load_scenario(ROOT / "examples" / "scenarios" / "baseline.yaml")
    plans = plan_rotas(population, scenario, args.replications, seed=1)
    registered = band_matrix(population)[1].sum()
    lines = [
        "# Default rotas: servers on duty per 100,000 registered patients, by hour of week (0 = Monday 00:00),",
        "# for each station; a commissioner's rota is this times its registered list / 100,000, rounded (at least",
        "# one server in an hour with any). Derived by tools/derive_rotas.py; --workforce FILE replaces them.",
        f"source = \"Planned once to the baseline scenario's demand on synthetic England ({args.practices} practices, "
        f"{args.replications} replications, staffing_ratio {scenario['staffing_ratio']}); a modelling assumption, "
        'not a published workforce"',
        "verified = false",
        "",
        "[per_100k]",
    ]
    for name in STATIONS:
        rates = sum(plan[name] for plan in plans.values()) / registered * 100_000
        lines.append(f"{name} = [{', '.join(f'{x:.3f}' for x in np.round(rates, 3))}]")
    target = ROOT / "src" / "primarycare" / "simulation" / "data" / "rotas.toml"
    target.write_text("\n".join(lines) + "\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
