"""England benchmark: one simulated year of the baseline scenario on synthetic England (6,500 practices, about
56 million patients) and on 1/100 of it (65 practices), in the same run: wall times, events/s, how far from linear
the scaling is (goal: within 1.2x), and the Ray runner's speed-up from 1 to 2 workers (goal: >= 1.7x).
Usage: python benchmarks/simulation_england.py [--replications 2]
"""

import argparse
import statistics
import time

from primarycare.simulation.api import Model
from primarycare.simulation.parameters import scenario_from
from primarycare.simulation.population import synthetic_population


def timed(model: Model, replications: int, **options):
    start = time.perf_counter()
    results = model.run(replications, seed=1, **options)
    return time.perf_counter() - start, results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=2, help="for the Ray comparison")
    parser.add_argument("--trials", type=int, default=3, help="Ray 1-vs-2-worker pairs")
    args = parser.parse_args()
    baseline = scenario_from("baseline")
    england, slice_ = synthetic_population(6500, seed=1), synthetic_population(65, seed=1)
    Model(slice_, baseline).run(1, seed=1)  # compile and warm up outside the timing
    small_s, small = timed(Model(slice_, baseline), 1)
    full_s, full = timed(Model(england, baseline), 1)
    size = england["patients"].sum() / slice_["patients"].sum()
    scaling = (full_s / small_s) / size
    print(
        f"1/100 of England: {slice_['patients'].sum():,} patients, {small.events:,.0f} events in {small_s:.2f} s "
        f"({small.events / small_s:,.0f} events/s)"
    )
    print(
        f"England:          {england['patients'].sum():,} patients, {full.events:,.0f} events in {full_s:.2f} s "
        f"({full.events / full_s:,.0f} events/s)"
    )
    print(
        f"scaling: {size:.1f}x the patients took {full_s / small_s:.1f}x the time = {scaling:.2f}x linear (goal <= 1.2)"
    )
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    model = Model(england, baseline)
    timed(model, 1, runner="ray", workers=2)  # start the workers outside the timing
    speedups = []
    for trial in range(args.trials):  # machine noise here is up to ±30%: pairs measured back to back, median kept
        one_s, _ = timed(model, args.replications, runner="ray", workers=1)
        two_s, _ = timed(model, args.replications, runner="ray", workers=2)
        speedups.append(one_s / two_s)
        print(
            f"Ray trial {trial + 1}, {args.replications} replications of England: 1 worker {one_s:.2f} s, "
            f"2 workers {two_s:.2f} s, speed-up {one_s / two_s:.2f}x"
        )
    ray.shutdown()
    print(
        f"Ray speed-up from 1 to 2 workers, median of {args.trials}: {statistics.median(speedups):.2f}x (goal >= 1.7)"
    )
    print(
        f"RESULT england_events_per_s={full.events / full_s:.0f} baseline={small.events / small_s:.0f} "
        f"ratio={(full.events / full_s) / (small.events / small_s):.2f}"
    )


if __name__ == "__main__":
    main()
