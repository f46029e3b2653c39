"""Payments benchmark: national contract + one local scheme comparison for synthetic England, against the bare
polars parse of the same input files (the floor). Goal (issue: payments): the whole calculation <= 1.5x the parse.

Prints the calculation on an economy already in memory, the checked read of the files alone, and the whole run from
files (read and check the files, then calculate), each best of N in the same process, taken in rounds (each once a
round) so that a slow spell of the machine does not fall on one figure alone. N is 15: on this machine a figure's
best of 7 still moved by 0.1 or more from run to run (the parse alone took 0.17-0.33 s), and the best of more rounds
comes nearer each figure's own floor, on both sides of the ratio alike.
Usage: python benchmarks/payments.py [--practices 6500] [--repeats 15]
"""

import argparse
import tempfile
from pathlib import Path

from _timing import bare_parse, best_of_each

from primarycare.ingest.folder import read_folder
from primarycare.ingest.synth.files import write_synthetic
from primarycare.payments.compare import compare_groups, compare_practices
from primarycare.payments.gather import Overrides, inputs_for
from primarycare.payments.local import members, scheme_plan
from primarycare.payments.national import Contract
from primarycare.payments.scheme import load_scheme

SCHEME = Path(__file__).parents[1] / "examples" / "schemes" / "somerset.yaml"


def calculate(economy) -> None:
    inputs = inputs_for(economy, Overrides())
    scheme = load_scheme(SCHEME)
    contract = Contract(inputs)
    national = contract.plan()
    local = scheme_plan(inputs, scheme, SCHEME.name, contract)
    compare_groups(compare_practices(economy, national, local, members(scheme, economy)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--practices", type=int, default=6500)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_synthetic(folder, practices=args.practices, seed=1, year="2023-24")
        economy = read_folder(folder)
        indicators = economy.indicators.height
        print(
            f"synthetic England: {args.practices} practices x {indicators} indicators, "
            f"{economy.achievement.height:,} practice-indicator rows"
        )
        best = best_of_each(
            args.repeats,
            {
                "parse": lambda: bare_parse(folder),
                "in_memory": lambda: calculate(economy),
                "read": lambda: read_folder(folder),
                "whole": lambda: calculate(read_folder(folder)),
            },
        )
        parse, in_memory, read, whole = (best[name] for name in ("parse", "in_memory", "read", "whole"))
    print(f"bare polars parse (baseline):               {parse:.3f} s")
    print(f"national + Somerset comparison, in memory:  {in_memory:.3f} s  ratio {in_memory / parse:.2f}x")
    print(f"read and check the files alone:             {read:.3f} s  ratio {read / parse:.2f}x")
    print(f"the same from files (read, check, compute): {whole:.3f} s  ratio {whole / parse:.2f}x  (goal <= 1.5x)")
    print(f"RESULT payments_from_files_s={whole:.3f} baseline={parse:.3f} ratio={whole / parse:.2f}")


if __name__ == "__main__":
    main()
