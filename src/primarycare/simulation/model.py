"""One replication of one commissioner's health economy for a year: in-hours practice access, NHS 111, the OOH
service (clinical assessment, base and home visits) and A&E. Returns counts; KPIs are worked out from their sums
(results.py), so chunks of commissioners and replications can run anywhere and be added up.

Every need has an id and takes each decision from its own keyed random number (draws.py), so scenarios stay in step.
One warm-up rule for every KPI: a need is counted when it arises after the warm-up, and everything that follows from
it (its 111 call, OOH case, visit, A&E attendance) is counted with it; capacity, rostered hours and background A&E
arrivals are counted from the same moment. The simulation still runs through the warm-up, so queues are warm."""

from dataclasses import dataclass

import numpy as np

from primarycare.economy.vocabulary import AGE_BANDS, age_band_lower
from primarycare.simulation.ae import UNROUTED, attendances, background_arrivals, department, hour_weights
from primarycare.simulation.calendar import Year, in_hours_at, month_index, month_labels
from primarycare.simulation.choice import constants as failure_constants
from primarycare.simulation.choice import days_to_next_working_day
from primarycare.simulation.choice import shares as failure_shares
from primarycare.simulation.coop import coop_lost_sessions
from primarycare.simulation.deprivation import practice_multipliers
from primarycare.simulation.draws import OOH_NEED, Draws
from primarycare.simulation.engine import HOURS_PER_WEEK, station, waiting_by_hour_of_week
from primarycare.simulation.flags import (
    care_home_ae_weight,
    care_home_ooh_multiplier,
    care_home_residents,
    flagged_share,
    palliative_chance,
    referral_chance,
)
from primarycare.simulation.hourly_needs import daytime_weights, needs_by_hour, ooh_weights
from primarycare.simulation.in_hours import in_hours, network_referrals
from primarycare.simulation.kpis import AE_ROUTES
from primarycare.simulation.minor_unit import minor_split
from primarycare.simulation.modes import needs_per_consultation
from primarycare.simulation.networks import WEEKEND, first_in_line, hub_appointments_per_hour, weekend_open
from primarycare.simulation.own_ooh import own_cover
from primarycare.simulation.parameters import Defaults, Scenario
from primarycare.simulation.repeat_calls import ATTEMPTS, attempt, with_repeats
from primarycare.simulation.rotas import planned
from primarycare.simulation.routed import NO_PRACTICE, Routed, later
from primarycare.simulation.travel import travel_hours

MINUTES = 1 / 60


def aged_population(patients: np.ndarray, v: dict) -> np.ndarray:
    lower = np.array([age_band_lower(b) for b in AGE_BANDS])
    factor = np.where(lower >= 65, v["population_65_plus_multiplier"], 1.0)
    factor = factor * np.where(lower >= 85, v["population_85_plus_multiplier"], 1.0)
    return patients * factor


def sex_factor(female_share: np.ndarray, ratio: float) -> np.ndarray:
    """Relative consultation rate of a band's patients from its female share, women consulting ``ratio`` times as
    often as men of the same age: 1 for a band half female (so the national rate keeps its meaning)."""
    male = 2 / (1 + ratio)
    return female_share * ratio * male + (1 - female_share) * male


def rate_scale(patients: np.ndarray, defaults: Defaults, v: dict) -> dict[str, float]:
    """Per-band weights scaled so the whole (un-aged) economy averages consultations_per_person_year, background
    A&E attendances background_ae_per_1000_per_year and 999 ambulance conveyances to A&E
    ambulance_999_per_1000_per_year (at the A&E age profile: an older population brings more of both)."""
    scales = {}
    for name, weights, rate in (
        ("consultations", defaults.age_rates, v["consultations_per_person_year"]),
        ("ae", defaults.ae_age_rates, v["background_ae_per_1000_per_year"] / 1000),
        ("ambulance_999", defaults.ae_age_rates, v["ambulance_999_per_1000_per_year"] / 1000),
        ("minor", defaults.ae_age_rates, v["minor_needs_per_1000_per_year"] / 1000),
    ):
        weighted = (patients * np.array([weights[b] for b in AGE_BANDS])).sum()
        scales[name] = rate * patients.sum() / max(weighted, 1e-9)
    return scales


