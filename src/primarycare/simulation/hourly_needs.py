"""Needs that arise hour by hour, from the practices' patients weighted by age and deprivation.

Out of hours: a need for care while the practice is closed (``ooh_needs_per_1000_per_year``, by the hour-of-day
profile). In the day: patients who call NHS 111 first while their practice is open (111 answers around the
clock; ``daytime_111_per_1000_per_year``, a free parameter fitted to 111's published call volume, since the share of
its calls made in working hours is not among the reference's figures), spread evenly over 08:00-18:30 on working
days; 111 triages them as any caller: an ambulance or A&E (their own A&E route, ``daytime_111``), their own practice
(primary care in hours), or another service or none."""

import numpy as np

from primarycare.simulation.calendar import Year
from primarycare.simulation.draws import OOH_NEED, Draws
from primarycare.simulation.routed import NO_PRACTICE, Routed


def daytime_weights(year: Year) -> np.ndarray:
    """Relative daytime 111 calls per hour of the year: 1 for each whole hour in hours, a half for 18:00-18:30."""
    hours = np.arange(year.hours)
    clock = hours % 24
    working = year.working_day[hours // 24]
    return np.where(working & (clock >= 8) & (clock < 18), 1.0, 0.0) + np.where(working & (clock == 18), 0.5, 0.0)


def daytime_times(year: Year, expected: np.ndarray, stream: np.random.Generator) -> np.ndarray:
    """Sorted call times: a Poisson count per hour (``expected``), spread evenly within the hour (18:00-18:30 in a
    working day's 18:00 hour)."""
    hours = np.repeat(np.arange(year.hours), stream.poisson(expected))
    offset = stream.random(hours.size)
    half = (hours % 24 == 18) & year.working_day[hours // 24]
    return np.sort(hours + np.where(half, 0.5 * offset, offset))


def needs_by_hour(year: Year, expected: np.ndarray, draws: Draws, start: float, daytime: np.ndarray):
    """Out-of-hours needs: a Poisson count per hour of the year (``expected``), spread evenly within the hour (from
    18:30 in a working day's 18:00 hour), with the daytime 111 callers (``daytime``: expected per hour), all in time
    order; and how many are out of hours. Ids: an OOH need's is its place among the OOH needs (so it meets the same
    fate however many call in the day), a daytime caller's follows them."""
    arrivals = draws.counts["ooh_arrivals"]
    hours = np.repeat(np.arange(year.hours), arrivals.poisson(expected))
    offset = arrivals.random(hours.size)
    half = (hours % 24 == 18) & year.working_day[hours // 24]
    calls = daytime_times(year, daytime, draws.counts["daytime_111"])
    times = np.concatenate([np.sort(hours + np.where(half, 0.5 + 0.5 * offset, offset)), calls])
    order = np.argsort(times, kind="stable")
    times, ids = times[order], OOH_NEED | order.astype(np.uint64)
    return Routed(ids, times, times >= start, np.full(times.size, NO_PRACTICE)), hours.size


def ooh_weights(year: Year, profile: tuple[tuple[float, ...], tuple[float, ...]]) -> np.ndarray:
    """Relative OOH demand per hour of the year from 24 weights for working days and 24 for the other days."""
    hours = np.arange(year.hours)
    clock = hours % 24
    working = year.working_day[hours // 24]
    weekday = np.array(profile[0])[clock]
    weekend = np.array(profile[1])[clock]
    weight = np.where(working, weekday, weekend)
    in_hours = working & (clock >= 8) & (clock < 18)
    weight = np.where(in_hours, 0.0, weight)
    return np.where(working & (clock == 18), weight * 0.5, weight)
