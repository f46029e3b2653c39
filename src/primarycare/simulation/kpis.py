"""The names of the model's KPIs and A&E routes, light enough for any page or command to import."""

AE_ROUTES = (
    "background",
    "ambulance_999",
    "straight_to_ae",
    "failed_access",
    "failed_access_via_111",
    "ambulance",
    "111_ae",
    "own_practice_ae",
    "ooh_referral",
    "practice_referral",
    "daytime_111",
    "minor_when_closed",
)

KPIS = {
    "ae_attendances": "A&E (type 1) attendances in the year, every route",
    "minor_unit_attendances": "attendances at minor injury units (type 3 A&E) while they are open",
    "ae_in_hours_share": "share of A&E attendances arriving in hours (08:00-18:30 on working days)",
    "ae_after_failed_practice_access_share": "share of A&E attendances after a failed attempt to see the practice",
    "ae_avoidable_share": "share of A&E attendances from routes primary care could have met "
    "(failed practice access, straight to A&E out of hours, 111 and OOH referrals)",
    "ooh_clock_compliance": "share of OOH cases whose definitive clinical assessment started within the NQR target "
    "of the 111 call being answered",
    "calls_answered_within_60s_share": "share of 111 calls answered within 60 seconds (NQR 8)",
    "calls_mean_wait_minutes": "mean wait for a 111 call to be answered",
    "ooh_face_to_face_compliance": "share of the OOH provider's base and home visits starting within 2 hours "
    "(urgent) or 6 hours of the assessment ending (NQR 12)",
    "ae_four_hour_share": "share of A&E attendances leaving within 4 hours of arriving (the 4-hour standard)",
    "ae_mean_wait_minutes": "mean wait in A&E from arrival to a clinician",
    "ae_clinician_utilisation": "A&E clinicians' treating hours / rostered hours",
    "practice_utilisation": "needs met / needs the practices' appointments could meet in hours",
    "practice_appointments_used": "practice appointments used in hours (same-day and routine, each need met one and "
    "a telephone consultation's surgery follow-up another), in the year",
    "telephone_appointment_share": "share of practice appointments in hours held by telephone (each need met "
    "is an appointment, and a telephone one needing a surgery follow-up two: modes.py)",
    "home_visit_appointment_share": "share of practice appointments in hours that are visits to the patient's "
    "home (care-home residents' face-to-face consultations)",
    "hub_appointments": "network hub appointments used: evenings (needs practices could not meet that day) and "
    "weekends (booked by 111)",
    "hub_utilisation": "hub appointments used / offered",
    "pooled_appointments": "same-day needs met with a slot another practice of the network left unused",
    "same_day_repeat_requests": "requests from patients trying their practice again the working day after finding "
    "no appointment (each try counted)",
    "failed_access_to_ae_share": "share of the patients who found no appointment who went to A&E, directly or "
    "through 111",
    "routine_wait_working_days": "mean wait for a routine appointment in working days (the routine book's queue by "
    "Little's law; patients who failed same-day access and chose to wait book into it)",
    "routine_unbooked_share": "routine requests not booked because the wait offered was beyond routine_patience_days",
    "repeat_calls_111": "111 calls from patients calling again after a call that ended with another service or none",
    "repeat_caller_clinician_calls": "third calls within 96 hours that 111's repeat-caller rule sent to a clinician "
    "instead of the triage's own disposition",
    "calls_111": "NHS 111 calls",
    "ooh_cases": "cases assessed by the OOH service",
    "ooh_home_visits": "OOH home visits",
    "ooh_cases_by_own_practice": "OOH cases handled by the patient's own practice (practices that kept OOH "
    "responsibility; counted in ooh_cases too)",
    "sessions_lost_to_night_work": "in-hours sessions practices gave up after their on-call GP worked between 00:00 "
    "and 07:00",
    "ooh_clinician_utilisation": "OOH clinician busy hours / rostered hours",
    "palliative_ae_referral_share": "share of palliative OOH cases referred to A&E",
    "care_home_ooh_cases": "OOH cases of care-home residents (counted in ooh_cases too)",
    "care_home_ae_referral_share": "share of care-home residents' OOH cases referred to A&E",
    "cost_gbp": "cost of the staff hours rostered (the practices' clinicians' time in hours, in appointments at the "
    "published mix of modes, 111 call handlers, OOH clinicians, "
    "practices' GPs on call and their time on cases) and of A&E and minor injury unit attendances and ambulances, "
    "each at its unit cost converted from its own price year to cost_price_year with the NHS Cost Inflation Index "
    "(parameters.toml)",
    **{f"ae_from_{route}": f"A&E attendances arriving by the route: {route.replace('_', ' ')}" for route in AE_ROUTES},
}
