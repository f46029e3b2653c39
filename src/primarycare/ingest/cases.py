"""A provider's past cases from CSV (one row per case), checked row by row through the same rules as live cases.
Any bad row names file, line and column, and nothing is written."""

import csv
import io
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from primarycare.economy.calendar import from_uk_local
from primarycare.ingest.errors import IngestError, Problem
from primarycare.ingest.text import decode
from primarycare.urgentcare.case import Case, EventRefused
from primarycare.urgentcare.intake import new_case
from primarycare.urgentcare.rules import Rules
from primarycare.urgentcare.vocabulary import FACE_TO_FACE_TYPES, OUTCOMES

HEADER = (
    "CASE_REF",
    "SOURCE",
    "NHS_NUMBER",
    "PRACTICE_CODE",
    "DX_CODE",
    "PRIORITY",
    "RECEIVED_AT",
    "ANSWERED_AT",
    "TRANSFER_999_AT",
    "ASSESSMENT_STARTED_AT",
    "FACE_TO_FACE_STARTED_AT",
    "FACE_TO_FACE_TYPE",
    "CLOSED_AT",
    "OUTCOME",
    "MESSAGE_DELIVERED_AT",
)
TIMES = {
    "RECEIVED_AT": "received_at",
    "ANSWERED_AT": "answered_at",
    "TRANSFER_999_AT": "transfer_999_at",
    "ASSESSMENT_STARTED_AT": "assessment_started_at",
    "FACE_TO_FACE_STARTED_AT": "face_to_face_started_at",
    "CLOSED_AT": "closed_at",
    "MESSAGE_DELIVERED_AT": "message_delivered_at",
}
FIELD_COLUMN = {field: column for column, field in TIMES.items()} | {
    "source": "SOURCE",
    "nhs_number": "NHS_NUMBER",
    "practice_code": "PRACTICE_CODE",
    "dx_code": "DX_CODE",
    "priority": "PRIORITY",
    "outcome": "OUTCOME",
    "face_to_face_type": "FACE_TO_FACE_TYPE",
    "face_to_face_booked_at": "FACE_TO_FACE_STARTED_AT",
    "passed_at": "RECEIVED_AT",
}


def read_cases(
    path: Path, *, provider_code: str, rules: Rules, known_practices: set[str], existing_refs: set[str], now: datetime
) -> list[Case]:
    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise IngestError.at(name, 1, 1, "no such file") from None
    with io.StringIO(decode(name, data), newline="") as handle:
        rows = csv.reader(handle)
        header = [h.strip() for h in next(rows, [])]
        if not header or header == [""]:
            raise IngestError.at(name, 1, 1, "the file is empty")
        for position, column in enumerate(header, start=1):
            if column not in HEADER:
                raise IngestError.at(name, 1, position, f"unknown column {column!r}")
        for column in HEADER:
            if column not in header:
                raise IngestError.at(name, 1, len(header) + 1, f"missing column {column!r}")
        problems: list[Problem] = []
        cases: list[Case] = []
        seen: set[str] = set()
        for line, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                problems.append(
                    Problem(
                        name, line, min(len(row), len(header)) + 1, f"expected {len(header)} fields, found {len(row)}"
                    )
                )
                continue
            values = {column: cell.strip() for column, cell in zip(header, row, strict=True)}

            def at(column: str, message: str) -> Problem:
                return Problem(name, line, header.index(column) + 1, message)  # noqa: B023

            try:
                case = _case(values, provider_code, rules, known_practices, now)
            except _Bad as bad:
                problems.append(at(bad.column, bad.message))
                continue
            except EventRefused as refused:
                problems.append(at(FIELD_COLUMN.get(refused.field, "CASE_REF"), str(refused)))
                continue
            if case.ref in seen or case.ref in existing_refs:
                where = "earlier in the file" if case.ref in seen else "in the database for this provider"
                problems.append(at("CASE_REF", f"case {case.ref} appears {where}"))
                continue
            seen.add(case.ref)
            cases.append(case)
            if len(problems) >= 20:
                break
    if problems:
        raise IngestError(problems)
    if not cases:
        raise IngestError.at(name, 2, 1, "the file has a header but no rows")
    return cases


class _Bad(ValueError):
    def __init__(self, column: str, message: str):
        self.column, self.message = column, message


def _case(values: dict[str, str], provider_code: str, rules: Rules, known: set[str], now: datetime) -> Case:
    if not values["CASE_REF"]:
        raise _Bad("CASE_REF", "CASE_REF is empty")
    times = {}
    for column, field in TIMES.items():
        text = values[column]
        if not text:
            continue
        try:
            wall_clock = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise _Bad(column, f"{column} {text!r} is not an ISO 8601 date and time") from None
        try:
            times[field] = from_uk_local(wall_clock)
        except ValueError as skipped:
            raise _Bad(column, f"{column} {text}: {skipped}") from None
        if times[field] > now:
            raise _Bad(column, f"{column} {text} is in the future")
    if "received_at" not in times:
        raise _Bad("RECEIVED_AT", "RECEIVED_AT is empty")
    if values["FACE_TO_FACE_TYPE"] and values["FACE_TO_FACE_TYPE"] not in FACE_TO_FACE_TYPES:
        raise _Bad("FACE_TO_FACE_TYPE", f"FACE_TO_FACE_TYPE must be one of {', '.join(FACE_TO_FACE_TYPES)}")
    if bool(values["FACE_TO_FACE_TYPE"]) != ("face_to_face_started_at" in times):
        raise _Bad("FACE_TO_FACE_TYPE", "FACE_TO_FACE_TYPE and FACE_TO_FACE_STARTED_AT go together")
    if values["OUTCOME"] and values["OUTCOME"] not in OUTCOMES:
        raise _Bad("OUTCOME", f"OUTCOME must be one of {', '.join(OUTCOMES)}")
    if bool(values["OUTCOME"]) != ("closed_at" in times):
        raise _Bad("OUTCOME", "OUTCOME and CLOSED_AT go together: a closed case has an outcome")
    case = new_case(
        rules=rules,
        provider_code=provider_code,
        practice_known=values["PRACTICE_CODE"] in known,
        now=now,
        source=values["SOURCE"],
        practice_code=values["PRACTICE_CODE"],
        received_at=times["received_at"],
        nhs_number=values["NHS_NUMBER"] or None,
        dx_code=values["DX_CODE"] or None,
        priority=values["PRIORITY"] or None,
        answered_at=times.get("answered_at"),
        case_ref=values["CASE_REF"],
    )
    return replace(
        case,
        transfer_999_at=times.get("transfer_999_at"),
        assessment_started_at=times.get("assessment_started_at"),
        face_to_face_type=values["FACE_TO_FACE_TYPE"] or None,
        face_to_face_started_at=times.get("face_to_face_started_at"),
        closed_at=times.get("closed_at"),
        outcome=values["OUTCOME"] or None,
        message_delivered_at=times.get("message_delivered_at"),
    )