@dataclass(frozen=True)
class Demand:
    """Each practice's demand under the scenario (the fast model and its reference both start from it)."""

    annual: np.ndarray  # same-day and routine needs in the run (consultations, less telephone follow-ups)
    lists: np.ndarray  # patients
    residents: np.ndarray  # care-home residents
    ooh_weight: np.ndarray  # relative out-of-hours needs (list x deprivation x care homes)
    ae_multiplier: np.ndarray  # deprivation's multiplier of A&E
    ae_weight: np.ndarray  # relative background and 999 A&E attendances
    visit_share: np.ndarray  # of its consultations, its care-home residents' (seen at home face to face: modes.py)


def practice_demand(v: dict, defaults: Defaults, year: Year, patients, scale, fifth, female, care_home) -> Demand:
    """Per practice: consultations from its ages and sexes, out-of-hours and A&E weights from its patients' ages,
    deprivation and care-home residents."""
    pop = aged_population(patients, v)
    weights = np.array([defaults.age_rates[b] for b in AGE_BANDS])
    sex = 1.0 if female is None else sex_factor(female, v["consultations_female_to_male"])
    per_year = (pop * weights * sex).sum(axis=1)
    annual = per_year * scale["consultations"] * year.weeks / 52 * needs_per_consultation(v)  # needs (modes.py)
    lists = pop.sum(axis=1)
    residents = care_home_residents(v, pop, care_home)
    oldest = AGE_BANDS.index("85_89")  # residents consult as the practice's 85-89s do (their mean age is 85-86)
    visits = residents * defaults.age_rates["85_89"] * (sex if np.isscalar(sex) else sex[:, oldest])
    visit_share = np.minimum(np.divide(visits, per_year, out=np.zeros(lists.size), where=per_year > 0), 1.0)
    fifth = np.zeros(len(lists), np.int64) if fifth is None else np.asarray(fifth, np.int64)
    ooh_weight = lists * practice_multipliers(fifth, v["deprivation_ooh_ratio"])
    ooh_weight = ooh_weight * care_home_ooh_multiplier(v, residents, lists)
    ae_multiplier = practice_multipliers(fifth, v["deprivation_ae_ratio"])
    ae_weights = np.array([defaults.ae_age_rates[b] for b in AGE_BANDS])
    ae_weight = (pop * ae_weights).sum(axis=1) + care_home_ae_weight(v, residents, defaults.ae_age_rates["85_89"])
    return Demand(annual, lists, residents, ooh_weight, ae_multiplier, ae_weight * ae_multiplier, visit_share)


