"""The simulated year, hour by hour from the Monday on or before 1 April (the warm-up weeks before it): hour of week
and whether it is in hours (08:00-18:30 on weekdays that are not bank holidays in England)."""

from dataclasses import dataclass
from datetime import date, timedelta

import holidays
import numpy as np

from primarycare.economy.vocabulary import parse_year

WEEKS = 52


@dataclass(frozen=True)
class Year:
    start: date  # a Monday
    weeks: int
    hour_of_week: np.ndarray  # per hour of the run
    in_hours_hour: np.ndarray  # bool per hour: the whole hour is in hours (08:00-18:00)
    working_day: np.ndarray  # bool per day
    bank_holidays: int

    @property
    def hours(self) -> int:
        return self.weeks * 168


def year_calendar(year: str, weeks: int = WEEKS, warmup_weeks: int = 0) -> Year:
    """``weeks`` in all; the counted weeks start on the Monday on or before 1 April of the year, after
    ``warmup_weeks`` simulated before it, so the counted year is the same whatever the warm-up."""
    first = date(parse_year(year), 4, 1)
    start = first - timedelta(days=first.weekday(), weeks=warmup_weeks)
    days = [start + timedelta(days=d) for d in range(weeks * 7)]
    england = holidays.country_holidays("GB", subdiv="ENG", years={d.year for d in days})
    working = np.array([d.weekday() < 5 and d not in england for d in days])
    hours = np.arange(weeks * 168)
    hour_of_day = hours % 24
    in_hours = working[hours // 24] & (hour_of_day >= 8) & (hour_of_day < 18)
    return Year(start, weeks, hours % 168, in_hours, working, int(sum(d in england for d in days)))


def in_hours_at(calendar: Year, times: np.ndarray) -> np.ndarray:
    """Whether each time (hours from the start) falls in hours: 08:00-18:30 on a working day."""
    day = np.clip((times // 24).astype(np.int64), 0, calendar.working_day.size - 1)
    clock = times % 24
    return calendar.working_day[day] & (clock >= 8) & (clock < 18.5)


def month_index(calendar: Year, times: np.ndarray) -> np.ndarray:
    """Calendar month of each time, counted from the month the run starts in (0, 1, ...)."""
    days = np.datetime64(calendar.start) + np.arange(calendar.working_day.size)
    by_day = days.astype("datetime64[M]").astype(np.int64) - np.datetime64(calendar.start, "M").astype(np.int64)
    return by_day[np.clip((np.asarray(times) // 24).astype(np.int64), 0, calendar.working_day.size - 1)]


def month_labels(calendar: Year) -> list[str]:
    """YYYY-MM of each month the run touches, from its first."""
    first = np.datetime64(calendar.start, "M")
    last = (np.datetime64(calendar.start) + calendar.working_day.size - 1).astype("datetime64[M]")
    return [str(first + k) for k in range(int((last - first).astype(np.int64)) + 1)]
