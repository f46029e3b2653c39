"""England's working days and UK local time, shared by every clock that counts in working days.

Instants are kept in UTC; UK local time (GMT in winter, BST in summer) is only for showing and for rules written in
local time (08:00 on a working day)."""

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

UK = ZoneInfo("Europe/London")


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday, except England's bank holidays."""
    return day.weekday() < 5 and not is_bank_holiday(day)


def uk_local(instant: datetime) -> datetime:
    """The instant in UK local time (an aware datetime)."""
    return require_aware(instant).astimezone(UK)


def from_uk_local(value: datetime) -> datetime:
    """A naive UK wall-clock time as a UTC instant; an aware one is simply converted. A wall-clock time the clocks
    skip (01:00-01:59 on the last Sunday of March) is refused (ValueError); one they pass twice (01:00-01:59 on the
    last Sunday of October) is the first, in summer time."""
    if value.tzinfo is None:
        local = value.replace(tzinfo=UK)
        if local.astimezone(UTC).astimezone(UK).replace(tzinfo=None) != value:
            raise ValueError(f"{value:%H:%M on %d %b %Y} is not a UK local time: the clocks go forward an hour then")
        value = local
    return value.astimezone(UTC)


def in_repeated_hour(instant: datetime) -> bool:
    """The instant's UK wall-clock time happens twice (01:00-01:59 on the last Sunday of October)."""
    local = uk_local(instant)
    return local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset()


def require_aware(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError(f"{instant.isoformat()} carries no time zone: instants are aware (UTC inside)")
    return instant


def next_working_day_at(instant: datetime, hour: int = 8) -> datetime:
    """08:00 (UK local) on the first working day whose 08:00 comes after ``instant``, as a UTC instant."""
    local = uk_local(instant)
    day = local.date()
    while True:
        candidate = datetime.combine(day, time(hour), tzinfo=UK)
        if is_working_day(day) and candidate > local:
            return candidate.astimezone(UTC)
        day += timedelta(days=1)


def hour_of_week(instant: datetime) -> int:
    """0 for Monday 00:00-00:59 UK local time, up to 167 for Sunday 23:00."""
    local = uk_local(instant)
    return local.weekday() * 24 + local.hour


def month_of(instant: datetime) -> str:
    """The UK local calendar month, 'YYYY-MM'."""
    return uk_local(instant).strftime("%Y-%m")


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """The UTC instants at which a UK local month 'YYYY-MM' starts and the next one starts."""
    try:
        first = datetime.strptime(month, "%Y-%m")
    except ValueError:
        raise ValueError(f"month {month!r} is not YYYY-MM") from None
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return from_uk_local(first), from_uk_local(following)


def previous_months(month: str, count: int) -> list[str]:
    """``count`` months ending with ``month``, oldest first."""
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + number - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]
