"""Practices that kept out-of-hours responsibility (the economy's ``ooh_opted_out = N``, or every practice when the
scenario's ``ooh_provider`` is ``practices``) cover their own patients out of hours.

Mechanism: the patient calls the practice's own out-of-hours line, not NHS 111, and the practice's on-call GP (one
for the practice, on call whenever the surgery is closed) assesses at once if free, knowing the patient and with the
notes to hand. The clinical need is the one 111 would have found (the same keyed disposition draw): an ambulance or
A&E need goes there, advice ends the call, and a primary-care need is an OOH case the GP sees through (at the
surgery or at home where it needs it), one call after another. A GP
who was working between 00:00 and 07:00 before a working day takes the next morning's session off (a working-time
rest rule: an assumption with a range, ``night_rest_sessions``), so the practice loses a session's clinician time
(``appointments_per_session`` appointments at the published mix of modes, the needs it would meet at the practice's
own mix: modes.py) from that day's same-day book. The in-hours cost of taking OOH back therefore
follows from the night work the practice's own patients actually cause."""

from dataclasses import dataclass

import numpy as np

from primarycare.simulation.calendar import Year
from primarycare.simulation.draws import Draws
from primarycare.simulation.engine import constant_rota, station
from primarycare.simulation.flags import referral_chance

MINUTES = 1 / 60
DISPOSITIONS = ("ambulance", "ae", "primary_care", "other", "none")
NIGHT = (0.0, 7.0)  # hours of the day whose work costs the next morning's session


@dataclass(frozen=True)
class OwnCover:
    started: np.ndarray  # when the on-call GP took each call (the clock runs from the call: no 111 in between)
    done: np.ndarray  # when the assessment ended (a referral to A&E leaves then)
    disposition: np.ndarray  # as 111's: 0 ambulance, 1 A&E, 2 primary care (an OOH case), 3 other, 4 none
    conveyed: np.ndarray  # ambulance dispositions conveyed to A&E
    palliative: np.ndarray
    care_home: np.ndarray
    urgent: np.ndarray
    referred: np.ndarray
    outcome: np.ndarray  # 0 telephone, 1 surgery, 2 home
    busy_hours: float  # the on-call GPs' time on counted cases
    lost_sessions: np.ndarray  # practices x working days: sessions given up after night work


def own_cover(v: dict, year: Year, ids, times, practice, practices: int, draws: Draws, counted, flags) -> OwnCover:
    """The cases of practices covering their own patients: ``ids``, ``times`` (sorted) and ``practice`` (the
    chunk's index) of their needs; ``flags``: per practice, the chances that a need is a palliative patient's and a
    care-home resident's (flags.py)."""
    disposition = draws.choice(ids, "disposition", [v[f"disposition_{d}"] for d in DISPOSITIONS])
    conveyed = (disposition == 0) & draws.bernoulli(ids, "conveyed", v["ambulance_conveyed_share"])
    case = disposition == 2
    palliative = draws.bernoulli(ids, "palliative", flags[0][practice]) & case
    care_home = draws.bernoulli(ids, "care_home", flags[1][practice]) & case
    urgent = draws.bernoulli(ids, "urgent", v["urgent_share"])
    assessing = draws.exponential(ids, "assessing", v["assessment_minutes"] * MINUTES)
    referred = draws.bernoulli(ids, "referral", referral_chance(v, palliative, care_home, True)) & case
    outcome = draws.choice(ids, "outcome", [v["ooh_telephone_share"], v["ooh_base_share"], v["ooh_home_share"]])
    outcome = np.where(case, np.where(care_home & (outcome == 1), 2, outcome), 0)
    minutes = np.array([0.0, v["base_visit_minutes"], v["home_visit_minutes_local"]])[outcome]
    seeing = np.where(referred, 0.0, draws.exponential(ids, "visit", 1.0) * minutes * MINUTES)
    started = np.empty(times.size)
    working = np.flatnonzero(year.working_day)
    day_index = np.full(year.working_day.size, -1)
    day_index[working] = np.arange(working.size)
    rota = constant_rota(1)
    for p in np.unique(practice):
        mine = np.flatnonzero(practice == p)
        started[mine], _ = station(times[mine], assessing[mine] + seeing[mine], rota)
    lost = _nights_worked(started, started + assessing + seeing, practice, day_index, (practices, working.size))
    return OwnCover(
        started,
        started + assessing,
        disposition,
        conveyed,
        palliative,
        care_home,
        urgent,
        referred,
        outcome,
        float((assessing + seeing)[counted].sum()),
        lost * v["night_rest_sessions"],
    )


def _nights_worked(started, finished, practice, day_index: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """practices x working days: 1 where the practice's GP worked between 00:00 and 07:00 that morning (a case
    reaches into the night window of the day it starts on, or of the next day if it runs past midnight)."""
    worked = np.zeros(shape)
    day = (started // 24).astype(np.int64)
    for d in (day, day + 1):
        inside = d < day_index.size
        hit = inside & (started < d * 24 + NIGHT[1]) & (finished > d * 24 + NIGHT[0])
        hit[inside] &= day_index[d[inside]] >= 0
        worked[practice[hit], day_index[d[hit]]] = 1
    return worked
