"""In hours: same-day needs per practice and working day against the same-day share of its appointments, less the
sessions given up after night work; the needs that arrive after the day's slots have gone fail at the practice.

The appointment book: same-day slots are released at 08:00 and taken in the order requests arrive. Demand varies by
day (Monday's peak, ``monday_peak``; a winter peak of ``winter_peak`` at mid-January, a cosine over the year) and
by hour (``[same_day_hours]``: the 08:00 rush). A need that fails is one of the day's last arrivals: the k-th of n
requests arrives at the k-th order statistic of the day's arrival-time distribution, drawn for the failing ones
only (Rényi's representation: U(k) = U(k+1) x V^(1/k)), so failures fall late in the morning or afternoon when
the rush has used the slots up.
Then the network: pooled slots other member practices left unused, and the hub's evening appointments (networks.py).
What is left has failed access. Routine demand (and the patients who, having failed, chose to wait) is booked ahead
into the routine share of the practice's appointments, first come first served: each practice's routine book is a
queue of requests carried from day to day, so its waiting time (working days, by Little's law from the queue) is an
output that grows when same-day access fails. A patient offered a wait beyond ``routine_patience_days`` does not book
(counted as unbooked), which also keeps a book near full from growing without end."""

from collections.abc import Callable
from datetime import date

import numpy as np

from primarycare.simulation.calendar import Year
from primarycare.simulation.choice import TRIES_AGAIN
from primarycare.simulation.draws import Draws
from primarycare.simulation.modes import appointments_by_mode, needs_per_appointment
from primarycare.simulation.networks import EVENING, first_in_line, hub_appointments_per_hour
from primarycare.simulation.routed import Routed


def practice_appointments(v: dict, list_size: np.ndarray, year: Year, days: int) -> np.ndarray:
    """Per practice: its clinicians' time on a working day, in appointments at England's published mix of modes
    (practice_capacity_per_1000_per_week, and its change under the scenario)."""
    per_week = v["practice_capacity_per_1000_per_week"] * list_size / 1000 * (1 + v["practice_capacity_change"])
    return per_week * year.weeks / days


def day_factors(year: Year, working: np.ndarray, v: dict) -> np.ndarray:
    """Relative same-day demand on each working day: Monday's peak and the winter peak (a cosine over the year),
    divided by their mean over a year of weekdays, (4 + monday_peak) / 5 (the cosine averages 0 over a year): so the
    factors do not depend on the run's length or warm-up, and a counted year averages 1 to within its bank holidays."""
    weekday = (year.start.weekday() + working) % 7
    day_of_year = (year.start.toordinal() + working - date(year.start.year, 1, 15).toordinal()) % 365.25
    factor = np.where(weekday == 0, v["monday_peak"], 1.0) * (
        1 + v["winter_peak"] * np.cos(2 * np.pi * day_of_year / 365.25)
    )
    return factor / ((4 + v["monday_peak"]) / 5)


def session_factors(year: Year, working: np.ndarray, week) -> np.ndarray:
    """Each working day's share of the practices' weekly appointments, relative to an even week: the weekday's weight
    over the mean of the 5 weights (``week``, Monday to Friday)."""
    week = np.asarray(week, dtype=np.float64)
    weekday = (year.start.weekday() + working) % 7
    return week[np.minimum(weekday, 4)] / week.mean()


def arrival_clock(place: np.ndarray, unmet: np.ndarray, v_uniform: np.ndarray, weights) -> np.ndarray:
    """Clock times (hours) of the failing requests: place k (0-based) of a day's n requests is the (k+1)-th order
    statistic of n arrivals. ``place`` runs upwards within each practice-day (``unmet`` of them per cell, the last
    of the day's ``demand``), so log U(k+1) = sum over j = k+1..n of log(V_j) / j, a suffix sum within the cell."""
    if place.size == 0:
        return np.zeros(0)
    term = np.log1p(-v_uniform) / (place + 1)
    running = np.cumsum(term)
    ends = np.repeat(np.cumsum(unmet) - 1, unmet)
    return day_clock(np.exp(running[ends] - running + term), weights)


