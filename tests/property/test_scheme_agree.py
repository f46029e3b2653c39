"""Property: the fast scheme engine (local.py) and its slow reference agree to the penny on random economies and
random local schemes: members chosen by practice, commissioner or all; kept indicators, on the scheme's own
thresholds or not; released QOF money on each baseline, guaranteed in part or whole, paid by goals or not; new money
per head by age."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from primarycare.payments.local import scheme_lines
from primarycare.payments.scheme import Scheme
from primarycare.payments.scheme_reference import reference_scheme_lines
from tests.property.test_payments_agree import inputs_for

WEIGHTS = ((1.0,), (0.5, 0.5), (0.5, 0.3, 0.2))


def random_scheme(inputs, rng: random.Random, baseline: str | None, guaranteed: float, goals: int) -> Scheme:
    economy = inputs.economy
    indicators = sorted(economy.indicators["indicator_code"])
    practices = [p.code for p in economy.practices]
    who = rng.choice(["all", "codes", "commissioners"])
    chosen = {
        "all": {"all": True},
        "codes": {"codes": rng.sample(practices, rng.randint(1, len(practices)))},
        "commissioners": {"commissioners": [rng.choice([p.commissioner_code for p in economy.practices])]},
    }[who]
    kept = rng.sample(indicators, rng.randint(0, min(8, len(indicators))))
    scheme = {
        "name": "random",
        "source": "property test",
        "practices": chosen,
        "kept_indicators": kept,
        "thresholds": {code: _limits(rng) for code in kept if rng.random() < 0.3},
        "investments": [
            {"code": f"I{i}", "name": "per head", "gbp_per_head": round(rng.uniform(0, 12), 2), "population": age}
            for i, age in enumerate(rng.sample(["all", "65OV", "75OV"], rng.randint(0, 2)))
        ],
    }
    if baseline is not None:
        scheme["released_qof"] = {"baseline": baseline, "guaranteed_share": guaranteed}
        if baseline == "per_weighted_patient":
            scheme["released_qof"]["gbp_per_weighted_patient"] = round(rng.uniform(5, 40), 2)
        scheme["goals"] = [
            {"code": f"G{g}", "name": "goal", "weight": weight, "indicators": rng.sample(indicators, 3), **_limits(rng)}
            for g, weight in enumerate(WEIGHTS[goals - 1] if goals else ())
        ]
    return Scheme.model_validate(scheme)


def _limits(rng: random.Random) -> dict:
    lower = rng.choice([0, 20.0, 45.5, 60])
    return {"lower_pct": lower, "upper_pct": min(100, lower + rng.choice([10, 25.0, 37.5, 40]))}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    practices=st.integers(min_value=1, max_value=20),
    seed=st.integers(min_value=0, max_value=10**6),
    start=st.integers(min_value=2014, max_value=2025),
    baseline=st.none() | st.sampled_from(["current_value", "per_weighted_patient", "prior_year_value"]),
    guaranteed=st.sampled_from([0.0, 0.25, 1.0]) | st.floats(min_value=0, max_value=1),
    goals=st.integers(min_value=0, max_value=3),
    extras=st.booleans(),
)
def test_fast_and_reference_scheme_lines_agree_to_the_penny(
    practices, seed, start, baseline, guaranteed, goals, extras
):
    prior = baseline == "prior_year_value" or (extras and seed % 2 == 0)
    inputs = inputs_for(practices, seed, start, prior=prior, extras=extras)
    scheme = random_scheme(inputs, random.Random(seed), baseline, guaranteed, goals)
    fast = scheme_lines(inputs, scheme).select("PRACTICE_CODE", "COMPONENT", "ITEM", "PENCE")
    assert sorted(fast.iter_rows()) == sorted(reference_scheme_lines(inputs, scheme))
