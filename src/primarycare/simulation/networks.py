"""Primary care networks pooling capacity (the mechanisms behind "network hub on / off" and "7-day access").

- **Pooled same-day capacity** (``network_pooling``): a same-day need that finds no slot at its own practice takes a
  slot another practice of the network left unused that day, earliest-failing first. Pooling only adds slots, so
  it never raises failed access.
- **A network hub** (``network_hub``): evening (18:30-20:00 on working days) and Saturday (09:00-17:00)
  appointments, ``hub_minutes_per_1000_per_week`` of the network's registered list in ``hub_appointment_minutes``
  appointments. Member practices book a need they could not meet that day into the evening (earliest-failing
  first); at the weekend NHS 111 books primary-care dispositions into the hub while it is open.
- **7-day access** (``seven_day_access``): the hub opens on Sundays too (09:00-17:00), with Saturday's capacity.
An empty hub (no minutes) books nobody, so it changes nothing."""

import numpy as np

EVENING = (18.5, 20.0)
WEEKEND = (9.0, 17.0)


def first_in_line(keys: np.ndarray, times: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """For items grouped by an integer key, in time order within each key: whether each is within its key's
    capacity (capacity[key] items are taken, the earliest first)."""
    if keys.size == 0:
        return np.zeros(0, bool)
    order = np.lexsort((times, keys))
    ranked = keys[order]
    rank = np.arange(keys.size) - np.searchsorted(ranked, ranked, side="left")
    taken = np.empty(keys.size, bool)
    taken[order] = rank < capacity[ranked]
    return taken


def hub_hours(v: dict) -> dict[str, float]:
    """Hours the hub is open each week, by when: weekday evenings (5 of them), Saturday, Sunday (7-day access)."""
    evenings = 5 * (EVENING[1] - EVENING[0])
    day = WEEKEND[1] - WEEKEND[0]
    return {"evenings": evenings, "saturday": day, "sunday": day if v["seven_day_access"] else 0.0}


def hub_appointments_per_hour(v: dict, network_lists: np.ndarray) -> np.ndarray:
    """Per network: hub appointments an hour (0 with the hub off). The weekly minutes are spread over the
    evening and Saturday hours the enhanced-access specification names; Sundays add at the same hourly rate."""
    if not v["network_hub"]:
        return np.zeros(network_lists.size)
    base_hours = hub_hours(v)["evenings"] + hub_hours(v)["saturday"]
    minutes = v["hub_minutes_per_1000_per_week"] * network_lists / 1000
    return minutes / v["hub_appointment_minutes"] / base_hours


def weekend_open(times: np.ndarray, v: dict) -> np.ndarray:
    """Whether the hub is open at each time (hours from a Monday 00:00) at the weekend."""
    weekday = (times // 24).astype(np.int64) % 7
    clock = times % 24
    days = (weekday == 5) | ((weekday == 6) & bool(v["seven_day_access"]))
    return days & (clock >= WEEKEND[0]) & (clock < WEEKEND[1])
