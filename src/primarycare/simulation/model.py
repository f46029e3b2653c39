"""One replication of one commissioner's health economy for a year: in-hours practice access, NHS 111, the OOH
service (clinical assessment, base and home visits) and A&E. Returns counts; KPIs are worked out from their sums
(results.py), so chunks of commissioners and replications can run anywhere and be added up."""

import numpy as np

from primarycare.economy.vocabulary import AGE_BANDS, age_band_lower
from primarycare.simulation.calendar import Year, in_hours_at
from primarycare.simulation.engine import HOURS_PER_WEEK, station
from primarycare.simulation.kpis import AE_ROUTES
from primarycare.simulation.parameters import Defaults, Scenario

STREAMS = ("in_hours", "routing", "ooh_arrivals", "calls", "assessment", "visits", "ae_background")
MINUTES = 1 / 60


def streams(seed: int, replication: int, chunk: int) -> dict[str, np.random.Generator]:
    """One generator per source of randomness; the same purpose gets the same stream in every scenario (common
    random numbers) and every (replication, chunk) its own independent streams."""
    return {
        name: np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(replication, chunk, i)))
        for i, name in enumerate(STREAMS)
    }


def aged_population(patients: np.ndarray, v: dict) -> np.ndarray:
    lower = np.array([age_band_lower(b) for b in AGE_BANDS])
    factor = np.where(lower >= 65, v["population_65_plus_multiplier"], 1.0)
    factor = factor * np.where(lower >= 85, v["population_85_plus_multiplier"], 1.0)
    return patients * factor


def rate_scale(patients: np.ndarray, defaults: Defaults, v: dict) -> float:
    """Per-band weights scaled so the whole (un-aged) economy averages consultations_per_person_year."""
    weights = np.array([defaults.age_rates[b] for b in AGE_BANDS])
    return v["consultations_per_person_year"] * patients.sum() / max((patients * weights).sum(), 1e-9)


