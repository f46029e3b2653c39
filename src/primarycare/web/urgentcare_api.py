"""The out-of-hours JSON API: cases from NHS 111 or direct calls, their events, and the quality report. Instants in
are ISO 8601 (UK local time when they carry no offset); instants out are UK local time with their offset."""

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field

from primarycare.economy.calendar import from_uk_local, uk_local
from primarycare.web import urgentcare_views as views
from primarycare.web.deps import ApiUser, EngineDep

router = APIRouter(tags=["out of hours"])

Priority = Literal["emergency", "urgent", "less_urgent"]


class CaseIn(BaseModel):
    provider: str | None = Field(None, description="The OOH provider's code; a member of staff's own by default")
    source: Literal["111", "direct"]
    nhs_number: str | None = Field(None, examples=["9434765919"])
    name: str = ""
    birth_date: date | None = None
    sex: Literal["female", "male", "other", "unknown"] = "unknown"
    postcode: str = ""
    practice_code: str = Field(description="The registered practice's ODS code", examples=["E81001"])
    dx_code: str | None = Field(None, description="NHS Pathways disposition, e.g. Dx12", examples=["Dx12"])
    priority: Priority | None = Field(None, description="Defaults from the disposition code")
    symptoms: str = ""
    received_at: datetime = Field(description="When the 111 (or direct) call was received")
    passed_at: datetime | None = Field(None, description="When 111 passed the case on")
    answered_at: datetime | None = None
    base: str | None = None
    case_ref: str | None = Field(None, max_length=40, description="111's own reference; one is made up if absent")


class EventIn(BaseModel):
    kind: Literal[
        "call_answered",
        "transfer_999",
        "assessment_started",
        "priority_set",
        "face_to_face_booked",
        "face_to_face_started",
        "assigned",
        "closed",
    ]
    at: datetime | None = Field(None, description="When it happened; now by default")
    value: str | None = Field(
        None, description="priority_set: a priority; face_to_face_*: base or home; closed: the outcome"
    )


def uk(value):
    """Every instant in a response in UK local time."""
    if isinstance(value, datetime):
        return uk_local(value).isoformat()
    if isinstance(value, dict):
        return {k: uk(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [uk(v) for v in value]
    return value


def _instant(value: datetime | None, field: str) -> datetime | None:
    try:
        return None if value is None else from_uk_local(value)
    except ValueError as skipped:  # an hour the clocks skip in March
        raise HTTPException(422, f"{field}: {skipped}") from None


@router.post("/cases", status_code=201, summary="Open a case (from NHS 111 or a direct call)")
def open_case(request: Request, engine: EngineDep, user: ApiUser, body: CaseIn) -> dict:
    fields = body.model_dump(exclude={"provider"})
    for name in ("received_at", "passed_at", "answered_at"):
        fields[name] = _instant(fields[name], name)
    return uk(views.open_case(engine, user, request.app.state.ooh_rules, body.provider, fields))


@router.post("/cases/{case_id}/events", summary="Record what happened to a case, with its own time")
def add_event(request: Request, engine: EngineDep, user: ApiUser, case_id: int, body: EventIn) -> dict:
    rules = request.app.state.ooh_rules
    return uk(views.add_event(engine, user, rules, case_id, body.kind, _instant(body.at, "at"), body.value))


@router.get("/cases/{case_id}", summary="One case with its clocks and events")
def get_case(request: Request, engine: EngineDep, user: ApiUser, case_id: int) -> dict:
    return uk(views.show_case(engine, user, request.app.state.ooh_rules, case_id))


@router.get("/cases", summary="Cases of a provider, open or closed, with their clocks")
def list_cases(
    request: Request,
    engine: EngineDep,
    user: ApiUser,
    provider: str | None = None,
    status: Literal["open", "closed", "all"] = "all",
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[dict]:
    rules = request.app.state.ooh_rules
    return uk(views.list_cases(engine, user, rules, provider, None if status == "all" else status, limit))


@router.get("/reports/quality", summary="A provider's quality report for a month: compliance, breaches, demand")
def quality(
    request: Request,
    engine: EngineDep,
    user: ApiUser,
    provider: str | None = None,
    month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")] = None,
) -> dict:
    found = views.quality_report(engine, user, request.app.state.ooh_rules, provider, month)
    return uk({**found["report"].as_dict(), "trend": found["trend"], "provider_name": found["provider"].name})
