"""What a patient does after finding no appointment: a multinomial logit over waiting for a routine appointment,
calling NHS 111, going to A&E and trying the practice again on its next working day (a repeat request in that day's
book, in_hours.py), by the patient's attributes and the day of the failure.

The utility of each alternative is a constant plus:
- waiting and trying again: − ``choice_weekend_wait`` × (days until the practice's next working day − 1): a patient
  who fails on a Friday, or before a bank holiday, faces days without the practice, so both are less attractive;
- A&E: ``choice_deprivation_ae`` × ln(the patient's deprivation multiplier for A&E, deprivation.py): the odds of
  A&E follow the same deprivation gradient as A&E attendances (1: the same elasticity; 0: none).

The constants are fitted once, so that England's reference mix (failures spread evenly over the five weekdays, a
Friday's next working day 3 days on, and evenly over the deprivation fifths) gives the stated shares
(``failed_access_waits``, ``failed_access_calls_111``, ``failed_access_goes_to_ae``,
``failed_access_tries_again``). An economy or a scenario with
another mix (more deprived patients, failures moved off Fridays by a hub, a bank-holiday week) gets other shares:
the model's answer, not an input. With both coefficients 0 every patient has the stated shares."""

import numpy as np

from primarycare.simulation.deprivation import multipliers

ALTERNATIVES = (
    "failed_access_waits",
    "failed_access_calls_111",
    "failed_access_goes_to_ae",
    "failed_access_tries_again",
)
WAIT, CALL_111, AE, TRIES_AGAIN = range(4)


def utilities(constants: np.ndarray, days_to_next: np.ndarray, ae_multiplier: np.ndarray, v: dict) -> np.ndarray:
    """One row of utilities per patient (columns in ALTERNATIVES order)."""
    u = np.tile(np.asarray(constants, dtype=np.float64), (len(days_to_next), 1))
    closed = v["choice_weekend_wait"] * (np.asarray(days_to_next, dtype=np.float64) - 1)
    u[:, WAIT] -= closed
    u[:, TRIES_AGAIN] -= closed
    u[:, AE] += v["choice_deprivation_ae"] * np.log(ae_multiplier)
    return u


def probabilities(u: np.ndarray) -> np.ndarray:
    e = np.exp(u - u.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def reference_mix(v: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """England's reference mix: (days to the next working day, A&E deprivation multiplier, weight) per cell."""
    days = np.repeat([1.0, 3.0], 5)  # Monday to Thursday, then Friday
    weight = np.repeat([4 / 5, 1 / 5], 5) / 5
    return days, np.tile(multipliers(v["deprivation_ae_ratio"]), 2), weight


def constants(v: dict) -> np.ndarray:
    """The constants that give the stated shares on the reference mix (each step scales every alternative's odds by
    its target over its current share; the fit converges because the logit's shares rise with their constants)."""
    target = np.array([v[name] for name in ALTERNATIVES], dtype=np.float64)
    target = target / target.sum()
    fitted = np.log(np.maximum(target, 1e-300))
    days, multiplier, weight = reference_mix(v)
    for _ in range(500):
        share = weight @ probabilities(utilities(fitted, days, multiplier, v))
        step = np.log(np.maximum(target, 1e-300)) - np.log(np.maximum(share, 1e-300))
        fitted = fitted + step
        if np.abs(step[target > 0]).max() < 1e-12:
            break
    return fitted


def shares(v: dict, days_to_next: np.ndarray, ae_multiplier: np.ndarray, fitted: np.ndarray | None = None):
    """Each patient's probabilities of waiting, calling 111, going to A&E and trying again (``fitted``: constants(v)
    worked out once by the caller)."""
    return probabilities(utilities(constants(v) if fitted is None else fitted, days_to_next, ae_multiplier, v))


def days_to_next_working_day(working_day: np.ndarray) -> np.ndarray:
    """For each day of the run: days until the next working day (1 on Monday to Thursday, 3 on a Friday); 1 past
    the last working day."""
    working = np.flatnonzero(working_day)
    days = np.arange(len(working_day))
    after = np.searchsorted(working, days, side="right")
    found = after < working.size
    return np.where(found, working[np.minimum(after, working.size - 1)] - days, 1)
