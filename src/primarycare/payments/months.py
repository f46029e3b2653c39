"""The months of a financial year and which dated value is paid in each: as known at the time, and finally.

Month 1 is April, 12 is March; 13 onwards are the months after the year (the achievement payment lands in 15, June).
A month is paid at the value known by its last day; when a later-announced value covers a month already paid, the
difference (arrears) is paid in the month the value was announced."""

import calendar
from dataclasses import dataclass
from datetime import date

from primarycare.payments.parameters import Parameter

MONTH_NAMES = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")
ACHIEVEMENT_MONTH = 15  # June after the year ends


@dataclass(frozen=True)
class MonthRate:
    month: int  # 1 = April
    paid: Parameter  # the value known when the month was paid
    final: Parameter  # the value finally in force for the month
    arrears_month: int  # when the difference is paid (the month the final value was announced); = month if none


def month_start(year: str, month: int) -> date:
    """The first day of month ``month`` (1 = April) of the financial year starting in ``year``."""
    index = int(year[:4]) * 12 + 3 + (month - 1)
    return date(index // 12, index % 12 + 1, 1)


def month_end(year: str, month: int) -> date:
    start = month_start(year, month)
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def month_label(year: str, month: int) -> str:
    """'2023-04' for month 1 of 2023-24."""
    return month_start(year, month).strftime("%Y-%m")


def month_of(year: str, day: date) -> int:
    """The month number of ``day`` counted from April of the year (may be beyond 12 or below 1)."""
    return (day.year * 12 + day.month) - (int(year[:4]) * 12 + 4) + 1


def in_force(values: tuple[Parameter, ...], on: date, known_by: date | None) -> Parameter:
    """The value taking effect latest on or before ``on`` among those announced by ``known_by`` (None: all)."""
    known = [v for v in values if v.effective_from <= on and (known_by is None or v.announced <= known_by)]
    if not known:  # nothing announced yet covers the month: the earliest value is what was paid
        return values[0]
    return max(known, key=lambda v: (v.effective_from, v.announced))


def month_rates(year: str, values: tuple[Parameter, ...]) -> list[MonthRate]:
    """For each month of the year: the value paid at the time, the final value, and when any arrears land."""
    rates = []
    for month in range(1, 13):
        start = month_start(year, month)
        paid = in_force(values, start, month_end(year, month))
        final = in_force(values, start, None)
        landing = month if final == paid else max(month + 1, month_of(year, final.announced))
        rates.append(MonthRate(month, paid, final, landing))
    return rates


def span_label(first: int, last: int) -> str:
    """'Apr–Sep' for months 1 to 6; 'Oct' for one month."""
    names = [MONTH_NAMES[(m - 1) % 12] for m in (first, last)]
    return names[0] if first == last else f"{names[0]}–{names[1]}"
