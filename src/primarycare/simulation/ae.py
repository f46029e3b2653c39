"""A&E as a station: every attendance, from every route and the background, waits for a clinician on the
department's fixed rota (first come, first served), is treated, and leaves; the 4-hour standard is met when arrival
to leaving takes 4 hours or less. Crowding is therefore an output: more attendances against the same rota mean
longer waits and fewer patients within 4 hours.

Background attendances (injuries and everything the model does not route) arise per hour with a rate that depends
on the population's ages (``[ae_age_rates]`` in parameters.toml, scaled so the un-aged economy averages
``background_ae_per_1000_per_year``), so an older population brings more of them."""

import numpy as np

from primarycare.simulation.calendar import Year
from primarycare.simulation.draws import Draws
from primarycare.simulation.engine import station

AE_BACKGROUND = np.uint64(1 << 61)  # background attendances' ids: this bit set
FOUR_HOURS = 4.0


def background_arrivals(year: Year, hour_weights: np.ndarray, per_year: float, draws: Draws) -> np.ndarray:
    """Sorted arrival times (hours) of background attendances: a Poisson count per hour, spread within it."""
    expected = per_year * year.weeks / 52 * hour_weights / hour_weights.sum()
    stream = draws.counts["ae_background"]
    per_hour = stream.poisson(expected)
    hours = np.repeat(np.arange(year.hours), per_hour)
    return np.sort(hours + stream.random(hours.size))


def hour_weights(year: Year, by_hour: tuple[float, ...], monday: float) -> np.ndarray:
    hours = np.arange(year.hours)
    return np.array(by_hour)[hours % 24] * np.where((hours // 24) % 7 == 0, monday, 1.0)


def department(ids, times, counted, rota: np.ndarray, treatment_minutes: float, draws: Draws):
    """When each attendance (``times`` sorted) was seen, and the waits and 4-hour standard of the counted ones."""
    treating = draws.exponential(ids, "ae_treatment", treatment_minutes / 60)
    seen, _ = station(times, treating, rota)
    waited = seen - times
    within = (waited + treating) <= FOUR_HOURS
    return seen, {
        "ae_seen": float(counted.sum()),
        "ae_within_4h": float(within[counted].sum()),
        "ae_wait_hours": float(waited[counted].sum()),
        "ae_treatment_hours": float(treating[counted].sum()),
    }
