"""A&E as a station: every attendance, from every route and the background, waits for a clinician on the
department's fixed rota (first come, first served), is treated, and leaves; the 4-hour standard is met when arrival
to leaving takes 4 hours or less. Crowding is therefore an output: more attendances against the same rota mean
longer waits and fewer patients within 4 hours.

Background attendances (injuries and everything the model does not route) arise per hour with a rate that depends
on the population's ages (``[ae_age_rates]`` in parameters.toml, scaled so the un-aged economy averages
``background_ae_per_1000_per_year``), so an older population brings more of them."""

import numpy as np

from primarycare.simulation.calendar import Year, in_hours_at
from primarycare.simulation.draws import Draws
from primarycare.simulation.engine import HOURS_PER_WEEK, station
from primarycare.simulation.routed import NO_PRACTICE, Routed

AE_BACKGROUND = np.uint64(1 << 61)  # background attendances' ids: this bit set
AMBULANCE_999 = AE_BACKGROUND | np.uint64(1 << 58)  # 999 ambulance conveyances' ids: these bits set
UNROUTED = {"background": AE_BACKGROUND, "ambulance_999": AMBULANCE_999}  # arrivals no route of the model makes
FOUR_HOURS = 4.0


def background_arrivals(
    year: Year, hour_weights: np.ndarray, per_year: float, draws: Draws, stream: str = "ae_background"
) -> np.ndarray:
    """Sorted arrival times (hours) of attendances no route of the model makes (the background, or 999 ambulance
    conveyances: ``stream``): a Poisson count per hour, spread within it."""
    expected = per_year * year.weeks / 52 * hour_weights / hour_weights.sum()
    stream = draws.counts[stream]
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


def attendances(
    routes: dict[str, list[Routed]], unrouted: dict[str, np.ndarray], start: float, year: Year, counts: dict,
    practices: dict,
) -> tuple[Routed, np.ndarray]:  # fmt: skip
    """Every attendance in time order: each route's, and those no route makes (``unrouted``: the background's and 999
    ambulances' arrival times, UNROUTED), with each route's counted attendances (and those in hours) in ``counts``,
    the failed-access routes' per practice in ``practices`` (the chunk's counts, an array over its practices each),
    and the counted arrivals by hour of week."""
    practice_count = len(practices["ooh_needs"])
    every = {route: Routed.joined(parts, in_order=False) for route, parts in routes.items()}
    for route, times in unrouted.items():
        ids = UNROUTED[route] | np.arange(times.size, dtype=np.uint64)
        every[route] = Routed(ids, times, times >= start, np.full(times.size, NO_PRACTICE))
    by_hour = np.zeros(HOURS_PER_WEEK)
    for route, arrived in every.items():
        arrived = arrived[arrived.counted]
        counts[f"ae_{route}"] = float(arrived.times.size)
        counts[f"ae_{route}_in_hours"] = float(in_hours_at(year, arrived.times).sum())
        by_hour += np.bincount((arrived.times // 1).astype(np.int64) % HOURS_PER_WEEK, minlength=HOURS_PER_WEEK)
        if route.startswith("failed_access"):
            practices[f"ae_{route}"] = np.bincount(arrived.practice, minlength=practice_count).astype(np.float64)
    return Routed.joined(list(every.values())), by_hour
