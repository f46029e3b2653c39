"""From counts to KPIs: add up chunks per replication, work out each KPI, and summarise with 95% CIs."""

import numpy as np
import polars as pl

from primarycare.simulation.kpis import AE_ROUTES, KPIS
from primarycare.simulation.modes import MODES
from primarycare.simulation.stats import mean_ci


def add_up(chunks: list[dict]) -> tuple[dict, np.ndarray, int]:
    """The chunks' counts added up, and their arrivals by hour of week: type 1 A&E (row 0), minor units (row 1)."""
    totals: dict[str, float] = {}
    by_hour = np.zeros((2, 168))
    for chunk in chunks:
        for key, value in chunk["counts"].items():
            totals[key] = totals.get(key, 0.0) + value
        by_hour += (chunk["ae_by_hour_of_week"], chunk["minor_unit_by_hour_of_week"])
    return totals, by_hour, chunks[0]["weeks"]


def queue_frame(replication: int, chunks: list[dict]) -> pl.DataFrame:
    """station, hour_of_week, waiting: the mean number waiting at the start of each hour of the week, every
    commissioner's station added up."""
    names = chunks[0]["queues"].keys()
    return pl.concat(
        pl.DataFrame(
            {
                "replication": replication,
                "station": name,
                "hour_of_week": np.arange(168),
                "waiting": sum(chunk["queues"][name] for chunk in chunks),
            }
        )
        for name in names
    )


def month_frame(replication: int, labels: list[str], chunks: list[dict]) -> pl.DataFrame:
    """One row per calendar month: the replication's counts by when they happened (counted needs only)."""
    names = chunks[0]["months"].keys()
    columns = {name: sum(chunk["months"][name] for chunk in chunks) for name in names}
    return pl.DataFrame({"replication": replication, "month": labels, **columns})


def day_frame(replication: int, dates: list, chunks: list[dict]) -> pl.DataFrame:
    """One row per working day of the whole run (the warm-up too): the replication's daily series, every
    commissioner's added up (the routine books' queues at the day's end, same-day requests, failed requests)."""
    names = chunks[0]["days"].keys()
    columns = {name: sum(np.asarray(chunk["days"][name], np.float64) for chunk in chunks) for name in names}
    return pl.DataFrame({"replication": replication, "date": dates, **columns})


def practice_frame(replication: int, codes: list[str], chunks: list[dict]) -> pl.DataFrame:
    """One row per practice: its counts over the counted weeks, in the order of ``codes`` (the chunks' practices)."""
    names = chunks[0]["practices"].keys()
    columns = {name: np.concatenate([chunk["practices"][name] for chunk in chunks]) for name in names}
    return pl.DataFrame({"replication": replication, "practice_code": codes, **columns})


def kpis(totals: dict, costs: dict) -> dict[str, float]:
    """The KPIs from a replication's totals; ``costs``: the unit costs in one price year (prices.unit_costs)."""
    ae = sum(totals[f"ae_{route}"] for route in AE_ROUTES)
    in_hours = sum(totals[f"ae_{route}_in_hours"] for route in AE_ROUTES)
    avoidable = sum(
        totals[f"ae_{r}"]
        for r in (
            "straight_to_ae",
            "failed_access",
            "failed_access_via_111",
            "111_ae",
            "daytime_111",
            "own_practice_ae",
            "ooh_referral",
        )
    )
    share = lambda part, whole: part / whole if whole else 0.0  # noqa: E731
    appointments = sum(totals[f"appointments_{mode}"] for mode in MODES)
    hub_capacity = totals["hub_evening_capacity"] + totals["hub_weekend_capacity"]
    hub_used = totals["hub_evening_appointments"] + totals["hub_weekend_appointments"]
    cost = (  # staff where the model rosters them, unit costs per attendance where it does not
        (totals["practice_time_appointments"] + hub_capacity) * costs["cost_gp_appointment"]
        + totals["call_handler_hours"] * costs["cost_call_handler_hour"]
        + (totals["provider_clinician_hours"] + totals["on_call_busy_hours"]) * costs["cost_ooh_clinician_hour"]
        + totals["on_call_hours"] * costs["cost_on_call_hour"]
        + ae * costs["cost_ae_attendance"]
        + totals["minor_unit_attendances"] * costs["cost_minor_unit_attendance"]
        + totals["ambulance_dispatches"] * costs["cost_ambulance"]
    )
    return {
        "ae_attendances": ae,
        "minor_unit_attendances": totals["minor_unit_attendances"],
        "ae_in_hours_share": share(in_hours, ae),
        "ae_after_failed_practice_access_share": share(
            totals["ae_failed_access"] + totals["ae_failed_access_via_111"], ae
        ),
        "ae_avoidable_share": share(avoidable, ae),
        "failed_access_to_ae_share": share(
            totals["ae_failed_access"] + totals["ae_failed_access_via_111"], totals["unmet_in_hours"]
        ),
        "ooh_clock_compliance": share(totals["clock_met"], totals["ooh_cases"]),
        "calls_answered_within_60s_share": share(totals["calls_answered_60s"], totals["calls_111"]),
        "calls_mean_wait_minutes": share(totals["call_wait_hours"], totals["calls_111"]) * 60,
        "ooh_face_to_face_compliance": share(totals["face_to_face_met"], totals["face_to_face"]),
        "ae_four_hour_share": share(totals["ae_within_4h"], totals["ae_seen"]),
        "ae_mean_wait_minutes": share(totals["ae_wait_hours"], totals["ae_seen"]) * 60,
        "ae_clinician_utilisation": share(totals["ae_treatment_hours"], totals["ae_clinician_hours"]),
        "practice_utilisation": share(totals["practice_used"], totals["practice_capacity"]),
        "practice_appointments_used": appointments,
        "telephone_appointment_share": share(totals["appointments_telephone"], appointments),
        "home_visit_appointment_share": share(totals["appointments_home_visit"], appointments),
        "hub_appointments": hub_used,
        "hub_utilisation": share(hub_used, hub_capacity),
        "pooled_appointments": totals["pooled_appointments"],
        "same_day_repeat_requests": totals["same_day_repeat_requests"],
        "routine_wait_working_days": share(
            totals["routine_waiting_days"], totals["routine_requests"] - totals["routine_unbooked"]
        ),
        "routine_unbooked_share": share(totals["routine_unbooked"], totals["routine_requests"]),
        "repeat_calls_111": totals["repeat_calls_111"],
        "repeat_caller_clinician_calls": totals["repeat_caller_clinician_calls"],
        "calls_111": totals["calls_111"],
        "ooh_cases": totals["ooh_cases"],
        "ooh_home_visits": totals["home_visits"],
        "ooh_cases_by_own_practice": totals["own_ooh_cases"],
        "sessions_lost_to_night_work": totals["sessions_lost_to_night_work"],
        "ooh_clinician_utilisation": share(totals["ooh_busy_hours"], totals["ooh_duty_hours"]),
        "palliative_ae_referral_share": share(totals["palliative_referred"], totals["palliative_cases"]),
        "care_home_ooh_cases": totals["care_home_cases"],
        "care_home_ae_referral_share": share(totals["care_home_referred"], totals["care_home_cases"]),
        "cost_gbp": cost,
        **{f"ae_from_{route}": totals[f"ae_{route}"] for route in AE_ROUTES},
    }


def summarise(replications: pl.DataFrame) -> dict[str, dict[str, float]]:
    """Each KPI's mean and 95% confidence interval across replications."""
    summary = {}
    for name in KPIS:
        mean, half = mean_ci(replications[name].to_numpy())
        summary[name] = {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "half_width": half}
    return summary
