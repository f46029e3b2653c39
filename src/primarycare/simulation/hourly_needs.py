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


def _clock(year: Year) -> tuple[np.ndarray, np.ndarray]:
    """Each hour of the year's hour of the day, and whether its day is a working day."""
    hours = np.arange(year.hours)
    return hours % 24, year.working_day[hours // 24]


def _times(year: Year, expected: np.ndarray, stream: np.random.Generator, late: bool) -> np.ndarray:
    """Sorted times: a Poisson count per hour (``expected``), spread evenly within the hour; in a working day's 18:00
    hour over 18:30-19:00 (``late``: out of hours) or 18:00-18:30 (in hours)."""
    hours = np.repeat(np.arange(year.hours), stream.poisson(expected))
    offset = stream.random(hours.size)
    half = (hours % 24 == 18) & year.working_day[hours // 24]
    return np.sort(hours + np.where(half, (0.5 if late else 0.0) + 0.5 * offset, offset))


def daytime_weights(year: Year) -> np.ndarray:
    """Relative daytime 111 calls per hour of the year: 1 for each whole hour in hours, a half for 18:00-18:30."""
    clock, working = _clock(year)
    return np.where(working & (clock >= 8) & (clock < 18), 1.0, 0.0) + np.where(working & (clock == 18), 0.5, 0.0)


def daytime_times(year: Year, expected: np.ndarray, stream: np.random.Generator) -> np.ndarray:
    """Sorted daytime 111 call times (``expected`` per hour of the year)."""
    return _times(year, expected, stream, late=False)


def needs_by_hour(year: Year, expected: np.ndarray, draws: Draws, start: float, daytime: np.ndarray):
    """Out-of-hours needs (``expected`` per hour of the year) with the daytime 111 callers (``daytime``: expected per
    hour), all in time order; and how many are out of hours. Ids: an OOH need's is its place among the OOH needs (so
    it meets the same fate however many call in the day), a daytime caller's follows them."""
    ooh = _times(year, expected, draws.counts["ooh_arrivals"], late=True)
    times = np.concatenate([ooh, daytime_times(year, daytime, draws.counts["daytime_111"])])
    order = np.argsort(times, kind="stable")
    times, ids = times[order], OOH_NEED | order.astype(np.uint64)
    return Routed(ids, times, times >= start, np.full(times.size, NO_PRACTICE)), ooh.size


def ooh_weights(year: Year, profile: tuple[tuple[float, ...], tuple[float, ...]]) -> np.ndarray:
    """Relative OOH demand per hour of the year from 24 weights for working days and 24 for the other days."""
    clock, working = _clock(year)
    weight = np.where(working, np.array(profile[0])[clock], np.array(profile[1])[clock])
    weight = np.where(working & (clock >= 8) & (clock < 18), 0.0, weight)
    return np.where(working & (clock == 18), weight * 0.5, weight)