def day_clock(quantile: np.ndarray, weights) -> np.ndarray:
    """The clock time (hours) at each quantile of the day's same-day arrivals: ``weights`` per hour from 08:00, the
    last for 18:00-18:30."""
    hours = np.array([*range(8, 19), 18.5])
    cdf = np.concatenate([[0.0], np.cumsum(np.asarray(weights, dtype=float) * np.diff(hours))])
    return np.interp(quantile, cdf / cdf[-1], hours)


class RoutineBook:
    """Each practice's routine appointments as a queue carried from working day to working day: new routine requests
    (``new``, practices x days) and the patients who failed same-day access the day before and chose to wait
    (``booked``, filled in by the day's loop) join it unless the wait would exceed ``patience`` days of its mean
    daily ``slots`` (practices x days); each day serves up to that day's slots of it, first come first served.
    ``backlog``: the requests waiting at the start (a warm start; none when None)."""

    def __init__(self, new: np.ndarray, slots: np.ndarray, patience: float, backlog: np.ndarray | None = None):
        self.new, self.slots = new, slots
        self.room = np.floor(slots.mean(axis=1) * patience).astype(np.int64)  # the longest queue patients join
        start = np.zeros(new.shape[0], np.int64) if backlog is None else np.asarray(backlog, np.int64)
        self.backlog = np.minimum(start, self.room)
        self.booked, self.served, self.unbooked = (np.zeros(new.shape, np.int64) for _ in range(3))
        self.waiting = np.zeros(new.shape[1])  # requests left waiting at each day's end

    def serve(self, day: int) -> None:
        asking = self.new[:, day] + (self.booked[:, day - 1] if day else 0)
        joining = np.minimum(asking, np.maximum(self.room - self.backlog, 0))
        self.unbooked[:, day] = asking - joining
        self.backlog += joining
        self.served[:, day] = np.minimum(self.backlog, self.slots[:, day])
        self.backlog -= self.served[:, day]
        self.waiting[day] = self.backlog.sum()


