"""The engine: first-come-first-served multi-server stations with a weekly rota, compiled with numba.

The model's pathways are feed-forward (111 -> clinical assessment -> base / home visit / A&E), so a station can be
simulated for all its arrivals at once and its departures routed to the next station: an exact discrete-event
simulation with no per-event calls back into Python. ``station_reference`` is the slow, obvious version of the same
rules; tests check they agree exactly, and that a SimPy model gives the same waits for the same random numbers.

Rules of a station: jobs start in arrival order (FCFS); a job takes the server that can start it soonest; server k
is on duty in hour-of-week h when k < rota[h] (times in hours from Monday 00:00); a server finishes the job it has
started even past the end of its shift, and starts nothing while off duty.
"""

import numpy as np
from numba import njit

HOURS_PER_WEEK = 168


def next_on_duty(rota: np.ndarray) -> np.ndarray:
    """wait[k, h]: whole hours from the start of hour-of-week h until server k is next on duty (-1: never)."""
    rota = np.asarray(rota, dtype=np.int64)
    servers = max(int(rota.max()) if rota.size else 0, 1)
    on = np.tile(rota, 2)[None, :] > np.arange(servers)[:, None]  # two weeks, so every hour sees a week ahead
    hours = np.arange(2 * HOURS_PER_WEEK)
    never = 4 * HOURS_PER_WEEK
    following = np.minimum.accumulate(np.where(on, hours, never)[:, ::-1], axis=1)[:, ::-1][:, :HOURS_PER_WEEK]
    wait = following - hours[:HOURS_PER_WEEK]
    return np.where(following == never, -1, wait).astype(np.int64)


@njit(cache=True)
def _earliest_on_duty(wait, k, t):
    hour = np.floor(t)
    ahead = wait[k, np.int64(hour) % 168]
    if ahead < 0:
        return np.inf
    if ahead == 0:
        return t
    return hour + ahead


@njit(cache=True)
def _station(arrivals, services, wait, servers):
    n = arrivals.shape[0]
    starts = np.empty(n)
    chosen = np.empty(n, dtype=np.int64)
    free = np.zeros(servers)
    last_start = -np.inf
    for i in range(n):
        ready = max(arrivals[i], last_start)
        best = np.inf
        best_k = -1
        for k in range(servers):
            if free[k] >= best:  # it cannot start the job before the best found so far (ties go to the lower)
                continue
            t = _earliest_on_duty(wait, k, max(ready, free[k]))
            if t < best:
                best = t
                best_k = k
                if t <= ready:  # nothing can start earlier, and ties go to the lowest server: stop looking
                    break
        starts[i] = best
        chosen[i] = best_k
        if best_k >= 0:
            free[best_k] = best + services[i]
            last_start = best
    return starts, chosen


def station(arrivals: np.ndarray, services: np.ndarray, rota: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start times and servers for jobs arriving (sorted) at a station with a weekly rota of 168 server counts.
    A job that can never start (no server ever on duty) gets start = inf and server -1."""
    arrivals = np.ascontiguousarray(arrivals, dtype=np.float64)
    services = np.ascontiguousarray(services, dtype=np.float64)
    rota = np.asarray(rota, dtype=np.int64)
    if rota.shape != (HOURS_PER_WEEK,):
        raise ValueError("a rota has one server count per hour of the week (168)")
    if arrivals.size and np.any(np.diff(arrivals) < 0):
        raise ValueError("arrivals must be sorted")
    servers = max(int(rota.max()), 1)
    return _station(arrivals, services, next_on_duty(rota), servers)


def waiting_by_hour_of_week(arrivals: np.ndarray, starts: np.ndarray, first_hour: int, last_hour: int) -> np.ndarray:
    """Jobs waiting (arrived, not yet started) at the start of each hour from ``first_hour`` to ``last_hour``, as the
    mean per hour of the week: the queue length over a typical week."""
    hours = np.arange(first_hour, last_hour, dtype=np.float64)
    waiting = np.searchsorted(np.sort(arrivals), hours, side="right") - np.searchsorted(np.sort(starts), hours, "right")
    weeks = max((last_hour - first_hour) / HOURS_PER_WEEK, 1e-9)
    return np.bincount(hours.astype(np.int64) % HOURS_PER_WEEK, weights=waiting, minlength=HOURS_PER_WEEK) / weeks


def constant_rota(servers: int) -> np.ndarray:
    return np.full(HOURS_PER_WEEK, servers, dtype=np.int64)


def station_reference(arrivals, services, rota) -> tuple[list[float], list[int]]:
    """The same rules, one job and one hour at a time, in plain Python."""
    servers = max(int(max(rota)), 1)
    free = [0.0] * servers
    starts, chosen = [], []
    last_start = float("-inf")
    for arrival, service in zip(arrivals, services, strict=True):
        ready = max(arrival, last_start)
        best, best_k = float("inf"), -1
        for k in range(servers):
            t = max(ready, free[k])
            for _ in range(HOURS_PER_WEEK + 1):  # walk forward hour by hour until server k is on duty
                if k < rota[int(t // 1) % HOURS_PER_WEEK]:
                    break
                t = float(int(t // 1) + 1)
            else:
                t = float("inf")
            if t < best:
                best, best_k = t, k
        starts.append(best)
        chosen.append(best_k)
        if best_k >= 0:
            free[best_k] = best + service
            last_start = best
    return starts, chosen
