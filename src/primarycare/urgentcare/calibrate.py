"""A provider's recorded cases as the simulation's out-of-hours inputs, so a commissioner can ask "what if" of its
own service. Each figure is counted from the cases; where the model's input sits upstream of what a provider sees
(needs before 111), it is worked back through the scenario's own shares, and the scenario file says so."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import fmean

from primarycare.economy.calendar import is_working_day, uk_local
from primarycare.urgentcare.case import Case

TELEPHONE = ("advice", "prescription")
MINIMUM_CASES = 20


class CalibrationError(ValueError):
    pass


@dataclass(frozen=True)
class Calibration:
    overrides: dict[str, float]
    ooh_profile: dict[str, list[float]]
    notes: dict[str, str]
    cases: int


def _minutes(pairs: list[tuple[datetime | None, datetime | None]]) -> float | None:
    spans = [(end - start).total_seconds() / 60 for start, end in pairs if start and end and end > start]
    return round(fmean(spans), 1) if spans else None


def calibrate(
    cases: list[Case],
    *,
    first_day: date,
    last_day: date,
    registered_patients: int,
    straight_to_ae_share: float,
    disposition_primary_care: float,
) -> Calibration:
    """Overrides and an hour-of-day profile from the cases received between two days (UK local, inclusive)."""
    if len(cases) < MINIMUM_CASES:
        raise CalibrationError(f"{len(cases)} cases in the period: at least {MINIMUM_CASES} are needed")
    if registered_patients <= 0:
        raise CalibrationError("the provider's commissioners have no registered patients loaded")
    days = (last_day - first_day).days + 1
    per_year = len(cases) * 365.25 / days
    reach = (1 - straight_to_ae_share) * disposition_primary_care
    needs = per_year / reach / (registered_patients / 1000)
    overrides: dict[str, float] = {"ooh_needs_per_1000_per_year": round(needs, 2)}
    notes = {
        "ooh_needs_per_1000_per_year": (
            f"{len(cases)} cases in {days} days = {per_year:,.0f} a year for {registered_patients:,} registered "
            f"patients, divided by (1 - straight_to_ae_share {straight_to_ae_share}) x disposition_primary_care "
            f"{disposition_primary_care}, the share of needs the model sends to the OOH service"
        )
    }
    prioritised = Counter(c.priority for c in cases)
    overrides["urgent_share"] = round((prioritised["emergency"] + prioritised["urgent"]) / len(cases), 4)
    notes["urgent_share"] = "emergency and urgent cases / all cases"
    closed = [c for c in cases if c.outcome]
    if len(closed) < MINIMUM_CASES:
        raise CalibrationError(f"{len(closed)} closed cases in the period: at least {MINIMUM_CASES} are needed")
    outcome = Counter(c.outcome for c in closed)
    phone, base, home = sum(outcome[o] for o in TELEPHONE), outcome["base_visit"], outcome["home_visit"]
    if phone + base + home:
        overrides["ooh_telephone_share"] = round(phone / (phone + base + home), 4)
        overrides["ooh_base_share"] = round(base / (phone + base + home), 4)
        overrides["ooh_home_share"] = round(1 - overrides["ooh_telephone_share"] - overrides["ooh_base_share"], 4)
        notes["ooh_telephone_share"] = "advice and prescription / (advice, prescription, base and home visits)"
    overrides["ooh_ae_referral"] = round((outcome["referred_to_ae"] + outcome["ambulance"]) / len(closed), 4)
    notes["ooh_ae_referral"] = "referred to A&E or ambulance / closed cases"
    durations = {
        "assessment_minutes": [(c.assessment_started_at, c.closed_at) for c in closed if c.outcome in TELEPHONE],
        "base_visit_minutes": [(c.face_to_face_started_at, c.closed_at) for c in closed if c.outcome == "base_visit"],
        "home_visit_minutes": [(c.face_to_face_started_at, c.closed_at) for c in closed if c.outcome == "home_visit"],
    }
    for name, pairs in durations.items():
        mean = _minutes(pairs)
        if mean is not None:
            overrides[name] = mean
            notes[name] = f"mean minutes from start to close over {len(pairs)} cases"
    if "home_visit_minutes" in overrides:
        overrides["home_visit_minutes_local"] = overrides["home_visit_minutes"]
    return Calibration(overrides, _profile(cases, first_day, days), notes, len(cases))


def _profile(cases: list[Case], first_day: date, days: int) -> dict[str, list[float]]:
    """Mean cases per hour of day on working days and on the other days (weekends and bank holidays)."""
    calendar = [first_day + timedelta(days=d) for d in range(days)]
    working_days = sum(is_working_day(d) for d in calendar)
    other_days = days - working_days
    counts = {"weekday": [0] * 24, "weekend": [0] * 24}
    for case in cases:
        local = uk_local(case.received_at)
        counts["weekday" if is_working_day(local.date()) else "weekend"][local.hour] += 1
    return {
        "weekday": [round(n / working_days, 4) if working_days else 0.0 for n in counts["weekday"]],
        "weekend": [round(n / other_days, 4) if other_days else 0.0 for n in counts["weekend"]],
    }