def in_hours(
    v,
    year: Year,
    annual,
    list_size,
    network,
    draws: Draws,
    start: float,
    counts: dict,
    practices,
    lost,
    hour_weights,
    choose: Callable[[Routed], np.ndarray] | None = None,
    series: dict | None = None,
    backlog: np.ndarray | None = None,
    week=(1.0,) * 5,
    visit_share: np.ndarray | None = None,
) -> tuple[Routed, np.ndarray, Routed]:
    """Returns the needs that failed (id = practice-day cell << 16 | place in the day) and what each did
    (``choose``'s answer: 0 waits, 1 calls 111, 2 goes to A&E; without ``choose``, 0 for all), and the same-day
    consultations the GP sent to A&E (practice_referrals; those the network's pooled appointments and evening hub
    saw, with the same chance each, at the request's time or a time in the hub's evening). A patient who chooses
    to try again (3) is a request on the practice's next working day, in that day's order, and chooses again if it
    fails again. ``network``: each practice's network (an index); ``lost``: practices x working days, sessions given
    up; ``hour_weights``: same-day requests by hour from 08:00 (the last weight for 18:00-18:30); ``series``, when
    given, gets per working day of the whole run (the warm-up too) the routine book's queue at the day's end, the
    same-day requests and the requests that failed, and per practice its routine book's queue at the end
    (``routine_backlog``); ``backlog``: each practice's routine book at the start (RoutineBook); ``week``: how
    practices spread their appointments over Monday to Friday (session_factors); ``visit_share``: of each
    practice's consultations, its care-home residents' (None: none), for the needs its clinicians' time meets
    (modes.py)."""
    working = np.flatnonzero(year.working_day)
    visit_share = np.zeros(len(annual)) if visit_share is None else visit_share
    per_appointment = needs_per_appointment(v, visit_share)
    time = practice_appointments(v, list_size, year, working.size)[:, None] * session_factors(year, working, week)
    capacity = time * per_appointment[:, None]  # needs the clinicians' time meets (before rounding to slots)
    same_day = v["same_day_share"]
    new = draws.counts["in_hours_demand"].poisson(
        (annual * same_day / working.size)[:, None] * day_factors(year, working, v), (len(annual), working.size)
    )
    given_up = lost * v["appointments_per_session"] * per_appointment[:, None]  # a session's time, in needs met
    slots = np.floor(capacity * same_day + 0.5) - given_up
    slots = np.maximum(slots, 0).astype(np.int64)
    networks = int(network.max()) + 1 if network.size else 0
    per_hour = hub_appointments_per_hour(v, np.bincount(network, weights=list_size, minlength=networks))
    evening = np.floor(per_hour * (EVENING[1] - EVENING[0]) + 0.5).astype(np.int64)
    demand = new.copy()
    routine = RoutineBook(
        draws.counts["routine_demand"].poisson(
            np.repeat((annual * (1 - same_day) / working.size)[:, None], working.size, axis=1)
        ),
        np.floor(capacity * (1 - same_day) + 0.5).astype(np.int64),  # practices x days
        v["routine_patience_days"],
        backlog,
    )
    failed, chosen, network_seen, pooled_count, booked_count = [], [], [], 0, 0
    failing = np.zeros(working.size)
    hub_open = bool(evening.any())
    for day in range(working.size):
        routine.serve(day)
        requests, free = demand[:, day], slots[:, day]
        unmet = np.maximum(requests - free, 0)
        if not unmet.any():
            continue
        practice = np.repeat(np.arange(len(annual)), unmet)
        place = np.arange(practice.size) - np.repeat(np.cumsum(unmet) - unmet, unmet) + free[practice]
        ids = ((practice * working.size + day).astype(np.uint64) << np.uint64(16)) | place.astype(np.uint64)
        times = working[day] * 24 + arrival_clock(place, unmet, draws.uniform(ids, "in_hours_time"), hour_weights)
        order = np.argsort(times, kind="stable")
        today = Routed(ids[order], times[order], times[order] >= start, practice[order])
        left = np.ones(today.ids.size, bool)  # not met by the network
        if v["network_pooling"]:
            spare = np.bincount(network, weights=np.maximum(free - requests, 0), minlength=networks)
            left &= ~first_in_line(network[today.practice], today.times, spare.astype(np.int64))
            pooled_count += int((~left & today.counted).sum())
        pooled = ~left
        if hub_open:
            booked = first_in_line(network[today.practice[left]], today.times[left], evening)
            booked_count += int((booked & today.counted[left]).sum())
            left[np.flatnonzero(left)[booked]] = False
        if not left.all():  # seen by a member practice's GP the same day, or in the hub that evening
            seen = today[~left]
            in_hub = ~pooled[~left]
            evening_at = (
                working[day] * 24 + EVENING[0] + draws.uniform(seen.ids, "hub_time") * (EVENING[1] - EVENING[0])
            )
            network_seen.append(Routed(seen.ids, np.where(in_hub, evening_at, seen.times), seen.counted, seen.practice))
        still = today[left]
        after = np.zeros(still.ids.size, np.int64) if choose is None else choose(still)
        again = after == TRIES_AGAIN
        if day + 1 < working.size:
            demand[:, day + 1] += np.bincount(still.practice[again], minlength=len(annual))
        else:
            after[again], again[:] = 0, False  # the run ends: the patient waits
        routine.booked[:, day] = np.bincount(still.practice[after == 0], minlength=len(annual))
        failed.append(still[~again])
        chosen.append(after[~again])
        failing[day] = still.ids.size
    if failed:
        still, after = Routed.joined(failed, in_order=False), np.concatenate(chosen)
    else:
        still, after = (
            Routed(np.zeros(0, np.uint64), np.zeros(0), np.zeros(0, bool), np.zeros(0, np.int64)),
            np.zeros(0, np.int64),
        )

    days = working * 24 >= start
    if series is not None:
        series |= {"routine_waiting": routine.waiting, "same_day_requests": demand.sum(axis=0), "failed": failing}
        series["routine_backlog"] = routine.backlog.copy()
    served = np.minimum(demand, slots)
    counts["practice_used"] = float(served[:, days].sum() + routine.served[:, days].sum())
    counts["practice_capacity"] = float(slots[:, days].sum() + routine.slots[:, days].sum())
    counts["practice_time_appointments"] = float(time[:, days].sum())  # what the practices' clinicians are paid for
    met = served[:, days].sum(axis=1) + routine.served[:, days].sum(axis=1)
    counts |= {f"appointments_{mode}": n for mode, n in appointments_by_mode(v, met, visit_share).items()}
    counts["routine_requests"] = float(routine.new[:, days].sum() + routine.booked[:, days].sum())
    counts["routine_waiting_days"] = float(routine.waiting[days].sum())  # requests waiting, summed over days
    counts["routine_unbooked"] = float(routine.unbooked[:, days].sum())
    counts["sessions_lost_to_night_work"] = float(lost[:, days].sum())
    counts["pooled_appointments"] = float(pooled_count)
    counts["hub_evening_appointments"] = float(booked_count)
    counts["hub_evening_capacity"] = float(evening.sum() * days.sum())
    counts["unmet_in_hours"] = float(still.counted.sum())
    counts["same_day_needs"] = float(new.sum())
    counts["same_day_repeat_requests"] = float((demand - new)[:, days].sum())
    practices["same_day_needs"] = new[:, days].sum(axis=1).astype(np.float64)
    kept = still.practice[still.counted]
    practices["failed_access"] = np.bincount(kept, minlength=len(annual)).astype(np.float64)
    referred = practice_referrals(v, working, demand, served, draws, start, hour_weights)
    if network_seen:
        seen = Routed.joined(network_seen, in_order=False)
        referred = Routed.joined([referred, network_referrals(seen, v, draws)])
    return still, after, referred


