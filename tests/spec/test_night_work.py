"""The rest rule of practices covering their own patients out of hours: work between 00:00 and 07:00 before a
working day costs that day's morning session. Times in hours from Monday 00:00 of the first week."""

from datetime import date

import numpy as np
import pytest

from primarycare.simulation.calendar import year_calendar
from primarycare.simulation.own_ooh import _nights_worked

YEAR = year_calendar("2023-24", 2)  # from Monday 27 March 2023: Good Friday (7 April) and Easter Monday (10 April)
MON, TUE, SAT, SUN = 0, 24, 5 * 24, 6 * 24

CASES = [
    # started, finished, working day (date) losing its session, or None
    (MON + 2.0, MON + 2.5, "Mon 27 Mar"),  # 02:00 on a Monday
    (MON + 23.5, TUE + 0.3, "Tue 28 Mar"),  # runs past midnight into Tuesday's night window
    (MON + 21.0, MON + 22.0, None),  # evening only
    (TUE + 7.5, TUE + 8.0, None),  # after 07:00
    (TUE + 6.9, TUE + 7.2, "Tue 28 Mar"),  # began inside the window
    (SAT + 3.0, SAT + 4.0, None),  # Saturday is not a working day
    (SUN + 23.0, SUN + 24.5, "Mon 3 Apr"),  # Sunday night into Monday
    (11 * 24 + 1.0, 11 * 24 + 2.0, None),  # Friday 7 April: Good Friday, a bank holiday
]


@pytest.mark.parametrize(("started", "finished", "loses"), CASES)
def test_rest_rule(started, finished, loses):
    working = np.flatnonzero(YEAR.working_day)
    day_index = np.full(YEAR.working_day.size, -1)
    day_index[working] = np.arange(working.size)
    worked = _nights_worked(np.array([started]), np.array([finished]), np.array([0]), day_index, (1, working.size))
    days = [YEAR.start.toordinal() + int(d) for d in working[worked[0] == 1]]
    assert [date.fromordinal(d).strftime("%a %-d %b") for d in days] == ([loses] if loses else [])
