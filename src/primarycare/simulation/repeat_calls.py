"""Repeat callers to NHS 111: a caller whose call ended with another service or no service needed may still be
unwell and call again (``repeat_call_share`` of them, an exponential delay of mean ``repeat_call_hours`` after the
call ended: assumptions with ranges). 111's rule: 3 or more calls within 96 hours bring at least a call from a clinician
(disposition Dx93: the practice within 1 hour, or out of hours when it is closed), so the third call within 96 hours
of the first is a primary-care disposition whatever the triage would have found.

A repeat call is the same patient: its id is the first call's with the attempt in bits 59-60, so each call takes its
own keyed decisions and first calls meet the same fate whether or not anyone calls again."""

import numpy as np

from primarycare.simulation.draws import Draws
from primarycare.simulation.own_ooh import DISPOSITIONS
from primarycare.simulation.routed import Routed

ATTEMPT = np.uint64(1 << 59)  # added once per repeat
ATTEMPTS = np.uint64(3 << 59)  # the attempt's bits
RULE_CALLS, RULE_HOURS = 3, 96.0
PRIMARY_CARE = DISPOSITIONS.index("primary_care")
UNRESOLVED = (DISPOSITIONS.index("other"), DISPOSITIONS.index("none"))


def with_repeats(first: Routed, v: dict, draws: Draws, horizon: float) -> tuple[Routed, np.ndarray, np.ndarray]:
    """Every call (the first calls and the repeats before ``horizon``), in time order, with its disposition index and
    whether it is a third call within 96 hours that the rule sent to a clinician."""
    weights = [v[f"disposition_{d}"] for d in DISPOSITIONS]
    parts, dispositions, ruled = [], [], []
    calls, since = first, np.zeros(first.ids.size)  # hours since the patient's first call
    for attempt in range(RULE_CALLS):
        disposition = draws.choice(calls.ids, "disposition", weights)
        by_rule = np.zeros(calls.ids.size, bool)
        if attempt == RULE_CALLS - 1:
            by_rule = (since <= RULE_HOURS) & (disposition != PRIMARY_CARE)
            disposition = np.where(since <= RULE_HOURS, PRIMARY_CARE, disposition)
        parts.append(calls)
        dispositions.append(disposition)
        ruled.append(by_rule)
        if attempt == RULE_CALLS - 1:
            break
        unresolved = np.isin(disposition, UNRESOLVED)
        again = unresolved & draws.bernoulli(calls.ids, "calls_again", v["repeat_call_share"])
        # from the call's end: its handling is the keyed time 111's station gives it (the wait to be answered, a
        # minute or so against a day, is left out: it is known only once every call, repeats too, is in the queue)
        handling = draws.exponential(calls.ids, "handling", v["call_handling_minutes"] / 60)
        delay = handling + draws.exponential(calls.ids, "calls_again_after", v["repeat_call_hours"])
        again &= calls.times + delay < horizon
        calls = Routed(
            calls.ids[again] + ATTEMPT, (calls.times + delay)[again], calls.counted[again], calls.practice[again]
        )
        since = (since + delay)[again]
    every = Routed.joined(parts, in_order=False)
    order = np.argsort(every.times, kind="stable")
    return every[order], np.concatenate(dispositions)[order], np.concatenate(ruled)[order]


def attempt(ids: np.ndarray) -> np.ndarray:
    """0 for a first call, 1 and 2 for repeats."""
    return ((ids & ATTEMPTS) >> np.uint64(59)).astype(np.int64)
