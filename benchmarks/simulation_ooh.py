"""OOH pathway benchmark: one commissioner's year (about 400,000 patients: 159 OOH needs per 1,000 a year, most
through 111) through 111 -> clinical assessment -> base / home visit / A&E, in our engine and in the SimPy
reference of the same sub-model, same run. Goal (issue: simulation): >= 20x SimPy, agreeing within CIs.
Usage: python benchmarks/simulation_ooh.py [--replications 5]
"""

import argparse
import time

import numpy as np

from primarycare.simulation.ooh_pathway import Staffing, draw, run_fast, run_simpy
from primarycare.simulation.stats import mean_ci

CALLS_PER_HOUR = 400_000 * 159 / 1000 / 8760  # a commissioner's OOH needs, as calls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=5)
    args = parser.parse_args()
    run_fast(draw(np.random.default_rng(0), CALLS_PER_HOUR, 48), Staffing())  # compile outside the timing
    times = {"primarycare": 0.0, "SimPy": 0.0}
    results = {"primarycare": [], "SimPy": []}
    cases = 0
    for r in range(args.replications):
        for name, engine, offset in (("primarycare", run_fast, 0), ("SimPy", run_simpy, 10_000)):
            draws = draw(np.random.default_rng(offset + r), CALLS_PER_HOUR, 8760)
            start = time.perf_counter()
            results[name].append(engine(draws, Staffing()))
            times[name] += time.perf_counter() - start
            cases += draws.arrivals.size if name == "SimPy" else 0
    print(
        f"{args.replications} replications of one commissioner's year, "
        f"about {cases / args.replications:,.0f} calls each"
    )
    for kpi in ("mean_111_wait", "mean_assessment_wait", "clock_compliance", "mean_home_wait"):
        a, b = (mean_ci([x[kpi] for x in results[n]]) for n in ("primarycare", "SimPy"))
        agree = abs(a[0] - b[0]) <= np.hypot(a[1], b[1])
        print(f"{kpi:22s} primarycare {a[0]:.4f} ± {a[1]:.4f}   SimPy {b[0]:.4f} ± {b[1]:.4f}   agree: {agree}")
    ratio = times["SimPy"] / times["primarycare"]
    print(f"time: primarycare {times['primarycare']:.3f} s, SimPy {times['SimPy']:.3f} s")
    print(f"RESULT ooh_pathway_s={times['primarycare']:.4f} baseline={times['SimPy']:.4f} ratio={ratio:.1f}")


if __name__ == "__main__":
    main()
