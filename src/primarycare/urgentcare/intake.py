"""A new case from NHS 111 or a direct call, checked field by field before anything is written: a valid NHS number
(modulus 11, by the maintained ``nhs-number`` library), a known practice, a known disposition code."""

import secrets
from datetime import date, datetime

import nhs_number

from primarycare.economy.vocabulary import is_practice_code
from primarycare.urgentcare.case import Case, EventRefused, Patient
from primarycare.urgentcare.rules import Rules
from primarycare.urgentcare.vocabulary import PRIORITIES, SEXES, SOURCES


def check_nhs_number(value: str | None) -> str | None:
    """The number without spaces, or EventRefused when it fails the modulus 11 check."""
    if value is None or not value.strip():
        return None
    digits = value.replace(" ", "").replace("-", "")
    if not (digits.isdigit() and len(digits) == 10 and nhs_number.is_valid(digits)):
        raise EventRefused("nhs_number", "not a valid NHS number (10 digits passing the modulus 11 check)")
    return digits


def new_ref(received_at: datetime) -> str:
    return f"{received_at:%y%m%d}-{secrets.token_hex(4).upper()}"


def new_case(
    *,
    rules: Rules,
    provider_code: str,
    practice_known: bool,
    now: datetime,
    source: str,
    practice_code: str,
    received_at: datetime,
    nhs_number: str | None = None,
    name: str = "",
    birth_date: date | None = None,
    sex: str = "unknown",
    postcode: str = "",
    dx_code: str | None = None,
    priority: str | None = None,
    symptoms: str = "",
    passed_at: datetime | None = None,
    answered_at: datetime | None = None,
    base: str | None = None,
    bases: tuple[str, ...] = (),
    case_ref: str | None = None,
) -> Case:
    """The case, or EventRefused naming the first field that is wrong."""
    if source not in SOURCES:
        raise EventRefused("source", f"source must be one of {', '.join(SOURCES)}")
    number = check_nhs_number(nhs_number)
    if source == "111" and number is None:
        raise EventRefused("nhs_number", "a case from NHS 111 carries the patient's NHS number")
    if not is_practice_code(practice_code or "") or not practice_known:
        raise EventRefused("practice_code", f"no practice {practice_code!r} in the loaded economy")
    disposition = rules.disposition(dx_code) if dx_code else None
    if dx_code and disposition is None:
        raise EventRefused("dx_code", f"unknown disposition code {dx_code!r}")
    if priority is not None and priority not in PRIORITIES:
        raise EventRefused("priority", f"priority must be one of {', '.join(PRIORITIES)}")
    if disposition is None and priority is None:
        raise EventRefused("priority", "a direct call without a disposition code needs a priority")
    if sex not in SEXES:
        raise EventRefused("sex", f"sex must be one of {', '.join(SEXES)}")
    if birth_date is not None and birth_date > now.date():
        raise EventRefused("birth_date", "the date of birth is in the future")
    if base is not None and base not in bases:
        raise EventRefused("base", f"no base {base!r} at this provider")
    for field, instant in (("received_at", received_at), ("passed_at", passed_at), ("answered_at", answered_at)):
        if instant is not None and instant > now:
            raise EventRefused(field, f"{field} is in the future")
    override = priority if disposition is not None and priority not in (None, disposition.priority) else None
    return Case(
        ref=case_ref or new_ref(received_at),
        provider_code=provider_code,
        source=source,
        patient=Patient(number, name.strip(), birth_date, sex, postcode.strip().upper()),
        practice_code=practice_code,
        dx_code=dx_code or None,
        dx_priority=priority if disposition is None else disposition.priority,
        ambulance_disposition=bool(disposition and disposition.ambulance),
        received_at=received_at,
        symptoms=symptoms.strip(),
        passed_at=passed_at,
        answered_at=answered_at,
        base=base,
        priority_set=override,
        priority_set_at=(answered_at or received_at) if override else None,
    )
