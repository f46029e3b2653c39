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


def bare_parse(folder: Path) -> None:
    for path in sorted(folder.glob("*.csv")):
        pl.read_csv(path, has_header=path.name != "epraccur.csv", infer_schema_length=10_000)