def network_referrals(seen: Routed, v, draws: Draws) -> Routed:
    """Of those the network's GPs saw (pooled, or in its hub), the ones sent to A&E: as from the practices' own
    same-day consultations, ``practice_ae_referral`` of them, a keyed chance each."""
    return seen[draws.bernoulli(seen.ids, "network_referral", v["practice_ae_referral"])]


def practice_referrals(v, working, demand, served, draws: Draws, start: float, hour_weights) -> Routed:
    """The same-day consultations (``served``, practices x working days) that end with the GP sending the patient to
    A&E: ``practice_ae_referral`` of them, a binomial count per practice-day drawn by inversion from one uniform per
    cell (so a scenario serving more keeps the same draws). A referred patient is one of the day's served requests,
    which are its first served / demand in arrival order, so the consultation's clock time is drawn from the
    first served / demand of the day's arrival-time distribution (id: the cell << 16 | its place among the served,
    places no failed request takes). Times are of the consultation; the patient reaches A&E an hour later."""
    from scipy.stats import binom

    chance = draws.counts["practice_referral"].random(served.shape)
    referred = np.maximum(binom.ppf(chance, served, v["practice_ae_referral"]), 0).astype(np.int64)  # ppf(0) is -1
    practice, day = np.nonzero(referred)
    k = referred[practice, day]
    cell = np.repeat(practice * working.size + day, k)
    place = np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k)
    ids = (cell.astype(np.uint64) << np.uint64(16)) | place.astype(np.uint64)
    reach = np.repeat(served[practice, day] / np.maximum(demand[practice, day], 1), k)
    times = working[np.repeat(day, k)] * 24 + day_clock(draws.uniform(ids, "referral_time") * reach, hour_weights)
    order = np.argsort(times, kind="stable")
    return Routed(ids[order], times[order], times[order] >= start, np.repeat(practice, k)[order])
