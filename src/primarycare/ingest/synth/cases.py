"""Synthetic out-of-hours cases for the demo and the benchmarks. Arrivals follow the OOH demand profile by hour;
every time after that comes from a queue: clinicians on a fixed rota (sized to each hour's average demand, with
bank-holiday shifts partly unfilled) take the waiting case with the earliest deadline. Breaches are what the queues
give, not a drawn rate."""

import heapq
import tomllib
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from importlib import resources

import nhs_number
import numpy as np
import polars as pl

from primarycare.economy.calendar import is_bank_holiday, is_working_day, uk_local
from primarycare.simulation.parameters import load_defaults
from primarycare.urgentcare.case import Case, Patient
from primarycare.urgentcare.intake import new_ref
from primarycare.urgentcare.rules import Rules

FIRST = ("Ada", "Ben", "Cara", "Dev", "Ella", "Finn", "Grace", "Hari", "Isla", "Jack", "Kemi", "Leo", "Maya", "Noah")
LAST = ("Adams", "Baker", "Clarke", "Davies", "Evans", "Fisher", "Green", "Hughes", "Iqbal", "Jones", "Khan", "Lewis")
HOUR = 3600.0


@dataclass(frozen=True)
class Registered:
    practice_code: str
    postcode: str
    patients: int


def registered(economy, commissioners: tuple[str, ...] | None = None) -> list[Registered]:
    """The practices (of the given commissioners) with their registered lists, the population cases come from."""
    sizes = economy.lists.group_by("practice_code").agg(pl.col("patients").sum())
    size = dict(zip(sizes["practice_code"], sizes["patients"], strict=True))
    return [
        Registered(p.code, p.postcode, int(size[p.code]))
        for p in economy.practices
        if size.get(p.code) and (commissioners is None or p.commissioner_code in commissioners)
    ]


