"""API for special patient notes (read under the access rules, written by the practice), the practice's inbox of
post-event messages (FHIR JSON) and the privacy officer's alerts."""

import json
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from primarycare.web import notes_views as views
from primarycare.web.deps import ApiUser, EngineDep

router = APIRouter(tags=["special notes and messages"])


class NoteIn(BaseModel):
    kind: str = Field(description="palliative, care_plan or child_protection")
    content: dict[str, str] = Field(
        description="palliative: cpr_decision, prognosis, preferred_place_of_care, preferred_place_of_death, "
        "anticipatory_medicines, lasting_power_of_attorney, key_contacts, consent_to_share; care_plan: plan; "
        "child_protection: instruction"
    )
    review_date: date
    objection_to_sharing: bool = False
    name: str = Field("", description="The patient's name, when the practice registers a new patient here")
    birth_date: date | None = None


@router.get("/patients/{nhs_number}/notes", summary="A patient's special notes (relationship or emergency access)")
def read_notes(
    engine: EngineDep,
    user: ApiUser,
    nhs_number: str,
    emergency_reason: Annotated[str, Query(max_length=1000)] = "",
) -> dict:
    return views.read(engine, user, nhs_number, emergency_reason)


@router.post("/patients/{nhs_number}/notes", status_code=201, summary="Write a special note (the practice)")
def write_note(engine: EngineDep, user: ApiUser, nhs_number: str, body: NoteIn) -> dict:
    return views.write(engine, user, nhs_number, **body.model_dump())


@router.put("/patients/{nhs_number}/notes/{note_id}", summary="A new version of a note (the practice)")
def update_note(engine: EngineDep, user: ApiUser, nhs_number: str, note_id: int, body: NoteIn) -> dict:
    return views.write(engine, user, nhs_number, note_id=note_id, **body.model_dump())


@router.get(
    "/practices/{ods}/messages",
    summary="The practice's post-event messages: a FHIR searchset Bundle of document Bundles",
    response_class=Response,
    responses={200: {"content": {"application/fhir+json": {}}}},
)
def messages(
    engine: EngineDep, user: ApiUser, ods: str, since: date | None = None, until: date | None = None
) -> Response:
    found = views.messages(engine, user, ods, since, until)
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(found),
        "entry": [{"resource": m["bundle"]} for m in found],
    }
    return Response(json.dumps(bundle), media_type="application/fhir+json")


@router.get("/audit/alerts", summary="Emergency-access alerts for the privacy officer")
def alerts(engine: EngineDep, user: ApiUser) -> list[dict]:
    return views.alerts(engine, user)["alerts"]
