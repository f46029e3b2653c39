"""The slow, obvious reference of the patient-level pathway for one commissioner's year, in SimPy: a process per
request, call, case and attendance, servers on their weekly rotas as SimPy tokens, and its own random numbers drawn
one decision at a time. It shares with the fast model (model.py) only the rates and formulas (who needs what, how
often, and each choice's probabilities), never its dynamics: the appointment book, the routine book, 111 and its
repeat-caller rule, the OOH assessment and visits and A&E are written again, event by event, so the two agree only
if the fast model's vectorised mechanisms are right. Scope: practices that opted out of OOH (no own cover), a remote
or co-operative provider without the co-op's night-rest rule, no network pooling, hub or seven-day access."""

from collections import deque

import numpy as np
import simpy

from primarycare.simulation.calendar import Year, in_hours_at
from primarycare.simulation.choice import constants, days_to_next_working_day, shares
from primarycare.simulation.flags import (
    flagged_share,
    palliative_chance,
    referral_chance,
)
from primarycare.simulation.hourly_needs import daytime_times, daytime_weights, ooh_weights
from primarycare.simulation.in_hours import day_factors, practice_appointments, session_factors
from primarycare.simulation.minor_unit import unit_open
from primarycare.simulation.model import practice_demand
from primarycare.simulation.modes import appointments_by_mode, needs_per_appointment
from primarycare.simulation.own_ooh import DISPOSITIONS
from primarycare.simulation.travel import travel_hours

HOUR_EDGES = np.array([*range(8, 19), 18.5])  # the same-day requests' hours, 08:00-18:30


class RotaServers:
    """A station's servers on a weekly rota (168 counts from Monday 00:00): server k is on duty in an hour when k is
    below the hour's count; waiting jobs go first come first served to the lowest-numbered free server on duty; a
    server whose shift ends finishes the job it has, and starts nothing while off duty."""

    def __init__(self, env: simpy.Environment, rota: np.ndarray):
        self.env, self.rota = env, rota
        self.busy = [False] * max(int(rota.max()), 1)
        self.waiting: deque = deque()  # (event, hours) in arrival order
        env.process(self._hours())

    def _dispatch(self) -> None:
        on_duty = int(self.rota[int(self.env.now) % 168])
        for k in range(min(on_duty, len(self.busy))):
            if not self.waiting:
                return
            if not self.busy[k]:
                event, hours = self.waiting.popleft()
                self.busy[k] = True
                event.succeed(self.env.now)
                self.env.process(self._work(k, hours))

    def _work(self, k: int, hours: float):
        yield self.env.timeout(hours)
        self.busy[k] = False
        self._dispatch()

    def _hours(self):
        while True:  # shifts change on the hour
            self._dispatch()
            yield self.env.timeout(1.0)

    def serve(self, hours: float, started: list):
        """A process: wait for a server, note the start in ``started``, and be served for ``hours``."""
        event = self.env.event()
        self.waiting.append((event, hours))
        self._dispatch()
        started.append((yield event))
        yield self.env.timeout(hours)


