"""Which practices take part in which enhanced services, and how many items they claim."""

import numpy as np
import polars as pl

from primarycare.economy.vocabulary import parse_year
from primarycare.ingest.synth.parameters import SynthParameters
from primarycare.ingest.synth.qof import SynthQof


def make_services(
    practices: pl.DataFrame,
    lists: np.ndarray,
    qof: SynthQof,
    year: str,
    params: SynthParameters,
    rng: np.random.Generator,
) -> pl.DataFrame:
    start = parse_year(year)
    codes = practices["code"].to_numpy()
    list_size = lists.sum(axis=(1, 2))
    ld = qof.prevalence.filter(group_code="LD").sort("practice_code")
    ld_register = dict(zip(ld["practice_code"], ld["register"], strict=True))
    frames = []
    for code, first, last, share, basis, per_unit in params.services["offered"]:
        if not parse_year(first) <= start <= parse_year(last):
            continue
        taking_part = rng.random(len(codes)) < share
        if basis == "ld_register":
            units = np.array([ld_register.get(c, 0) for c in codes])
        elif basis == "list":
            units = list_size
        else:
            units = None
        items = None if units is None else rng.binomial(units, per_unit)
        frames.append(
            pl.DataFrame(
                {
                    "PRACTICE_CODE": pl.Series(codes[taking_part], dtype=pl.String),
                    "SERVICE_CODE": pl.Series([code] * int(taking_part.sum()), dtype=pl.String),
                    "ITEMS": pl.Series(
                        items[taking_part] if items is not None else [None] * int(taking_part.sum()), dtype=pl.Int64
                    ),
                }
            )
        )
    if not frames:
        return pl.DataFrame(schema={"PRACTICE_CODE": pl.String, "SERVICE_CODE": pl.String, "ITEMS": pl.Int64})
    return pl.concat(frames).sort("PRACTICE_CODE", "SERVICE_CODE")