def simulate(
    scenario: Scenario,
    defaults: Defaults,
    year: Year,
    patients: np.ndarray,
    scale: dict[str, float],
    *,
    seed: int,
    replication: int,
    chunk: int,
    warmup_weeks: int = 0,
    keeps_ooh: np.ndarray | None = None,
    rotas: dict[str, np.ndarray] | None = None,
    network: np.ndarray | None = None,
    deprivation: np.ndarray | None = None,
    female_share: np.ndarray | None = None,
    positions: np.ndarray | None = None,
    palliative_register: np.ndarray | None = None,
    care_home: np.ndarray | None = None,
    routine_backlog: np.ndarray | None = None,
) -> dict:
    """``rotas``: the fixed rota of each station (rotas.py), or None to plan each to this run's own demand;
    ``network``: each practice's network (an index; None: each practice its own); ``deprivation``: each
    practice's deprivation fifth (1 most deprived … 5 least, 0 or None unknown: England's average rates);
    ``female_share``: practices x age bands, the share of patients who are female (None: a half); ``positions``:
    practices x (easting, northing) in metres, for home visits' travel (None: fixed home-visit times);
    ``palliative_register``: each practice's palliative care register (None: ``palliative_share`` of cases);
    ``care_home``: each practice's care-home residents (None: estimated from its patients aged 85+; flags.py);
    ``routine_backlog``: each practice's routine book at the start (a warm start; None: empty)."""
    v = scenario.values
    draws = Draws(seed, replication, chunk)
    demand = practice_demand(v, defaults, year, patients, scale, deprivation, female_share, care_home)
    annual, list_size, residents = demand.annual, demand.lists, demand.residents
    notes = bool(v["notes_access"]) or v["ooh_provider"] == "practices"
    start = warmup_weeks * HOURS_PER_WEEK
    month_count = len(month_labels(year))

    def by_month(times: np.ndarray) -> np.ndarray:
        return np.bincount(month_index(year, times), minlength=month_count).astype(np.float64)

    counts: dict = {}
    practices: dict = {}
    ae: dict[str, list[Routed]] = {route: [] for route in AE_ROUTES if route not in UNROUTED}

    # Out of hours: needs by hour of the year, each from a patient of one of the practices; some go straight to A&E.
    # Patients of practices that kept OOH responsibility call their own practice; the rest call 111.
    profile = ooh_weights(year, scenario.ooh_profile or (defaults.ooh_weekday, defaults.ooh_weekend))
    ooh_weight = demand.ooh_weight
    expected = ooh_weight.sum() * v["ooh_needs_per_1000_per_year"] / 1000 * year.weeks / 52
    day_profile = daytime_weights(year)  # and those who call 111 while their practice is open (hourly_needs.py)
    calling = ooh_weight.sum() * v["daytime_111_per_1000_per_year"] / 1000 * year.weeks / 52
    needs, ooh_count = needs_by_hour(
        year, expected * profile / profile.sum(), draws, start, calling * day_profile / day_profile.sum()
    )
    whose = draws.choice(needs.ids, "practice", ooh_weight)
    index = (needs.ids & ~OOH_NEED).astype(np.int64)  # each need's id: the OOH needs first, then daytime callers
    in_day = index >= ooh_count
    whose_by_id = np.empty_like(whose)
    whose_by_id[index] = whose
    practices["ooh_needs"] = np.bincount(whose[needs.counted & ~in_day], minlength=len(annual)).astype(np.float64)
    keeps = np.zeros(len(annual), bool) if keeps_ooh is None else np.asarray(keeps_ooh, bool)
    network = np.arange(len(annual)) if network is None else np.asarray(network, np.int64)
    keeps = np.ones_like(keeps) if v["ooh_provider"] == "practices" else keeps
    direct = draws.bernoulli(needs.ids, "straight_to_ae", v["straight_to_ae_share"]) & ~in_day
    ae["straight_to_ae"].append(later(needs[direct], 1.0))
    own = ~direct & keeps[whose] & ~in_day
    palliative = palliative_chance(v, patients.sum(axis=1), palliative_register)  # per practice, of an OOH need
    in_care_home = flagged_share(v["care_home_ooh_ratio"], residents, list_size)  # per practice, of an OOH need
    flags = (palliative, in_care_home)
    cover = own_cover(
        v, year, needs.ids[own], needs.times[own], whose[own], len(annual), draws, needs.counted[own], flags
    )
    lost = cover.lost_sessions
    if v["ooh_provider"] == "local_coop" and rotas:  # its shifts are the members' GPs' (fixed rotas only)
        lost = lost + coop_lost_sessions(v, year, rotas, list_size, ~keeps, draws)

    ae_multiplier = demand.ae_multiplier
    next_working, fitted = days_to_next_working_day(year.working_day), failure_constants(v)

    def choose(failing: Routed) -> np.ndarray:
        days_to_next = next_working[(failing.times // 24).astype(np.int64)]
        shares = failure_shares(v, days_to_next, ae_multiplier[failing.practice], fitted)
        return draws.choose(failing.ids, "after_failure", shares)

    days: dict = {}  # the appointment book's daily series, and the routine books' queues at the end
    failed, after, referred = in_hours(
        v,
        year,
        annual,
        list_size,
        network,
        draws,
        start,
        counts,
        practices,
        lost,
        defaults.same_day_hours,
        choose,
        days,
        routine_backlog,
        scenario.practice_week or defaults.practice_week,
        demand.visit_share,
    )
    backlog = days.pop("routine_backlog")
    before_closed = (next_working[(failed.times // 24).astype(np.int64)] > 1) & failed.counted
    acted = (after != 0) & failed.counted  # called 111 or went to A&E
    counts["failed_access_before_closed_days"] = float(before_closed.sum())
    counts["failed_access_before_closed_days_acted"] = float((before_closed & acted).sum())
    counts["failed_access_acted"] = float(acted.sum())
    ae["failed_access"].append(later(failed[after == 2], 1.0))
    ae["practice_referral"].append(later(referred, 1.0))
    first_calls = Routed.joined([needs[~direct & ~own], failed[after == 1]])
    calls, disposition, by_rule = with_repeats(first_calls, v, draws, year.hours)
    from_practice = calls.practice != NO_PRACTICE
    need = np.where(from_practice, 0, calls.ids & ~(OOH_NEED | ATTEMPTS)).astype(np.int64)  # a need's calls: its own
    daytime = ~from_practice & (need >= ooh_count)

    # NHS 111: call handling, then a disposition.
    handling = draws.exponential(calls.ids, "handling", v["call_handling_minutes"] * MINUTES)
    used: dict[str, np.ndarray] = {}

    def rota(name: str, arrivals: np.ndarray, minutes: float) -> np.ndarray:
        used[name] = rotas[name] if rotas else planned(arrivals, minutes * MINUTES, v["staffing_ratio"], year.weeks)
        return used[name]

    call_rota = rota("calls_111", calls.times, v["call_handling_minutes"])
    answered, _ = station(calls.times, handling, call_rota)
    ended = answered + handling
    conveyed = (disposition == 0) & draws.bernoulli(calls.ids, "conveyed", v["ambulance_conveyed_share"])
    after_call = Routed(calls.ids, ended, calls.counted, calls.practice)
    ae["ambulance"].append(later(after_call[conveyed & ~from_practice & ~daytime], 0.75))
    ae["failed_access_via_111"].append(later(after_call[((disposition == 1) | conveyed) & from_practice], 1.0))
    ae["111_ae"].append(later(after_call[(disposition == 1) & ~from_practice & ~daytime], 1.0))
    ae["daytime_111"].append(later(after_call[((disposition == 1) | conveyed) & daytime], 1.0))
    primary = disposition == 2
    back_to_practice = primary & in_hours_at(year, ended)
    counts["calls_111"] = float(calls.counted.sum())
    counts["repeat_calls_111"] = float(((attempt(calls.ids) > 0) & calls.counted).sum())
    counts["repeat_caller_clinician_calls"] = float((by_rule & calls.counted).sum())
    counts["call_wait_hours"] = float((answered - calls.times)[calls.counted].sum())
    counts["calls_answered_60s"] = float((((answered - calls.times) <= 1 / 60) & calls.counted).sum())  # NQR 8
    months = {"calls_111": by_month(calls.times[calls.counted])}
    counts["ambulance_dispatches"] = float(((disposition == 0) & calls.counted).sum())
    counts["back_to_practice"] = float((back_to_practice & calls.counted).sum())
    to_ooh = primary & ~back_to_practice
    # At the weekend 111 books primary-care needs into the network's hub while it is open and has room.
    network_lists = np.bincount(network, weights=list_size, minlength=int(network.max()) + 1)
    hub_day = np.floor(hub_appointments_per_hour(v, network_lists) * (WEEKEND[1] - WEEKEND[0]) + 0.5)
    calendar_days = np.arange(year.working_day.size)
    open_days = weekend_open(calendar_days * 24.0 + WEEKEND[0], v)
    weekend = to_ooh & weekend_open(ended, v) & (ended < year.hours)
    home = np.where(from_practice, calls.practice, whose_by_id[need])
    key = network[home] * calendar_days.size + (ended // 24).astype(np.int64)
    capacity = (hub_day[:, None] * open_days[None, :]).astype(np.int64).ravel()
    booked = np.zeros(calls.ids.size, bool)
    booked[weekend] = first_in_line(key[weekend], ended[weekend], capacity)
    to_ooh &= ~booked
    ae["practice_referral"].append(later(network_referrals(after_call[booked], v, draws), 1.0))
    counts["hub_weekend_appointments"] = float((booked & calls.counted).sum())
    counts["hub_weekend_capacity"] = float(hub_day.sum() * open_days[calendar_days * 24 >= start].sum())
    order = np.argsort(ended[to_ooh], kind="stable")
    cases = after_call[to_ooh][order]
    case_home = home[to_ooh][order]  # the practice whose patient each case is
    ooh_answered = answered[to_ooh][order]

    # OOH clinical assessment, with the NQR clock from the 111 call being answered (NQR 9).
    palliative = draws.bernoulli(cases.ids, "palliative", palliative[case_home])
    resident = draws.bernoulli(cases.ids, "care_home", in_care_home[case_home])
    urgent = draws.bernoulli(cases.ids, "urgent", v["urgent_share"])
    assessing = draws.exponential(cases.ids, "assessing", v["assessment_minutes"] * MINUTES)
    started, _ = station(cases.times, assessing, rota("assessment", cases.times, v["assessment_minutes"]))
    target = np.where(urgent, v["urgent_target_minutes"], v["routine_target_minutes"]) * MINUTES
    counted = cases.counted
    counts["ooh_cases"] = float(counted.sum())
    met = ((started - ooh_answered) <= target) & counted
    counts["clock_met"] = float(met.sum())
    months["ooh_cases"], months["clock_met"] = by_month(cases.times[counted]), by_month(cases.times[met])
    done = started + assessing
    referred = draws.bernoulli(cases.ids, "referral", referral_chance(v, palliative, resident, notes))
    assessed = Routed(cases.ids, done, counted, cases.practice)
    ae["ooh_referral"].append(later(assessed[referred], 1.0))
    counts["palliative_referred"] = float((referred & palliative & counted).sum())
    counts["palliative_cases"] = float((palliative & counted).sum())
    counts["care_home_referred"] = float((referred & resident & counted).sum())
    counts["care_home_cases"] = float((resident & counted).sum())
    outcome = draws.choice(cases.ids, "outcome", [v["ooh_telephone_share"], v["ooh_base_share"], v["ooh_home_share"]])
    outcome = np.where(resident & (outcome == 1), 2, outcome)  # a resident is seen in the home
    home_minutes = v["home_visit_minutes"] if v["ooh_provider"] == "remote" else v["home_visit_minutes_local"]
    trip = None if positions is None else travel_hours(v, positions, list_size, network, v["ooh_provider"])
    home_minutes = home_minutes if trip is None else v["home_visit_consult_minutes"]
    counted_weeks = year.weeks - warmup_weeks
    busy = assessing[counted].sum()
    for kind, minutes, travel in ((1, v["base_visit_minutes"], 1.0), (2, home_minutes, 0.0)):
        chosen = (outcome == kind) & ~referred
        visits = later(assessed[chosen], travel)
        order = np.argsort(visits.times, kind="stable")
        visits = visits[order]
        service = draws.exponential(visits.ids, "visit", minutes * MINUTES)
        if kind == 2 and trip is not None:  # the round trip from the provider's nearest base
            service = service + trip[case_home[chosen][order]]
        mean_minutes = float(service.mean()) / MINUTES if service.size else minutes  # travel included
        seen, _ = station(
            visits.times, service, rota("base_visits" if kind == 1 else "home_visits", visits.times, mean_minutes)
        )
        # NQR 12: a face-to-face consultation starts within 2 hours (urgent) or 6 hours of the assessment ending
        soon = np.where(draws.bernoulli(visits.ids, "urgent", v["urgent_share"]), 2.0, 6.0)
        counts["face_to_face"] = counts.get("face_to_face", 0.0) + float(visits.counted.sum())
        within = (seen - (visits.times - travel)) <= soon
        counts["face_to_face_met"] = counts.get("face_to_face_met", 0.0) + float((within & visits.counted).sum())
        busy += service[visits.counted].sum()
        counts["base_visits" if kind == 1 else "home_visits"] = float(visits.counted.sum())

    # Practices' own cover: their cases count with the OOH service's, the clock running from the patient's call.
    mine = needs[own]
    called = Routed(mine.ids, cover.done, mine.counted, mine.practice)
    ae["ambulance"].append(later(called[cover.conveyed], 0.75))
    ae["own_practice_ae"].append(later(called[cover.disposition == 1], 1.0))
    counts["own_ooh_calls"] = float(mine.counted.sum())
    counted = mine.counted & (cover.disposition == 2)
    target = np.where(cover.urgent, v["urgent_target_minutes"], v["routine_target_minutes"]) * MINUTES
    counts["own_ooh_cases"] = float(counted.sum())
    counts["ooh_cases"] += counts["own_ooh_cases"]
    met = ((cover.started - mine.times) <= target) & counted
    counts["clock_met"] += float(met.sum())
    months["ooh_cases"] += by_month(mine.times[counted])
    months["clock_met"] += by_month(mine.times[met])
    counts["ambulance_dispatches"] += float(((cover.disposition == 0) & mine.counted).sum())
    ae["ooh_referral"].append(later(called[cover.referred], 1.0))
    counts["palliative_referred"] += float((cover.referred & cover.palliative & counted).sum())
    counts["palliative_cases"] += float((cover.palliative & counted).sum())
    counts["care_home_referred"] += float((cover.referred & cover.care_home & counted).sum())
    counts["care_home_cases"] += float((cover.care_home & counted).sum())
    for kind, name in ((1, "base_visits"), (2, "home_visits")):
        counts[name] += float(((cover.outcome == kind) & ~cover.referred & counted).sum())
    duty = sum(used[name].sum() for name in ("assessment", "base_visits", "home_visits")) * counted_weeks
    on_call = keeps.sum() * (~year.in_hours_hour[start:]).sum()  # one GP per practice whenever it is closed
    counts["ooh_busy_hours"], counts["ooh_duty_hours"] = float(busy + cover.busy_hours), float(duty + on_call)
    # staff hours, for the cost: rostered 111 call handlers and OOH clinicians, practices' GPs on call and working
    counts["call_handler_hours"] = float(call_rota.sum() * counted_weeks)
    counts["provider_clinician_hours"] = float(duty)
    counts["on_call_hours"], counts["on_call_busy_hours"] = float(on_call), cover.busy_hours

    # A&E: every route, plus background arrivals and 999 ambulance conveyances by hour, through the department.
    by_practice = demand.ae_weight
    weights = hour_weights(year, defaults.ae_hour, defaults.ae_monday)
    unrouted = {
        "background": background_arrivals(year, weights, by_practice.sum() * scale["ae"], draws),
        "ambulance_999": background_arrivals(
            year, weights, by_practice.sum() * scale["ambulance_999"], draws, "ambulance_999"
        ),
    }
    minor = background_arrivals(year, weights, by_practice.sum() * scale["minor"], draws, "minor_needs")
    to_ae, at_unit = minor_split(minor, v, start)  # minor injury units (type 3): type 1 while they are closed
    ae["minor_when_closed"].append(to_ae)
    counts["minor_unit_attendances"] = float(at_unit.sum())
    attending, by_hour = attendances(ae, unrouted, start, year, counts, practices)
    months["ae_attendances"] = by_month(attending.times[attending.counted])
    months["failed_access"] = by_month(failed.times[failed.counted])
    attending = attending[attending.times < year.hours]  # after the year's end: neither simulated nor counted
    ae_seen, found = department(
        attending.ids,
        attending.times,
        attending.counted,
        rota("ae", attending.times, v["ae_treatment_minutes"]),
        v["ae_treatment_minutes"],
        draws,
    )
    counts |= found
    queues = {  # the queue length over a typical week, counted weeks only
        "calls_111": waiting_by_hour_of_week(calls.times, answered, start, year.hours),
        "assessment": waiting_by_hour_of_week(cases.times, started, start, year.hours),
        "ae": waiting_by_hour_of_week(attending.times, ae_seen, start, year.hours),
    }
    counts["ae_clinician_hours"] = float(used["ae"].sum() * counted_weeks)
    counts["events"] = float(counts.pop("same_day_needs") + needs.ids.size + 2 * calls.ids.size + 2 * cases.ids.size)
    counts["events"] += float(2 * mine.ids.size)
    counts["events"] += float(2 * attending.ids.size)
    out = {"counts": counts, "practices": practices, "ae_by_hour_of_week": by_hour, "weeks": counted_weeks}
    out["minor_unit_by_hour_of_week"] = at_unit
    out["months"], out["queues"], out["days"], out["routine_backlog"] = months, queues, days, backlog
    return out | {"rotas": used}
