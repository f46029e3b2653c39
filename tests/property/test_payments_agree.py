"""Property: the fast polars engine and the slow reference agree to the penny on random economies."""

import random
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from primarycare.ingest.folder import read_folder
from primarycare.ingest.synth.files import write_synthetic
from primarycare.payments.inputs import INDEX_COLUMNS, PaymentInputs
from primarycare.payments.national import national_lines
from primarycare.payments.parameters import national_parameters
from primarycare.payments.protection import Protection
from primarycare.payments.rates import service_rates
from primarycare.payments.reference import reference_lines


def economy(practices: int, seed: int, year: str):
    with tempfile.TemporaryDirectory() as tmp:
        write_synthetic(Path(tmp), practices=practices, seed=seed, year=year)
        return read_folder(Path(tmp))


def published_lists(codes: list[str], start: int, rng: random.Random) -> pl.DataFrame:
    """Some practices' weighted lists for some quarters (the rest fall back to the estimate); some in whole patients,
    whose quarter's global sum is often an exact half penny."""
    quarters = [date(start, 4, 1), date(start, 7, 1), date(start, 10, 1), date(start + 1, 1, 1)]
    whole = rng.random() < 0.5
    rows = [
        (c, q, float(rng.randint(500, 20_000)) if whole else rng.uniform(500, 20_000))
        for c in codes
        for q in quarters
        if rng.random() < 0.6
    ]
    return pl.DataFrame(rows, schema=["practice_code", "quarter_start", "weighted"], orient="row")


def local_contracts(codes: list[str], rng: random.Random) -> pl.DataFrame:
    rows = [
        (
            c,
            rng.choice(["PMS", "APMS"]),
            rng.choice(["PER_PATIENT", "FIXED"]),
            rng.uniform(50, 500_000),
            rng.choice([0.0, 0.0475]),
        )
        for c in codes
        if rng.random() < 0.3
    ]
    return pl.DataFrame(rows, schema=["practice_code", "contract_type", "basis", "value", "ooh_share"], orient="row")


def inputs_for(practices, seed, start, indices=None, prior=False, thresholds=None, extras=False) -> PaymentInputs:
    year = f"{start}-{(start + 1) % 100:02d}"
    before = None
    if prior:
        previous = f"{start - 1}-{start % 100:02d}"
        before = PaymentInputs(
            economy(practices, seed + 1, previous), national_parameters(previous), service_rates(previous)
        )
    current = economy(practices, seed, year)
    frame = None
    if indices is not None:
        codes = [p.code for p in current.practices]
        frame = pl.DataFrame(
            {
                "practice_code": codes,
                **{c: [indices[i % len(indices)] for i in range(len(codes))] for c in INDEX_COLUMNS[:2]},
            }
        )
    inputs = PaymentInputs(
        current,
        national_parameters(year),
        service_rates(year),
        indices=frame,
        prior=before,
        thresholds=thresholds,
    )
    if not extras:
        return inputs
    rng = random.Random(seed)
    codes = [p.code for p in current.practices]
    indicators = sorted(current.indicators["indicator_code"]) if not current.indicators.is_empty() else []
    protected = frozenset(c for c in indicators if rng.random() < 0.3)
    return replace(
        inputs,
        weighted_lists=published_lists(codes, start, rng),
        local_contracts=local_contracts(codes, rng),
        protection=Protection(year, protected, frozenset({"QI"}), "prior_year_points", "test", False),
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    practices=st.integers(min_value=1, max_value=30),
    seed=st.integers(min_value=0, max_value=10**6),
    start=st.integers(min_value=2014, max_value=2025),
    indices=st.none() | st.lists(st.floats(min_value=0.5, max_value=1.8, allow_nan=False), min_size=1, max_size=5),
    prior=st.booleans(),
    thresholds=st.none() | st.just({"AF008": (40.0, 70.0), "DM020": (35.0, 75.0)}),
    extras=st.booleans(),
)
@example(practices=11, seed=594, start=2016, indices=None, prior=False, thresholds=None, extras=False)  # CPI 0.95
def test_fast_and_reference_agree_to_the_penny(practices, seed, start, indices, prior, thresholds, extras):
    """extras: published quarterly weighted lists, local PMS/APMS contracts and income protection too."""
    inputs = inputs_for(practices, seed, start, indices, prior, thresholds, extras)
    fast = national_lines(inputs)
    assert sorted(fast.select("PRACTICE_CODE", "COMPONENT", "ITEM", "PENCE").iter_rows()) == sorted(
        reference_lines(inputs)
    )
    assert fast["FORMULA"].null_count() == 0
    if prior:
        aspiration = fast.filter(pl.col("COMPONENT").str.starts_with("QOF_ASP"))["PENCE"].sum()
        assert fast.filter(pl.col("ITEM") == "less aspiration paid")["PENCE"].sum() == -aspiration
