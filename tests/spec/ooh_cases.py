"""Building cases for the out-of-hours specs from UK local wall-clock times ('2026-03-29 00:50' or with an offset)."""

from datetime import datetime

from primarycare.economy.calendar import from_uk_local
from primarycare.urgentcare.case import Case, Patient
from primarycare.urgentcare.rules import load_rules

RULES = load_rules()
TIMES = {
    "received": "received_at",
    "answered": "answered_at",
    "transfer": "transfer_999_at",
    "assessed": "assessment_started_at",
    "booked": "face_to_face_booked_at",
    "f2f": "face_to_face_started_at",
    "closed": "closed_at",
}


def uk(text: str) -> datetime:
    return from_uk_local(datetime.fromisoformat(text))


def case(dx: str = "Dx12", outcome: str | None = None, **times: str) -> Case:
    disposition = RULES.disposition(dx)
    values = {TIMES[key]: uk(value) for key, value in times.items()}
    if "f2f" in times or "booked" in times:
        values["face_to_face_type"] = "base"
    return Case(
        ref="C1",
        provider_code="P1",
        source="111",
        patient=Patient("9434765919"),
        practice_code="E81001",
        dx_code=dx,
        dx_priority=disposition.priority,
        ambulance_disposition=disposition.ambulance,
        outcome=outcome,
        **values,
    )