def load_case_parameters() -> dict:
    text = resources.files("primarycare.ingest").joinpath("data", "synthetic_cases.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return {**data, "values": {k: v["value"] for k, v in data["values"].items()}}


def synthetic_nhs_number(rng: np.random.Generator) -> str:
    """A number in the 999 range kept for test data, with a valid modulus 11 check digit."""
    while True:
        stem = "999" + "".join(str(d) for d in rng.integers(0, 10, 6))
        check = nhs_number.calculate_checksum(stem)
        if check is not None and check < 10:
            return stem + str(check)


def _in_hours(local: datetime) -> bool:
    minutes = local.hour * 60 + local.minute
    return is_working_day(local.date()) and 8 * 60 <= minutes < 18 * 60 + 30


def _serve(ready: np.ndarray, deadline: np.ndarray, work: np.ndarray, staff: np.ndarray) -> np.ndarray:
    """Start times (seconds from the run's start) of jobs at a pool whose size in hour h is staff[h]: a free
    clinician on duty takes the waiting job with the earliest deadline. inf where a job never starts."""
    order = np.argsort(ready, kind="stable")
    starts = np.full(ready.size, np.inf)
    free = [0.0] * max(int(staff.max()), 1)
    waiting: list[tuple[float, int]] = []
    i, t, end = 0, float(ready[order[0]]) if ready.size else 0.0, staff.size * HOUR
    while (i < order.size or waiting) and t < end:
        while i < order.size and ready[order[i]] <= t:
            heapq.heappush(waiting, (deadline[order[i]], int(order[i])))
            i += 1
        on_duty = int(staff[min(int(t // HOUR), staff.size - 1)])
        k = next((k for k in range(on_duty) if free[k] <= t), None)
        if waiting and k is not None:
            _, job = heapq.heappop(waiting)
            starts[job] = t
            free[k] = t + work[job]
            continue
        moments = [(t // HOUR + 1) * HOUR] + [f for f in free[:on_duty] if f > t]
        if i < order.size:
            moments.append(float(ready[order[i]]))
        t = min(moments)
    return starts


@dataclass(frozen=True)
class Hours:
    """Each hour of the run in UK local time: 0-23 on working days, 24-47 on other days; bank holidays flagged."""

    kind: np.ndarray
    holiday: np.ndarray


def _rota(arrivals: np.ndarray, work_mean: float, ratio: float, hours: Hours, fill: float) -> np.ndarray:
    """Clinicians per hour of the run: ceil(ratio x the average work arriving in that hour of the day, on working
    or other days), at least one where any arrives. The night shift stays to 10:00 on working days to clear what it
    holds (its 07:00 rota); bank holidays are staffed like other days with only ``fill`` of the shifts filled (at
    least one clinician)."""
    kind = hours.kind
    per_hour = np.bincount(kind[np.minimum(arrivals // HOUR, kind.size - 1).astype(int)], minlength=48)
    load = per_hour / np.maximum(np.bincount(kind, minlength=48), 1) * work_mean / HOUR
    by_kind = np.where(per_hour > 0, np.maximum(1, np.ceil(ratio * load)), 0)
    by_kind[8:10] = np.maximum(by_kind[8:10], by_kind[7])
    staff = by_kind[kind]
    short = np.where(staff > 0, np.maximum(1, np.floor(staff * fill)), 0)
    return np.where(hours.holiday, short, staff).astype(np.int64)


def synthetic_cases(
    *,
    provider_code: str,
    registered: list[Registered],
    start: datetime,
    now: datetime,
    rules: Rules,
    seed: int,
    parameters: dict | None = None,
) -> list[Case]:
    """Cases received from ``start`` to ``now``; what would happen after ``now`` has not happened yet (open cases)."""
    p = parameters or load_case_parameters()
    v = p["values"]
    rng = np.random.default_rng(seed)
    defaults = load_defaults()
    origin = uk_local(start).replace(minute=0, second=0, microsecond=0).astimezone(UTC)  # UTC: exact arithmetic
    hours = int((now - origin).total_seconds() // HOUR) + 1
    weights = np.zeros(hours)
    kind = np.zeros(hours, dtype=np.int64)
    holiday = np.zeros(hours, dtype=bool)
    for h in range(hours):
        local = uk_local(origin + timedelta(hours=h))
        working = is_working_day(local.date())
        profile = defaults.ooh_weekday if working else defaults.ooh_weekend
        weights[h] = 0.0 if _in_hours(local) else profile[local.hour]
        kind[h] = local.hour + (0 if working else 24)
        holiday[h] = is_bank_holiday(local.date())
    local_hours = Hours(kind, holiday)
    patients = sum(r.patients for r in registered)
    expected_total = patients * v["cases_per_1000_per_year"] / 1000 * hours / (365.25 * 24)
    per_hour = rng.poisson(expected_total * weights / weights.sum())
    arrivals = np.repeat(np.arange(hours), per_hour) * HOUR + rng.random(per_hour.sum()) * HOUR
    arrivals = np.sort(arrivals[arrivals <= (now - origin).total_seconds()])
    n = arrivals.size
    if n == 0:
        return []
    list_weights = np.array([r.patients for r in registered], dtype=float)
    who = rng.choice(len(registered), size=n, p=list_weights / list_weights.sum())
    dx = rng.choice(p["dispositions"]["codes"], size=n, p=p["dispositions"]["weights"])
    outcome = rng.choice(p["outcomes"]["names"], size=n, p=p["outcomes"]["weights"])
    from_111 = rng.random(n) < v["share_from_111"]
    answered = arrivals + rng.exponential(v["answer_seconds_mean"], n)
    passed = answered + np.where(from_111, rng.exponential(v["triage_minutes_mean"] * 60, n), 0.0)
    priority = np.array([rules.disposition(code).priority for code in dx])
    targets = rules.national
    assess_deadline = answered + np.array([targets.assessment[x].total_seconds() for x in priority])
    assess_work = rng.exponential(v["assessment_minutes_mean"] * 60, n)
    staff = _rota(passed, assess_work.mean(), v["staffing_ratio"], local_hours, v["bank_holiday_fill"])
    assessed = _serve(passed, assess_deadline, assess_work, staff)
    f2f_kind = np.where(outcome == "home_visit", 2, np.where(outcome == "base_visit", 1, 0))
    f2f_started = np.full(n, np.inf)
    closed = assessed + assess_work
    for kind, minutes in ((1, v["base_visit_minutes_mean"]), (2, v["home_visit_minutes_mean"])):
        chosen = (f2f_kind == kind) & np.isfinite(assessed)
        ready = assessed[chosen] + assess_work[chosen] + rng.exponential(v["travel_minutes_mean"] * 60, chosen.sum())
        work = rng.exponential(minutes * 60, chosen.sum()) + 5 * 60
        deadline = assessed[chosen] + np.array([targets.face_to_face[x].total_seconds() for x in priority[chosen]])
        pool = _rota(ready, work.mean(), v["staffing_ratio"], local_hours, v["bank_holiday_fill"])
        f2f_started[chosen] = _serve(ready, deadline, work, pool)
        closed[chosen] = f2f_started[chosen] + work
    ambulance = np.array([rules.disposition(code).ambulance for code in dx])
    transfer = np.where(ambulance, answered + rng.exponential(100, n), np.inf)
    limit = (now - origin).total_seconds()

    def at(seconds: float) -> datetime | None:
        return origin + timedelta(seconds=float(seconds)) if np.isfinite(seconds) and seconds <= limit else None

    cases = []
    for i in range(n):
        place = registered[who[i]]
        received = at(arrivals[i])
        age = int(rng.integers(0, 95))
        case = Case(
            ref=new_ref(received),
            provider_code=provider_code,
            source="111" if from_111[i] else "direct",
            patient=Patient(
                synthetic_nhs_number(rng),
                f"{FIRST[rng.integers(len(FIRST))]} {LAST[rng.integers(len(LAST))]}",
                date(received.year - age, int(rng.integers(1, 13)), int(rng.integers(1, 29))),
                "female" if rng.random() < 0.52 else "male",
                place.postcode,
            ),
            practice_code=place.practice_code,
            dx_code=str(dx[i]) if from_111[i] else None,
            dx_priority=str(priority[i]),
            ambulance_disposition=bool(ambulance[i]) and bool(from_111[i]),
            received_at=received,
            symptoms="synthetic case",
            passed_at=at(passed[i]) if from_111[i] else None,
            answered_at=at(answered[i]),
        )
        if ambulance[i] and from_111[i]:
            cases.append(replace(case, transfer_999_at=at(transfer[i]), **_closed(at(transfer[i]), "ambulance")))
            continue
        started, f2f = at(assessed[i]), at(f2f_started[i])
        booked = at(assessed[i] + assess_work[i]) if f2f_kind[i] and started else None
        kind = ("base", "home")[f2f_kind[i] - 1] if f2f_kind[i] and booked else None
        done = _closed(at(closed[i]), str(outcome[i])) if started and (not f2f_kind[i] or f2f) else {}
        if done:  # the post-event message goes when the case closes (a minute or two for the system to send it)
            done["message_delivered_at"] = at(closed[i] + rng.exponential(90))
        cases.append(
            replace(
                case,
                assessment_started_at=started,
                face_to_face_booked_at=booked,
                face_to_face_started_at=f2f if booked else None,
                face_to_face_type=kind,
                **done,
            )
        )
    return cases


def _closed(when: datetime | None, outcome: str) -> dict:
    return {"closed_at": when, "outcome": outcome} if when is not None else {}


PALLIATIVE_PLANS = (
    {
        "cpr_decision": "Do not attempt CPR (DNACPR form at home, signed)",
        "prognosis": "Weeks",
        "preferred_place_of_care": "Home",
        "preferred_place_of_death": "Home",
        "anticipatory_medicines": "Morphine, midazolam, levomepromazine, glycopyrronium at home",
        "lasting_power_of_attorney": "Health and welfare: daughter",
        "key_contacts": "District nurses; hospice at home team",
        "consent_to_share": "Yes",
    },
    {
        "cpr_decision": "For CPR discussion: patient undecided",
        "prognosis": "Months",
        "preferred_place_of_care": "Hospice",
        "preferred_place_of_death": "Hospice",
        "anticipatory_medicines": "Prescribed, at home",
        "lasting_power_of_attorney": "None",
        "key_contacts": "Husband; community palliative care team",
        "consent_to_share": "Yes",
    },
)


def waiting_now(cases: list[Case], *, now: datetime, count: int, seed: int) -> list[Case]:
    """``count`` of the provider's synthetic patients calling again within the last hour, so the demo's queue has
    work whatever the time of day: each answered, some assessed and waiting for a face-to-face, none closed."""
    rng = np.random.default_rng(seed)
    picked = [cases[i] for i in rng.choice(len(cases), size=min(count, len(cases)), replace=False)]
    fresh = []
    for number, case in enumerate(picked):
        received = now - timedelta(minutes=float(rng.uniform(2, 55)))
        answered = received + timedelta(seconds=float(rng.exponential(20)))
        assessed = number % 3 == 2 and (now - answered) > timedelta(minutes=15)
        fresh.append(
            Case(
                ref=new_ref(received),
                provider_code=case.provider_code,
                source=case.source,
                patient=case.patient,
                practice_code=case.practice_code,
                dx_code=case.dx_code,
                dx_priority=case.dx_priority,
                received_at=received,
                symptoms="synthetic case",
                passed_at=answered + timedelta(minutes=5) if case.source == "111" else None,
                answered_at=answered,
                assessment_started_at=answered + timedelta(minutes=10) if assessed else None,
                face_to_face_booked_at=answered + timedelta(minutes=14) if assessed else None,
                face_to_face_type="base" if assessed else None,
            )
        )
    return [c for c in fresh if c.passed_at is None or c.passed_at <= now]
