"""Shared by the benchmarks: best-of-N timing and the bare polars parse that is the ingest floor."""

import time
from pathlib import Path

import polars as pl


def best_of(repeats: int, work) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def best_of_each(repeats: int, works: dict) -> dict[str, float]:
    """Each work's best of ``repeats``, taken in rounds (every work once a round), so that a slow spell of the
    machine falls on all of them alike instead of on one figure or its baseline."""
    times: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(repeats):
        for name, work in works.items():
            start = time.perf_counter()
            work()
            times[name].append(time.perf_counter() - start)
    return {name: min(spent) for name, spent in times.items()}


def bare_parse(folder: Path) -> None:
    for path in sorted(folder.glob("*.csv")):
        pl.read_csv(path, has_header=path.name != "epraccur.csv", infer_schema_length=10_000)