def _rota(arrivals: np.ndarray, mean_service_hours: float, ratio: float, weeks: int) -> np.ndarray:
    """Servers per hour of week planned to the demand: ceil(ratio x offered load), at least one where any comes."""
    counts = np.bincount((arrivals // 1).astype(np.int64) % HOURS_PER_WEEK, minlength=HOURS_PER_WEEK) / weeks
    load = counts * mean_service_hours
    return np.where(counts > 0, np.maximum(1, np.ceil(ratio * load)), 0).astype(np.int64)


def simulate(
    scenario: Scenario,
    defaults: Defaults,
    year: Year,
    patients: np.ndarray,
    scale: float,
    *,
    seed: int,
    replication: int,
    chunk: int,
    warmup_weeks: int = 0,
) -> dict:
    v = scenario.values
    rng = streams(seed, replication, chunk)
    pop = aged_population(patients, v)
    weights = np.array([defaults.age_rates[b] for b in AGE_BANDS])
    annual = (pop * weights).sum(axis=1) * scale * year.weeks / 52
    list_size = pop.sum(axis=1)
    provider = v["ooh_provider"]
    notes = bool(v["notes_access"]) or provider == "practices"
    counts: dict = {}
    ae_times: dict[str, list[np.ndarray]] = {route: [] for route in AE_ROUTES}

    # In hours: same-day needs per practice and working day against the same-day share of capacity.
    working = np.flatnonzero(year.working_day)
    capacity = v["practice_capacity_per_1000_per_week"] * list_size / 1000 * year.weeks / working.size
    capacity = capacity * (1 + v["practice_capacity_change"])
    same_day = v["same_day_share"]
    demand = rng["in_hours"].poisson((annual * same_day / working.size)[:, None], (len(annual), working.size))
    slots = np.floor(capacity * same_day + 0.5)[:, None]
    served = np.minimum(demand, slots)
    unmet = (demand - served).sum(axis=0).astype(np.int64)  # per working day
    routine = np.minimum(annual * (1 - same_day) / working.size, capacity * (1 - same_day)).sum() * working.size
    counts["practice_used"] = float(served.sum() + routine)
    counts["practice_capacity"] = float(capacity.sum() * working.size)
    counts["unmet_in_hours"] = float(unmet.sum())
    r = rng["routing"]
    to_111 = r.binomial(unmet, v["failed_access_calls_111"])
    rest = unmet - to_111
    to_ae = r.binomial(
        rest, v["failed_access_goes_to_ae"] / max(v["failed_access_goes_to_ae"] + v["failed_access_waits"], 1e-12)
    )

    def in_hours_times(per_day: np.ndarray) -> np.ndarray:
        days = np.repeat(working, per_day)
        return np.sort(days * 24 + 8 + 10.5 * r.random(days.size))

    ae_times["failed_access"].append(in_hours_times(to_ae) + 1.0)
    calls_in_hours = in_hours_times(to_111)

    # Out of hours: needs by hour of the year; some go straight to A&E, the rest call 111.
    profile = _ooh_weights(year, scenario.ooh_profile or (defaults.ooh_weekday, defaults.ooh_weekend))
    expected = list_size.sum() * v["ooh_needs_per_1000_per_year"] / 1000 * year.weeks / 52
    per_hour = rng["ooh_arrivals"].poisson(expected * profile / profile.sum())
    hours = np.repeat(np.arange(year.hours), per_hour)
    offset = rng["ooh_arrivals"].random(hours.size)
    half = (hours % 24 == 18) & year.working_day[hours // 24]  # in hours until 18:30
    needs = np.sort(hours + np.where(half, 0.5 + 0.5 * offset, offset))
    direct = rng["routing"].random(needs.size) < v["straight_to_ae_share"]
    ae_times["straight_to_ae"].append(needs[direct] + 1.0)
    calls = np.concatenate([needs[~direct], calls_in_hours])
    from_practice = np.concatenate([np.zeros((~direct).sum(), bool), np.ones(calls_in_hours.size, bool)])
    order = np.argsort(calls, kind="stable")
    calls, from_practice = calls[order], from_practice[order]

    # NHS 111: call handling, then a disposition.
    c = rng["calls"]
    handling = c.exponential(v["call_handling_minutes"] * MINUTES, calls.size)
    answered, _ = station(
        calls, handling, _rota(calls, v["call_handling_minutes"] * MINUTES, v["staffing_ratio"], year.weeks)
    )
    ended = answered + handling
    shares = [
        v[k]
        for k in (
            "disposition_ambulance",
            "disposition_ae",
            "disposition_primary_care",
            "disposition_other",
            "disposition_none",
        )
    ]
    disposition = c.choice(5, size=calls.size, p=np.array(shares) / sum(shares))
    conveyed = (disposition == 0) & (c.random(calls.size) < v["ambulance_conveyed_share"])
    ae_times["ambulance"].append(ended[conveyed & ~from_practice] + 0.75)
    ae_times["failed_access_via_111"].append(ended[((disposition == 1) | conveyed) & from_practice] + 1.0)
    ae_times["111_ae"].append(ended[(disposition == 1) & ~from_practice] + 1.0)
    primary = disposition == 2
    back_to_practice = primary & in_hours_at(year, ended)
    counts["calls_111"] = float(calls.size)
    counts["ambulance_dispatches"] = float((disposition == 0).sum())
    counts["back_to_practice"] = float(back_to_practice.sum())
    to_ooh = primary & ~back_to_practice
    order = np.argsort(ended[to_ooh], kind="stable")
    ooh, ooh_answered = ended[to_ooh][order], answered[to_ooh][order]  # passed to OOH; when 111 answered

    # OOH clinical assessment, with the NQR clock from the 111 call being answered (NQR 9).
    a = rng["assessment"]
    palliative = a.random(ooh.size) < v["palliative_share"]
    urgent = a.random(ooh.size) < v["urgent_share"]
    assessing = a.exponential(v["assessment_minutes"] * MINUTES, ooh.size)
    started, _ = station(ooh, assessing, _rota(ooh, v["assessment_minutes"] * MINUTES, v["staffing_ratio"], year.weeks))
    target = np.where(urgent, v["urgent_target_minutes"], v["routine_target_minutes"]) * MINUTES
    counted = ooh >= warmup_weeks * HOURS_PER_WEEK
    counts["ooh_cases"] = float(counted.sum())
    counts["clock_met"] = float(((started - ooh_answered) <= target)[counted].sum())
    done = started + assessing
    referral = np.where(
        palliative,
        v["palliative_ae_referral_with_notes" if notes else "palliative_ae_referral"],
        v["ooh_ae_referral_with_notes" if notes else "ooh_ae_referral"],
    )
    referred = a.random(ooh.size) < referral
    ae_times["ooh_referral"].append(done[referred] + 1.0)
    counts["palliative_referred"] = float((referred & palliative).sum())
    counts["palliative_cases"] = float(palliative.sum())
    split = [v["ooh_telephone_share"], v["ooh_base_share"], v["ooh_home_share"]]
    outcome = a.choice(3, size=ooh.size, p=np.array(split) / sum(split))
    home_minutes = v["home_visit_minutes"] if provider == "remote" else v["home_visit_minutes_local"]
    busy = assessing.sum()
    duty = 0.0
    for kind, minutes, travel in ((1, v["base_visit_minutes"], 1.0), (2, home_minutes, 0.0)):
        arrive = np.sort(done[(outcome == kind) & ~referred] + travel)
        service = rng["visits"].exponential(minutes * MINUTES, arrive.size)
        rota = _rota(arrive, minutes * MINUTES, v["staffing_ratio"], year.weeks)
        station(arrive, service, rota)
        busy += service.sum()
        duty += rota.sum() * year.weeks
        counts["base_visits" if kind == 1 else "home_visits"] = float(arrive.size)
    duty += _rota(ooh, v["assessment_minutes"] * MINUTES, v["staffing_ratio"], year.weeks).sum() * year.weeks
    counts["ooh_busy_hours"], counts["ooh_duty_hours"] = float(busy), float(duty)

    # A&E: every route, plus background arrivals by hour.
    background = _ae_background(year, defaults, list_size.sum() * v["background_ae_per_1000_per_year"] / 1000, rng)
    by_hour = np.zeros(HOURS_PER_WEEK)
    start = warmup_weeks * HOURS_PER_WEEK
    for route, parts in ae_times.items():
        times = np.concatenate(parts) if parts else np.zeros(0)
        times = times[(times >= start) & (times < year.hours)]
        counts[f"ae_{route}"] = float(times.size)
        counts[f"ae_{route}_in_hours"] = float(in_hours_at(year, times).sum())
        by_hour += np.bincount((times // 1).astype(np.int64) % HOURS_PER_WEEK, minlength=HOURS_PER_WEEK)
    kept = background[start:]
    counts["ae_background"] = float(kept.sum())
    counts["ae_background_in_hours"] = float(kept[year.in_hours_hour[start:]].sum())
    by_hour += np.bincount(np.arange(start, year.hours) % HOURS_PER_WEEK, weights=kept, minlength=HOURS_PER_WEEK)
    counts["events"] = float(demand.size + needs.size + 2 * calls.size + 2 * ooh.size + background.sum())
    return {"counts": counts, "ae_by_hour_of_week": by_hour, "weeks": year.weeks - warmup_weeks}


def _ooh_weights(year: Year, profile: tuple[tuple[float, ...], tuple[float, ...]]) -> np.ndarray:
    """Relative OOH demand per hour of the year from 24 weights for working days and 24 for the other days."""
    hours = np.arange(year.hours)
    clock = hours % 24
    working = year.working_day[hours // 24]
    weekday = np.array(profile[0])[clock]
    weekend = np.array(profile[1])[clock]
    weight = np.where(working, weekday, weekend)
    in_hours = working & (clock >= 8) & (clock < 18)
    weight = np.where(in_hours, 0.0, weight)
    return np.where(working & (clock == 18), weight * 0.5, weight)


def _ae_background(year: Year, defaults: Defaults, per_year: float, rng) -> np.ndarray:
    hours = np.arange(year.hours)
    weight = np.array(defaults.ae_hour)[hours % 24] * np.where((hours // 24) % 7 == 0, defaults.ae_monday, 1.0)
    expected = per_year * year.weeks / 52 * weight / weight.sum()
    return rng["ae_background"].poisson(expected).astype(np.float64)
