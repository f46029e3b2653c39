"""A local GP co-operative staffs its out-of-hours rota with the member practices' own GPs, so its night shifts cost
the members in-hours sessions, as a practice's own on-call GP's do (own_ooh.py).

Mechanism: on the night before each working day, the co-operative's clinicians on duty between 00:00 and 07:00
(the most on duty in any of those hours, over the assessment, base-visit and home-visit rotas) are GPs of its member
practices, each from a member drawn in proportion to its registered list (a keyed draw per night and GP); each
takes ``night_rest_sessions`` off that morning (the working-time rest rule, an assumption with a range), so the
member loses a session's clinician time (``appointments_per_session`` appointments at the published mix of modes,
the needs it would meet at the member's own mix: modes.py) from the same-day book for each. A remote provider's
clinicians are its own staff and cost the practices nothing in hours."""

import numpy as np

from primarycare.simulation.calendar import Year
from primarycare.simulation.draws import Draws
from primarycare.simulation.own_ooh import NIGHT

CLINICAL_STATIONS = ("assessment", "base_visits", "home_visits")


def coop_lost_sessions(v: dict, year: Year, rotas: dict, list_size: np.ndarray, members: np.ndarray, draws: Draws):
    """practices x working days: sessions the members give up after the co-operative's night shifts."""
    working = np.flatnonzero(year.working_day)
    lost = np.zeros((list_size.size, working.size))
    weights = np.where(members, list_size, 0.0)
    if not weights.sum():
        return lost
    on_duty = sum(np.asarray(rotas[name], dtype=np.int64) for name in CLINICAL_STATIONS)
    night = np.arange(int(NIGHT[0]), int(NIGHT[1]))
    gps = np.array([on_duty[(day % 7) * 24 + night].max() for day in working], dtype=np.int64)
    day, gp = np.repeat(np.arange(working.size), gps), np.arange(gps.sum()) - np.repeat(np.cumsum(gps) - gps, gps)
    whose = draws.choice((day.astype(np.uint64) << np.uint64(16)) | gp.astype(np.uint64), "coop_gp", weights)
    np.add.at(lost, (whose, day), v["night_rest_sessions"])
    return lost
