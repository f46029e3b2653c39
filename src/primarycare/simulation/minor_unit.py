"""Minor injury units (type 3 A&E). Minor needs (sprains, cuts, minor illness: what a walk-in unit treats) arise
hour by hour with the background's daily and Monday profile and the population's A&E age weights, at
``minor_needs_per_1000_per_year`` (a free parameter fitted to A&E attendances of all types, of which type 1 is the
department the model runs). While a unit is open (``minor_unit_opens`` to ``minor_unit_closes``, every day: an
assumption with a range) the patient goes there; when it is closed, to the type 1 department (the route
``minor_when_closed``). So a unit's opening hours move attendances between the types, and the published timing and
ambulance figures, which are of all types, can be compared with the model's all types."""

import numpy as np

from primarycare.simulation.ae import AE_BACKGROUND
from primarycare.simulation.engine import HOURS_PER_WEEK
from primarycare.simulation.routed import NO_PRACTICE, Routed

MINOR_NEED = AE_BACKGROUND | np.uint64(1 << 57)  # minor needs' ids: these bits set


def unit_open(times: np.ndarray, v: dict) -> np.ndarray:
    clock = times % 24
    return (clock >= v["minor_unit_opens"]) & (clock < v["minor_unit_closes"])


def minor_split(needs: np.ndarray, v: dict, start: float) -> tuple[Routed, np.ndarray]:
    """(the minor needs that go to type 1 A&E because the unit is closed, the counted arrivals at the unit by hour of
    week) from the minor needs' sorted times."""
    at_unit = unit_open(needs, v)
    closed = np.flatnonzero(~at_unit)
    times = needs[closed]
    to_ae = Routed(MINOR_NEED | closed.astype(np.uint64), times, times >= start, np.full(times.size, NO_PRACTICE))
    seen = needs[at_unit & (needs >= start)]
    return to_ae, np.bincount((seen // 1).astype(np.int64) % HOURS_PER_WEEK, minlength=HOURS_PER_WEEK).astype(float)
