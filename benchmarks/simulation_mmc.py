"""M/M/c benchmark: arrivals 9/h, service 1/h, c = 10, about 1,000,000 arrivals, fixed seed, in SimPy and in our
engine in the same run, on the same random numbers. Goal (issue: simulation): >= 50x SimPy customers/s.
Usage: python benchmarks/simulation_mmc.py [--customers 1000000]
"""

import argparse
import time

import numpy as np

from primarycare.simulation.engine import constant_rota, station
from primarycare.simulation.simpy_reference import erlang_c_wait, simpy_station
from primarycare.simulation.stats import batch_means_ci


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = np.random.default_rng(20261122)
    arrivals = np.cumsum(rng.exponential(1 / 9, args.customers))
    services = rng.exponential(1.0, args.customers)
    station(arrivals[:1000], services[:1000], constant_rota(10))  # compile once, outside the timing
    start = time.perf_counter()
    ours, _ = station(arrivals, services, constant_rota(10))
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    theirs = simpy_station(arrivals, services, 10)
    simpy_s = time.perf_counter() - start
    exact = erlang_c_wait(9, 1, 10)
    for name, starts, seconds in (("SimPy", theirs, simpy_s), ("primarycare", ours, ours_s)):
        mean, half = batch_means_ci(starts - arrivals)
        print(
            f"{name:12s} {args.customers / seconds:14,.0f} customers/s  mean wait {mean:.4f} h "
            f"± {half:.4f} (95% CI, batch means); Erlang C {exact:.4f} h"
        )
    print(f"identical waits on the same random numbers: {bool(np.array_equal(ours, theirs))}")
    ratio = simpy_s / ours_s
    print(
        f"RESULT mmc_customers_per_s={args.customers / ours_s:.0f} baseline={args.customers / simpy_s:.0f} "
        f"ratio={ratio:.1f}"
    )


if __name__ == "__main__":
    main()
