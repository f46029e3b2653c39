"""Needs on their way through the model, as parallel arrays."""

import numpy as np

NO_PRACTICE = -1


class Routed:
    """Needs on their way: id, when, whether counted (arose after the warm-up), practice of a failed attempt."""

    def __init__(self, ids, times, counted, practice):
        self.ids, self.times, self.counted, self.practice = ids, times, counted, practice

    def __getitem__(self, keep: np.ndarray) -> "Routed":
        at = np.flatnonzero(keep) if keep.dtype == bool else keep  # positions once, then four cheap takes
        return Routed(self.ids[at], self.times[at], self.counted[at], self.practice[at])

    @staticmethod
    def joined(parts: list["Routed"], in_order: bool = True) -> "Routed":
        every = Routed(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in ("ids", "times", "counted", "practice"))
        )
        return every[np.argsort(every.times, kind="stable")] if in_order else every


def later(routed: Routed, hours: float) -> Routed:
    return Routed(routed.ids, routed.times + hours, routed.counted, routed.practice)
