"""Ingest benchmark: England-scale load into SQLite and PostgreSQL against the bare polars parse of the same files.

Goal (issue: foundation): load <= 10x the parse on SQLite, <= 5x on PostgreSQL. Best of N runs each, same process.
Usage: python benchmarks/ingest.py [--practices 6500] [--repeats 3]
"""

import argparse
import tempfile
import time
import uuid
from pathlib import Path

from _timing import bare_parse, best_of
from sqlalchemy import create_engine, text

from primarycare.ingest.folder import read_folder
from primarycare.ingest.synth.files import write_synthetic
from primarycare.store.engine import make_engine
from primarycare.store.load import save_economy
from primarycare.store.migrate import upgrade
from primarycare.store.throwaway import throwaway_postgres


def load(folder: Path, url: str) -> None:
    engine = make_engine(url)
    save_economy(engine, read_folder(folder), migrate=False)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--practices", type=int, default=6500)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "england"
        start = time.perf_counter()
        write_synthetic(folder, practices=args.practices, seed=1, year="2023-24")
        print(f"synthetic England: {args.practices} practices written in {time.perf_counter() - start:.2f} s")
        rows = sum(sum(1 for _ in p.open()) for p in folder.glob("*.csv"))
        print(f"files: {rows:,} lines in {len(list(folder.glob('*.csv')))} files")
        parse = best_of(args.repeats, lambda: bare_parse(folder))
        sqlite_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(make_engine(sqlite_url))
        sqlite = best_of(args.repeats, lambda: load(folder, sqlite_url))  # re-loads replace the year
        with throwaway_postgres() as server:
            name = f"bench_{uuid.uuid4().hex[:8]}"
            with create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT").connect() as conn:
                conn.execute(text(f"CREATE DATABASE {name}"))
            upgrade(make_engine(f"{server}/{name}"))
            postgres = best_of(args.repeats, lambda: load(folder, f"{server}/{name}"))
    print(f"bare polars parse (baseline): {parse:.3f} s")
    print(f"load into SQLite:     {sqlite:.3f} s  ratio {sqlite / parse:.2f}x  (goal <= 10x)")
    print(f"load into PostgreSQL: {postgres:.3f} s  ratio {postgres / parse:.2f}x  (goal <= 5x)")
    print(f"RESULT ingest_postgresql_s={postgres:.3f} baseline={parse:.3f} ratio={postgres / parse:.2f}")
    print(f"RESULT ingest_sqlite_s={sqlite:.3f} baseline={parse:.3f} ratio={sqlite / parse:.2f}")


if __name__ == "__main__":
    main()
