"""Measures benchmark: every measure for synthetic England (6,500 practices × every built-in measure × 5 years),
against the bare polars group-by of the same numerators and denominators in the same run. Goal (issue: contract
management and practice performance): within 2x.

The quantities come from the real builders (lists, QOF, the payments module's national contract) on five synthetic
years; out-of-hours counts are drawn per practice (Poisson) as the service would record them. Not timed: building
them. Timed, best of N:
- baseline: join each measure's numerator and denominator, then one group-by per measure and year giving the sums
  and the nine deciles of the practices' values;
- the engine: values and percent ranks for practices, networks and commissioners, deciles for each kind, the money
  at stake, and change detection.
Usage: python benchmarks/measures.py [--practices 6500] [--repeats 3]
"""

import argparse
import tempfile
from pathlib import Path

import numpy as np
import polars as pl
from _timing import best_of

from primarycare.ingest.folder import read_folder
from primarycare.ingest.synth.files import write_synthetic
from primarycare.measures import quantities as q
from primarycare.measures.change import load_rule
from primarycare.measures.compute import DECILES, evaluate, measure_keys
from primarycare.measures.definition import load_measures
from primarycare.payments.gather import Overrides, inputs_for
from primarycare.payments.national import Contract

YEARS = ("2019-20", "2020-21", "2021-22", "2022-23", "2023-24")


def build(practices: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    parts, members, prior = [], [], None
    rng = np.random.default_rng(5)
    with tempfile.TemporaryDirectory() as tmp:
        for year in YEARS:
            folder = Path(tmp) / year
            write_synthetic(folder, practices=practices, seed=1, year=year, vary_by_year=True)
            economy = read_folder(folder)
            parts.append(q.list_quantities(year, economy.lists, prior.lists if prior else None))
            parts.append(q.qof_quantities(year, economy.indicators, economy.achievement))
            contract = Contract(inputs_for(economy, Overrides(), prior))
            parts.append(q.payment_quantities(year, contract.lines(), contract.lists))
            codes = [p.code for p in economy.practices]
            members.append(
                pl.DataFrame(
                    [(year, p.code, p.network_code, p.commissioner_code) for p in economy.practices],
                    schema={c: pl.String for c in ("year", "practice_code", "network_code", "commissioner_code")},
                    orient="row",
                )
            )
            cases = rng.poisson(180, len(codes)).astype(float)
            closed = np.minimum(cases, rng.poisson(175, len(codes)))
            for name, values in (
                ("ooh_cases", cases),
                ("ooh_ae_referrals", rng.binomial(cases.astype(int), 0.06).astype(float)),
                ("ooh_closed_cases", closed),
                ("messages_on_time", rng.binomial(closed.astype(int), 0.9).astype(float)),
            ):
                parts.append(
                    pl.DataFrame({"practice_code": codes, "year": year, "quantity": name, "value": values}).select(
                        *q.COLUMNS
                    )
                )
            prior = economy
    quantities = pl.concat(parts)
    return quantities, pl.concat(members), q.gbp_per_point(quantities)


def baseline(quantities: pl.DataFrame, measures) -> pl.DataFrame:
    keys = measure_keys(measures).select("measure", "num_key", "den_key", "scale")
    numerators = keys.join(quantities, left_on="num_key", right_on="quantity").rename({"value": "num"})
    joined = numerators.join(
        quantities.rename({"quantity": "den_key", "value": "den"}), on=["den_key", "practice_code", "year"]
    )
    ratio = (pl.col("num") / pl.col("den") * pl.col("scale")).filter(pl.col("den") > 0)
    return joined.group_by("measure", "year").agg(
        pl.col("num").sum(), pl.col("den").sum(), *(ratio.quantile(d / 100, "linear").alias(str(d)) for d in DECILES)
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--practices", type=int, default=6500)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    measures, rule = load_measures(), load_rule()
    quantities, members, per_point = build(args.practices)
    values = evaluate(quantities, measures, members).values
    print(
        f"synthetic England: {args.practices} practices x {len(measures)} measures x {len(YEARS)} years: "
        f"{quantities.height:,} quantities in, {values.height:,} values out"
    )
    base = best_of(args.repeats, lambda: baseline(quantities, measures))
    whole = best_of(args.repeats, lambda: evaluate(quantities, measures, members, per_point, rule))
    print(f"bare polars group-by, practices' deciles (baseline): {base:.3f} s")
    print(
        f"the whole engine (with money and change detection):  {whole:.3f} s  ratio {whole / base:.2f}x  (goal <= 2x)"
    )
    print(f"RESULT measures_engine_s={whole:.3f} baseline={base:.3f} ratio={whole / base:.2f}")


if __name__ == "__main__":
    main()
