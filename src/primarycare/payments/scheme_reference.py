"""The slow, obvious reference for a local scheme: one practice at a time, plain Python, on the national reference.

It exists to check the fast scheme engine (local.py): both must give the same pence for every line."""

from collections import defaultdict
from dataclasses import replace

from primarycare.economy.vocabulary import age_band_lower
from primarycare.payments.inputs import PaymentInputs
from primarycare.payments.local import members
from primarycare.payments.money import pence
from primarycare.payments.reference import Line, reference_lines, reference_lists, reference_qof
from primarycare.payments.scheme import Scheme

_YOUNGEST = {"all": 0, "65OV": 65, "75OV": 75}


def reference_scheme_lines(inputs: PaymentInputs, scheme: Scheme) -> list[Line]:
    """Practices outside the scheme: their national lines. Members: the national lines of the indicators the scheme
    keeps (on its own thresholds where it sets them), the released money's guaranteed share, its share at risk paid
    by each goal's achievement between the goal's thresholds, and the scheme's new money per head."""
    inside = members(scheme, inputs.economy)
    kept = None if scheme.released_qof is None else set(scheme.kept_indicators)
    own = inputs
    if scheme.thresholds:
        own = replace(inputs, thresholds={code: (t.lower_pct, t.upper_pct) for code, t in scheme.thresholds.items()})
    lines = [line for line in reference_lines(inputs) if line[0] not in inside]
    lines += [line for line in reference_lines(own, kept) if line[0] in inside]
    if scheme.released_qof is not None:
        lines += _released(inputs, scheme, kept, inside)
    lines += _investments(inputs, scheme, inside)
    return lines


def _pots(inputs: PaymentInputs, scheme: Scheme, kept: set[str], inside: set[str]) -> dict[str, int]:
    released = scheme.released_qof
    if released.baseline == "per_weighted_patient":
        weighted = reference_lists(inputs)[1]
        return {code: pence(weighted[code] * released.gbp_per_weighted_patient) for code in inside}
    source = inputs.prior if released.baseline == "prior_year_value" else inputs
    pots = dict.fromkeys(inside, 0)
    for code, indicator, amount in reference_qof(source):
        if code in inside and indicator not in kept:
            pots[code] += amount
    return pots


def _released(inputs: PaymentInputs, scheme: Scheme, kept: set[str], inside: set[str]) -> list[Line]:
    pots = _pots(inputs, scheme, kept, inside)
    guaranteed = scheme.released_qof.guaranteed_share
    lines = []
    if guaranteed > 0:
        lines += [
            (code, "LOCAL_SCHEME", "released QOF money (guaranteed)", pence(pot / 100 * guaranteed))
            for code, pot in pots.items()
        ]
    numerators, denominators = defaultdict(float), defaultdict(float)
    for row in inputs.economy.achievement.iter_rows(named=True):
        for number, goal in enumerate(scheme.goals):
            if row["indicator_code"] in goal.indicators:
                numerators[(row["practice_code"], number)] += row["numerator"] or 0.0
                denominators[(row["practice_code"], number)] += row["denominator"] or 0.0
    for number, goal in enumerate(scheme.goals):
        for code, pot in pots.items():
            fraction = 0.0
            if denominators[(code, number)] > 0:
                achieved = numerators[(code, number)] / denominators[(code, number)] * 100
                fraction = min(max((achieved - goal.lower_pct) / (goal.upper_pct - goal.lower_pct), 0.0), 1.0)
            amount = pence(pot / 100 * (1 - guaranteed) * goal.weight * fraction)
            lines.append((code, "LOCAL_SCHEME", f"{goal.code}: {goal.name}", amount))
    return lines


def _investments(inputs: PaymentInputs, scheme: Scheme, inside: set[str]) -> list[Line]:
    lines = []
    for investment in scheme.investments:
        counted = dict.fromkeys(inside, 0)
        for code, _, band, count in inputs.economy.lists.iter_rows():
            if code in inside and age_band_lower(band) >= _YOUNGEST[investment.population]:
                counted[code] += count
        item = f"{investment.code}: {investment.name}"
        lines += [(code, "LOCAL_SCHEME", item, pence(n * investment.gbp_per_head)) for code, n in counted.items()]
    return lines
