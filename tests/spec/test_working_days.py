"""The working-day calendar both OOH parts use: 08:00 (UK local) on the first working day whose 08:00 comes after
an instant, across weekends, England's bank holidays (Christmas, Easter) and the clock changes."""

from datetime import UTC, datetime

import pytest

from primarycare.economy.calendar import from_uk_local, in_repeated_hour, next_working_day_at, uk_local
from tests.spec.ooh_cases import uk

ROWS = [
    ("Tuesday evening", "2026-01-13 20:00", "2026-01-14T08:00:00+00:00"),
    ("just before 08:00 on a working day", "2026-01-14 07:59", "2026-01-14T08:00:00+00:00"),
    ("08:00 exactly is not after", "2026-01-14 08:00", "2026-01-15T08:00:00+00:00"),
    ("Friday night", "2026-01-16 23:00", "2026-01-19T08:00:00+00:00"),
    ("Saturday", "2026-01-17 12:00", "2026-01-19T08:00:00+00:00"),
    (
        "Christmas Eve 2025 (Wednesday) evening: Christmas and Boxing Day, then the weekend",
        "2025-12-24 19:00",
        "2025-12-29T08:00:00+00:00",
    ),
    (
        "Christmas Eve 2026 (Thursday): Friday 25th, weekend, Monday 28th substitute Boxing Day",
        "2026-12-24 19:00",
        "2026-12-29T08:00:00+00:00",
    ),
    ("New Year's Eve 2026", "2026-12-31 22:00", "2027-01-04T08:00:00+00:00"),
    ("Maundy Thursday 2026: Good Friday and Easter Monday", "2026-04-02 19:00", "2026-04-07T08:00:00+01:00"),
    ("Saturday before the March clock change", "2026-03-28 22:00", "2026-03-30T08:00:00+01:00"),
    ("Friday before the October clock change", "2026-10-23 20:00", "2026-10-26T08:00:00+00:00"),
    ("early May bank holiday weekend", "2026-05-01 19:00", "2026-05-05T08:00:00+01:00"),
]


@pytest.mark.parametrize(("what", "closed", "due"), [r for r in ROWS], ids=[r[0] for r in ROWS])
def test_next_working_day_0800(what, closed, due):
    assert uk_local(next_working_day_at(uk(closed))).isoformat() == due


# UK wall-clock time to UTC: (wall-clock time, the UTC instant, or None where the clocks skip it)
WALL_CLOCK = [
    (datetime(2026, 1, 15, 9, 0), datetime(2026, 1, 15, 9, 0, tzinfo=UTC)),  # GMT
    (datetime(2026, 7, 1, 20, 0), datetime(2026, 7, 1, 19, 0, tzinfo=UTC)),  # BST
    (datetime(2026, 3, 29, 0, 59), datetime(2026, 3, 29, 0, 59, tzinfo=UTC)),  # the last minute of GMT
    (datetime(2026, 3, 29, 1, 30), None),  # the clocks go from 01:00 to 02:00: never happens
    (datetime(2026, 3, 29, 2, 0), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
    (datetime(2026, 10, 25, 1, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # happens twice: the first (BST)
    (datetime(2026, 10, 25, 2, 0), datetime(2026, 10, 25, 2, 0, tzinfo=UTC)),
]


@pytest.mark.parametrize(("wall_clock", "instant"), WALL_CLOCK)
def test_uk_wall_clock_times_become_instants(wall_clock, instant):
    if instant is None:
        with pytest.raises(ValueError, match="the clocks go forward"):
            from_uk_local(wall_clock)
    else:
        assert from_uk_local(wall_clock) == instant


def test_the_hour_the_clocks_go_back_is_named():
    assert in_repeated_hour(datetime(2026, 10, 25, 0, 30, tzinfo=UTC))  # 01:30 BST
    assert in_repeated_hour(datetime(2026, 10, 25, 1, 30, tzinfo=UTC))  # 01:30 GMT
    assert not in_repeated_hour(datetime(2026, 10, 25, 2, 30, tzinfo=UTC))
    assert not in_repeated_hour(datetime(2026, 7, 1, 0, 30, tzinfo=UTC))