class Reference:
    """One replication of one commissioner (a Model's chunk: ``part``), with warm-up ``warmup_weeks``."""

    def __init__(self, scenario, defaults, year: Year, part, scale: dict, warmup_weeks: int, seed: int):
        patients, keeps, rotas, network, fifth, female, positions, palliative_register, care_home = part
        v = self.v = scenario.values
        if np.asarray(keeps).any() or v["ooh_provider"] == "practices":
            raise ValueError("the reference covers practices that opted out of OOH only")
        if v["ooh_provider"] == "local_coop" and v["night_rest_sessions"] > 0:
            raise ValueError("the reference covers a co-operative without its GPs' night-rest rule only")
        if v["network_pooling"] or v["network_hub"] or v["seven_day_access"]:
            raise ValueError("the reference covers practices without network pooling, hubs or seven-day access only")
        self.year, self.rng, self.env = year, np.random.default_rng(seed), simpy.Environment()
        self.start = warmup_weeks * 168
        demand = practice_demand(v, defaults, year, patients, scale, fifth, female, care_home)
        self.annual, self.lists, self.ooh_weight = demand.annual, demand.lists, demand.ooh_weight
        self.visits = demand.visit_share
        self.met = np.zeros(len(self.lists))  # needs met in hours, same-day and routine, per practice
        self.palliative = palliative_chance(v, patients.sum(axis=1), palliative_register)
        self.in_care_home = flagged_share(v["care_home_ooh_ratio"], demand.residents, self.lists)
        self.ae_multiplier = demand.ae_multiplier
        weight = demand.ae_weight.sum()
        self.unrouted = {"background": weight * scale["ae"], "ambulance_999": weight * scale["ambulance_999"]}
        self.minor_per_year = weight * scale["minor"]
        self.ooh_profile = ooh_weights(year, scenario.ooh_profile or (defaults.ooh_weekday, defaults.ooh_weekend))
        self.ae_hours = (defaults.ae_hour, defaults.ae_monday)
        self.trip = None if positions is None else travel_hours(v, positions, self.lists, network, v["ooh_provider"])
        self.same_day_hours = np.asarray(defaults.same_day_hours, np.float64)
        self.week = scenario.practice_week or defaults.practice_week
        self.servers = {name: RotaServers(self.env, rotas[name]) for name in rotas}
        self.next_working = days_to_next_working_day(year.working_day)
        fitted = constants(v)
        self.choice = {d: shares(v, np.full(len(self.lists), d), self.ae_multiplier, fitted) for d in range(1, 8)}
        self.count: dict[str, float] = {}

    def add(self, name: str, counted: bool, amount: float = 1.0) -> None:
        if counted:
            self.count[name] = self.count.get(name, 0.0) + amount

    def until(self, at: float):
        """A wait until ``at``, or none when it has passed (the clock may stand an ulp past a time it was sent to)."""
        return self.env.timeout(max(at - self.env.now, 0.0))

    def run(self) -> dict[str, float]:
        self.env.process(self.practices())
        self.env.process(self.ooh_needs())
        self.env.process(self.daytime_calls())
        for route, per_year in self.unrouted.items():
            self.env.process(self.arrivals(route, per_year))
        self.env.process(self.arrivals("minor_when_closed", self.minor_per_year, minor=True))
        self.env.run(until=self.year.hours + 168)
        return self.kpis()

    # In hours: the appointment book and the routine book, day by day.
    def practices(self):
        v, year, rng = self.v, self.year, self.rng
        working = np.flatnonzero(year.working_day)
        capacity = practice_appointments(v, self.lists, year, working.size) * needs_per_appointment(v, self.visits)
        same_day, sessions = v["same_day_share"], session_factors(year, working, self.week)
        routine_slots = [np.floor(capacity * f * (1 - same_day) + 0.5).astype(np.int64) for f in sessions]
        room = np.floor(np.mean(routine_slots, axis=0) * v["routine_patience_days"]).astype(np.int64)
        backlog, booked = np.zeros(len(self.lists), np.int64), np.zeros(len(self.lists), np.int64)
        retries = np.zeros(len(self.lists), np.int64)
        factors = day_factors(year, working, v)
        cdf = np.concatenate([[0.0], np.cumsum(self.same_day_hours * np.diff(HOUR_EDGES))])
        for d, day in enumerate(working):
            yield self.env.timeout(day * 24 + 8 - self.env.now)
            counted_day = day * 24 >= self.start
            asking = rng.poisson(self.annual * (1 - same_day) / working.size) + booked
            joining = np.minimum(asking, np.maximum(room - backlog, 0))
            self.add("routine_requests", counted_day, float(asking.sum()))
            self.add("routine_unbooked", counted_day, float((asking - joining).sum()))
            served = np.minimum(backlog + joining, routine_slots[d])
            backlog = backlog + joining - served
            self.met += served if counted_day else 0
            self.add("routine_waiting_days", counted_day, float(backlog.sum()))
            new = rng.poisson(self.annual * same_day / working.size * factors[d])
            self.add("same_day_needs", counted_day, float(new.sum()))
            free = np.maximum(np.floor(capacity * sessions[d] * same_day + 0.5), 0).astype(np.int64)
            booked = np.zeros(len(self.lists), np.int64)
            tomorrow = np.zeros(len(self.lists), np.int64)
            last_day = d + 1 == working.size
            for p in range(len(self.lists)):
                n = int(new[p] + retries[p])
                self.add("same_day_repeat_requests", counted_day, float(retries[p]))
                for t in np.interp(rng.random(n), cdf / cdf[-1], HOUR_EDGES):
                    self.env.process(self.request(p, day * 24 + t, free, booked, tomorrow, last_day))
            yield self.env.timeout(18.5 - 8)  # the day's requests are all in by 18:30
            retries = tomorrow

    def request(self, p: int, at: float, free, booked, tomorrow, last_day: bool):
        yield self.until(at)
        if free[p] > 0:  # seen today; the GP may send the patient to A&E
            free[p] -= 1
            self.met[p] += at >= self.start
            if self.rng.random() < self.v["practice_ae_referral"]:
                self.env.process(self.attend(at + 1.0, "practice_referral", at >= self.start))
            return
        days = int(self.next_working[int(at // 24)])
        choice = self.rng.choice(4, p=self.choice[min(days, 7)][p])
        if choice == 3 and not last_day:
            tomorrow[p] += 1
            return
        counted = at >= self.start
        self.add("unmet_in_hours", counted)
        if choice in (0, 3):
            booked[p] += 1
        elif choice == 1:
            self.env.process(self.call(at, p, True, at, 0, counted))
        else:
            self.env.process(self.attend(at + 1.0, "failed_access", counted))

    # Out of hours: needs, NHS 111 (with its repeat-caller rule), the OOH service.
    def ooh_needs(self):
        v, year, rng = self.v, self.year, self.rng
        expected = self.ooh_weight.sum() * v["ooh_needs_per_1000_per_year"] / 1000 * year.weeks / 52
        per_hour = rng.poisson(expected * self.ooh_profile / self.ooh_profile.sum())
        chance = self.ooh_weight / self.ooh_weight.sum()
        for hour in np.flatnonzero(per_hour):
            half = hour % 24 == 18 and year.working_day[hour // 24]
            offsets = rng.random(per_hour[hour])
            for at in np.sort(hour + (0.5 + 0.5 * offsets if half else offsets)):
                yield self.until(at)
                p, counted = int(rng.choice(len(chance), p=chance)), at >= self.start
                if rng.random() < v["straight_to_ae_share"]:
                    self.env.process(self.attend(at + 1.0, "straight_to_ae", counted))
                else:
                    self.env.process(self.call(at, p, False, at, 0, counted))

    def daytime_calls(self):
        """Patients who call 111 while their practice is open (hourly_needs.py)."""
        v, year, rng = self.v, self.year, self.rng
        weights = daytime_weights(year)
        expected = self.ooh_weight.sum() * v["daytime_111_per_1000_per_year"] / 1000 * year.weeks / 52
        chance = self.ooh_weight / self.ooh_weight.sum()
        for at in daytime_times(year, expected * weights / weights.sum(), rng):
            yield self.until(at)
            p = int(rng.choice(len(chance), p=chance))
            self.env.process(self.call(at, p, False, at, 0, at >= self.start, daytime=True))

    def call(self, at: float, p: int, from_practice: bool, first: float, attempt: int, counted: bool, daytime=False):
        v, rng = self.v, self.rng
        yield self.until(at)
        answered: list[float] = []
        yield self.env.process(
            self.servers["calls_111"].serve(rng.exponential(v["call_handling_minutes"] / 60), answered)
        )
        ended = self.env.now
        self.add("calls_111", counted)
        self.add("calls_answered_60s", counted and answered[0] - at <= 1 / 60)
        disposition = int(rng.choice(5, p=[v[f"disposition_{d}"] for d in DISPOSITIONS]))
        if attempt == 2 and at - first <= 96.0:
            disposition = 2  # 111's rule: the third call within 96 hours goes to a clinician
        via = "failed_access_via_111" if from_practice else "daytime_111" if daytime else None
        if disposition == 0 and rng.random() < v["ambulance_conveyed_share"]:
            self.env.process(self.attend(ended + (1.0 if via else 0.75), via or "ambulance", counted))
        elif disposition == 1:
            self.env.process(self.attend(ended + 1.0, via or "111_ae", counted))
        elif disposition == 2 and not in_hours_at(self.year, np.array([ended]))[0]:
            self.env.process(self.case(ended, answered[0], p, counted))
        elif disposition in (3, 4) and attempt < 2 and rng.random() < v["repeat_call_share"]:
            again = ended + rng.exponential(v["repeat_call_hours"])  # from the call's end
            if again < self.year.hours:
                self.env.process(self.call(again, p, from_practice, first, attempt + 1, counted, daytime))

    def case(self, ended: float, answered: float, p: int, counted: bool):
        v, rng = self.v, self.rng
        palliative, resident = rng.random() < self.palliative[p], rng.random() < self.in_care_home[p]
        urgent = rng.random() < v["urgent_share"]
        started: list[float] = []
        yield self.env.process(self.servers["assessment"].serve(rng.exponential(v["assessment_minutes"] / 60), started))
        done = self.env.now
        self.add("ooh_cases", counted)
        target = (v["urgent_target_minutes"] if urgent else v["routine_target_minutes"]) / 60
        self.add("clock_met", counted and started[0] - answered <= target)
        notes = bool(v["notes_access"])
        if rng.random() < referral_chance(v, np.array([palliative]), np.array([resident]), notes)[0]:
            self.env.process(self.attend(done + 1.0, "ooh_referral", counted))
            return
        outcome = int(rng.choice(3, p=[v["ooh_telephone_share"], v["ooh_base_share"], v["ooh_home_share"]]))
        outcome = 2 if resident and outcome == 1 else outcome
        if outcome == 0:
            return
        if outcome == 1:
            yield self.env.timeout(1.0)  # to the base
            service, station = rng.exponential(v["base_visit_minutes"] / 60), "base_visits"
        else:
            minutes = v["home_visit_minutes"] if v["ooh_provider"] == "remote" else v["home_visit_minutes_local"]
            service = rng.exponential((minutes if self.trip is None else v["home_visit_consult_minutes"]) / 60)
            service += 0.0 if self.trip is None else self.trip[p]
            station = "home_visits"
        seen: list[float] = []
        yield self.env.process(self.servers[station].serve(service, seen))
        self.add("face_to_face", counted)
        self.add("face_to_face_met", counted and seen[0] - done <= (2.0 if urgent else 6.0))
        self.add("home_visits" if outcome == 2 else "base_visits", counted)

    # A&E: every route, the background and 999 ambulances through the department.
    def arrivals(self, route: str, per_year: float, minor: bool = False):
        """Arrivals no route makes; ``minor``: minor needs, seen at a minor injury unit while it is open."""
        year, rng = self.year, self.rng
        hours = np.arange(year.hours)
        weights = np.array(self.ae_hours[0])[hours % 24] * np.where((hours // 24) % 7 == 0, self.ae_hours[1], 1.0)
        per_hour = rng.poisson(per_year * year.weeks / 52 * weights / weights.sum())
        for hour in np.flatnonzero(per_hour):
            for at in np.sort(hour + rng.random(per_hour[hour])):
                yield self.until(at)
                if minor and unit_open(np.array([at]), self.v)[0]:
                    self.add("minor_unit", at >= self.start)
                else:
                    self.env.process(self.attend(at, route, at >= self.start))

    def attend(self, at: float, route: str, counted: bool):
        self.add(f"ae_{route}", counted)
        if at >= self.year.hours:
            return  # after the year's end: counted as an attendance, not simulated
        yield self.until(at)
        self.add("ae_seen", counted)
        treating = self.rng.exponential(self.v["ae_treatment_minutes"] / 60)
        seen: list[float] = []
        yield self.env.process(self.servers["ae"].serve(treating, seen))
        self.add("ae_within_4h", counted and seen[0] - at + treating <= 4.0)

    def kpis(self) -> dict[str, float]:
        c = lambda name: self.count.get(name, 0.0)  # noqa: E731
        share = lambda part, whole: c(part) / c(whole) if c(whole) else 0.0  # noqa: E731
        ae = sum(c(name) for name in self.count if name.startswith("ae_") and name not in ("ae_within_4h", "ae_seen"))
        booked = c("routine_requests") - c("routine_unbooked")
        return {
            "ae_attendances": ae,
            "ae_four_hour_share": share("ae_within_4h", "ae_seen"),
            "ae_from_background": c("ae_background"),
            "ae_from_failed_access": c("ae_failed_access"),
            "ae_from_practice_referral": c("ae_practice_referral"),
            "calls_111": c("calls_111"),
            "calls_answered_within_60s_share": share("calls_answered_60s", "calls_111"),
            "ooh_cases": c("ooh_cases"),
            "ooh_clock_compliance": share("clock_met", "ooh_cases"),
            "ooh_face_to_face_compliance": share("face_to_face_met", "face_to_face"),
            "ooh_home_visits": c("home_visits"),
            "failed_access_to_ae_share": (c("ae_failed_access") + c("ae_failed_access_via_111")) / c("unmet_in_hours")
            if c("unmet_in_hours")
            else 0.0,
            "failed_access_share": share("unmet_in_hours", "same_day_needs"),
            "routine_wait_working_days": c("routine_waiting_days") / booked if booked else 0.0,
            "practice_appointments_used": sum(appointments_by_mode(self.v, self.met, self.visits).values()),
        }
