"""The A&E department on hand-made attendances: one clinician, known treatment times, the 4-hour standard."""

import numpy as np
import pytest

from primarycare.simulation.ae import department
from primarycare.simulation.draws import Draws
from primarycare.simulation.engine import constant_rota


class Fixed(Draws):
    """Treatment times given by hand instead of drawn."""

    def __init__(self, hours):
        super().__init__(1, 0, 0)
        self.hours = np.asarray(hours, dtype=float)

    def exponential(self, ids, decision, mean):
        assert decision == "ae_treatment"
        return self.hours[ids.astype(np.int64)]


@pytest.mark.parametrize(
    ("arrivals", "treatments", "counted", "within", "wait_hours"),
    [
        # one clinician: the second waits 3 h for the first, then 1.5 h of treatment: 4.5 h in the department
        ([0.0, 0.0], [3.0, 1.5], [True, True], 1, 3.0),
        # the first arrived in the warm-up: simulated (the second still waits) but not counted
        ([0.0, 0.0], [3.0, 0.5], [False, True], 1, 3.0),
        # a treatment longer than 4 hours breaches with no wait at all
        ([0.0, 10.0], [4.5, 1.0], [True, True], 1, 0.0),
    ],
)
def test_waits_and_the_four_hour_standard(arrivals, treatments, counted, within, wait_hours):
    ids = np.arange(len(arrivals), dtype=np.uint64)
    _, found = department(ids, np.array(arrivals), np.array(counted), constant_rota(1), 60.0, Fixed(treatments))
    assert found["ae_seen"] == sum(counted)
    assert found["ae_within_4h"] == within
    assert found["ae_wait_hours"] == pytest.approx(wait_hours)
