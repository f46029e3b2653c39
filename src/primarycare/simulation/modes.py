"""How practices consult: in the surgery, by telephone, or on a visit to the patient's home, each taking its own
clinician minutes, so the way a practice consults sets how many patients its clinicians' time sees.

A practice's clinicians' time is its published appointments (``practice_capacity_per_1000_per_week``) at the minutes
of England's published mix of modes (``published_telephone_share``, ``published_home_visit_share``, the rest in the
surgery): the time is fixed by the practice's staff, the appointments it yields are not. Of the needs a practice
meets, ``telephone_share`` are held by telephone (a lever: "telephone first" raises it), and
``telephone_follow_up_share`` of those need a surgery appointment afterwards; the others are seen face to face, in
the surgery, or at home for the practice's care-home residents (they do not travel to the surgery: flags.py), whose
share of its consultations follows from their number and the consultation rate of the practice's patients aged
85-89 (by age and sex). Each need met takes the practice's mean minutes per need; the appointments it is counted as
(one each, and a follow-up where one is needed) are split by mode in those shares. Demand is published as
consultations, which count a follow-up as one of their own: the needs behind them are fewer
(needs_per_consultation)."""

import numpy as np

MODES = ("surgery", "telephone", "home_visit")


def published_minutes(v: dict) -> float:
    """Clinician minutes of one appointment at England's published mix of modes."""
    telephone, visit = v["published_telephone_share"], v["published_home_visit_share"]
    return (
        (1 - telephone - visit) * v["consultation_minutes_surgery"]
        + telephone * v["consultation_minutes_telephone"]
        + visit * v["consultation_minutes_home_visit"]
    )


def needs_per_consultation(v: dict) -> float:
    """Needs behind each published consultation: at England's published mix a telephone consultation's follow-up
    is a consultation of its own, so the published consultation rate counts some needs twice."""
    return 1 / (1 + v["published_telephone_share"] * v["telephone_follow_up_share"])


def need_minutes(v: dict, visit_share: np.ndarray) -> np.ndarray:
    """Per practice: clinician minutes per need met, from ``visit_share``, the share of its consultations that are
    its care-home residents' (met at home when not by telephone)."""
    telephone = v["telephone_share"]
    face_to_face = (1 - telephone) * (
        (1 - visit_share) * v["consultation_minutes_surgery"] + visit_share * v["consultation_minutes_home_visit"]
    )
    by_telephone = telephone * (
        v["consultation_minutes_telephone"] + v["telephone_follow_up_share"] * v["consultation_minutes_surgery"]
    )
    return face_to_face + by_telephone


def needs_per_appointment(v: dict, visit_share: np.ndarray) -> np.ndarray:
    """Per practice: needs met per published appointment of its clinicians' time (1 at England's published mix
    and minutes; more when it consults by telephone more, less when it visits more)."""
    return published_minutes(v) / need_minutes(v, visit_share)


def appointments_by_mode(v: dict, met: np.ndarray, visit_share: np.ndarray) -> dict[str, float]:
    """The appointments of ``met`` needs (per practice) by mode: each need one appointment, a telephone one needing
    a follow-up two."""
    by_telephone = float((met * v["telephone_share"]).sum())
    face_to_face = met * (1 - v["telephone_share"])
    return {
        "surgery": float((face_to_face * (1 - visit_share)).sum()) + by_telephone * v["telephone_follow_up_share"],
        "telephone": by_telephone,
        "home_visit": float((face_to_face * visit_share).sum()),
    }
