"""Random numbers that stay in step between scenarios (common random numbers that survive changes in routing).

Two kinds of randomness:
- **How many**: needs per practice and day, out-of-hours needs per hour, background A&E arrivals per hour. Each is
  its own numpy stream, drawn in a fixed number per run (one count per practice-day or hour), so a scenario that
  changes what happens to needs never changes which needs arise.
- **What happens to each need**: every decision (when in the day, what the patient does after failing to get an
  appointment, how long the 111 call lasts, the disposition, urgency, referral, ...) is a uniform number that is a
  pure function of (seed, replication, chunk, decision, the need's id). A need gets the same number for the same
  decision in every scenario however many other needs were routed differently before it: one stream per
  (entity, decision), drawn once per entity whether or not the decision is reached.

The keyed uniforms are SplitMix64 outputs (Steele, Lea and Flood 2014: the generator whose i-th output is a
bijective mix of seed + i x gamma; it passes BigCrush), seeded per decision from numpy's SeedSequence, with the
need's id as the position i."""

import numpy as np

GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
COUNTS = (
    "in_hours_demand",
    "ooh_arrivals",
    "ae_background",
    "routine_demand",
    "ambulance_999",
    "practice_referral",
    "daytime_111",
    "minor_needs",
)
DECISIONS = (
    "in_hours_time",
    "after_failure",
    "straight_to_ae",
    "handling",
    "disposition",
    "conveyed",
    "palliative",
    "urgent",
    "assessing",
    "referral",
    "outcome",
    "visit",
    "practice",
    "ae_treatment",
    "calls_again",
    "calls_again_after",
    "coop_gp",
    "care_home",
    "referral_time",
    "hub_time",
    "network_referral",
)
OOH_NEED = np.uint64(1 << 62)  # out-of-hours needs' ids: this bit set; in-hours needs' ids below it


def _mix(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


class Draws:
    """The random numbers of one (seed, replication, chunk)."""

    def __init__(self, seed: int, replication: int, chunk: int):
        def child(i: int) -> np.random.SeedSequence:
            return np.random.SeedSequence(seed, spawn_key=(replication, chunk, i))

        self.counts = {name: np.random.default_rng(child(i)) for i, name in enumerate(COUNTS)}
        self.keys = {
            name: child(100 + i).generate_state(1, np.uint64)[0] for i, name in enumerate(DECISIONS)
        }  # fmt: skip

    def uniform(self, ids: np.ndarray, decision: str) -> np.ndarray:
        """One number in [0, 1) per id for this decision."""
        with np.errstate(over="ignore"):
            mixed = _mix(self.keys[decision] + ids.astype(np.uint64) * GAMMA)
        return (mixed >> np.uint64(11)).astype(np.float64) * 2.0**-53

    def exponential(self, ids: np.ndarray, decision: str, mean: float) -> np.ndarray:
        return -np.log1p(-self.uniform(ids, decision)) * mean

    def bernoulli(self, ids: np.ndarray, decision: str, p) -> np.ndarray:
        return self.uniform(ids, decision) < p

    def choose(self, ids: np.ndarray, decision: str, probabilities: np.ndarray) -> np.ndarray:
        """Index of the option each id takes, from its own row of probabilities (rows add up to 1)."""
        cumulative = np.cumsum(probabilities, axis=1)
        u = self.uniform(ids, decision)[:, None] * cumulative[:, -1:]
        return np.minimum((u >= cumulative).sum(axis=1), probabilities.shape[1] - 1)

    def choice(self, ids: np.ndarray, decision: str, weights) -> np.ndarray:
        """Index of the option each id takes, options weighted by ``weights`` (need not add up to 1)."""
        cumulative = np.cumsum(np.asarray(weights, dtype=np.float64))
        picked = np.searchsorted(cumulative / cumulative[-1], self.uniform(ids, decision), side="right")
        return np.minimum(picked, cumulative.size - 1)
