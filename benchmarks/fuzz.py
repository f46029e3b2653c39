"""Fuzzing the whole API (issue: reliability and security): schemathesis draws requests for every operation of the
OpenAPI document, as each role (a live API token each) and anonymously, against a world with data behind every
route, on SQLite and on PostgreSQL; counts the requests, the answers by status and every server error or response
that breaks the documented schema. Goal: at least 5,000 generated requests, zero failures.

The RESULT line's baseline is that goal (a count has no timing to measure against), so ratio >= 1 means the goal
was reached; failures are printed and make the exit status 1.

Usage: python benchmarks/fuzz.py [--examples 25] [--seed 0]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.integration.access_world import ANONYMOUS, build_world  # noqa: E402
from tests.integration.fuzzing import fuzz  # noqa: E402

from primarycare.ingest.synth.files import write_synthetic  # noqa: E402
from primarycare.store.engine import make_engine  # noqa: E402
from primarycare.store.throwaway import throwaway_postgres  # noqa: E402
from primarycare.store.tokens import issue_token  # noqa: E402
from primarycare.web.app import create_app  # noqa: E402
from primarycare.web.settings import Settings  # noqa: E402

GOAL = 5000


def run(folder: Path, synth: Path, url: str | None, examples: int, seed: int):
    world = build_world(folder, synth, url)
    app = create_app(Settings(database_url=world.url, demo=True, schemes_dir="examples/schemes"))
    engine = make_engine(world.url)
    tokens = {ANONYMOUS: None, **{role: issue_token(engine, name) for role, name in world.usernames.items()}}
    engine.dispose()
    started = time.perf_counter()
    report = fuzz(app, tokens, examples=examples, seed=seed)
    return report, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=25, help="drawn requests per operation per role")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    total, failures = 0, []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_synthetic(folder / "synth", practices=40, seed=7, year="2023-24", era="icb")
        with throwaway_postgres() as server:
            from sqlalchemy import create_engine, text

            admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text('CREATE DATABASE "fuzz"'))
            admin.dispose()
            for name, url in (("sqlite", None), ("postgresql", f"{server}/fuzz")):
                (folder / name).mkdir()
                report, seconds = run(folder / name, folder / "synth", url, args.examples, args.seed)
                print(f"{name}: {report.line()} in {seconds:.1f} s")
                print(f"{name}: 2xx answers by role: {dict(report.answered_by_role)}")
                total += report.requests
                failures += report.failures
    for failure in failures:
        print("FAILURE", failure)
    print(f"server errors and schema breaks: {len(failures)}")
    print(f"RESULT fuzz_requests={total} baseline={GOAL} ratio={total / GOAL:.2f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
