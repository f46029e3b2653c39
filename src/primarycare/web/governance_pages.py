"""Governance pages: the governance lead's meetings (conflicts per item, the chair's actions, quorum, votes), and
the public registers of decisions and interests (no sign-in), with CSV; a small JSON API for the same."""

import csv
import io
from datetime import UTC, date, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from primarycare.web import governance_views as views
from primarycare.web.deps import ApiUser, CsrfChecked, EngineDep, MaybeUser, PageUser
from primarycare.web.pages import render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["governance"])


def _schemes(request: Request) -> str:
    return request.app.state.settings.schemes_dir


@router.get("/governance")
def governance_home(request: Request, engine: EngineDep, user: PageUser):
    return render(request, "governance.html", user=user, **views.overview(engine, user))


@router.get("/governance/meetings/{meeting_id}")
def meeting_page(request: Request, engine: EngineDep, user: PageUser, meeting_id: int, error: str = ""):
    found = views.meeting(engine, user, meeting_id, _schemes(request))
    return render(request, "meeting.html", user=user, **found, error=error[:300] or None)


def _back(meeting_id: int, error: str = "") -> RedirectResponse:
    suffix = f"?error={error}" if error else ""
    return RedirectResponse(f"/governance/meetings/{meeting_id}{suffix}#item", status_code=303)


@router.post("/governance/items/{item_id}/attendance", dependencies=[CsrfChecked])
async def item_attendance(request: Request, engine: EngineDep, user: PageUser, item_id: int):
    form = await request.form()
    present = {int(v) for v in form.getlist("present")}
    actions = {int(k.split("_", 1)[1]): str(v) for k, v in form.items() if k.startswith("action_")}
    views.attendance(engine, user, item_id, present, actions)
    return _back(int(form.get("meeting_id", 0)))


@router.post("/governance/items/{item_id}/decision", dependencies=[CsrfChecked])
async def item_decision(request: Request, engine: EngineDep, user: PageUser, item_id: int):
    form = await request.form()
    meeting_id = int(form.get("meeting_id", 0))
    votes = {int(k.split("_", 1)[1]): str(v) for k, v in form.items() if k.startswith("vote_") and v}
    try:
        views.decide(engine, user, item_id, votes, str(form.get("decision", "")), _schemes(request))
    except HTTPException as refused:
        if refused.status_code not in (409, 422):
            raise
        return _back(meeting_id, str(refused.detail))
    return _back(meeting_id)


@router.post("/governance/items/{item_id}/status", dependencies=[CsrfChecked])
async def item_status(request: Request, engine: EngineDep, user: PageUser, item_id: int):
    form = await request.form()
    views.set_status(engine, user, item_id, str(form.get("status", "")))
    return _back(int(form.get("meeting_id", 0)))


@router.get("/public/decisions")
def public_decisions(request: Request, engine: EngineDep, user: MaybeUser):
    return render(request, "public_decisions.html", user=user, decisions=views.public_decisions(engine))


@router.get("/public/interests")
def public_interests(request: Request, engine: EngineDep, user: MaybeUser):
    return render(request, "public_interests.html", user=user, interests=views.public_interests(engine))


@router.get("/public/{register}.csv")
def public_csv(engine: EngineDep, register: str):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if register == "interests":
        rows = views.public_interests(engine)
        header = ["commissioner", "name", "role", "type", "organisation", "description", "from", "to", "declared"]
        writer.writerow([h.upper() for h in header])
        writer.writerows([[r[h] if r[h] is not None else "" for h in header] for r in rows])
    elif register == "decisions":
        writer.writerow(
            [
                "COMMISSIONER",
                "COMMITTEE",
                "MEETING",
                "ITEM",
                "SUBJECT",
                "VERSION",
                "SUPERSEDES",
                "DECISION",
                "OUTCOME",
                "TOOK_PART",
                "CONFLICTS",
            ]
        )
        for d in views.public_decisions(engine):
            record = d["record"]
            conflicts = "; ".join(f"{c['person']}: {c['conflict']} -> {c['chair']}" for c in record["conflicts"])
            subject = f"{d['subject_kind']} {d['subject_code']}"
            writer.writerow(
                [
                    d["commissioner_code"],
                    d["committee"],
                    d["held_on"],
                    d["title"],
                    subject,
                    d["version"],
                    d["supersedes_id"] or "",
                    d["decision"],
                    record["outcome"],
                    "; ".join(record["took_part"]),
                    conflicts,
                ]
            )
    else:
        raise HTTPException(404, "registers: interests, decisions")
    return Response(out.getvalue(), media_type="text/csv")


@api_router.get("/governance/decisions", summary="The published procurement decisions register (public)")
def api_decisions(engine: EngineDep) -> list[dict]:
    """The published procurement decisions register (public)."""
    return views.public_decisions(engine)


@api_router.get("/governance/meetings/{meeting_id}", summary="A meeting: items, conflicts, actions, quorum")
def api_meeting(request: Request, engine: EngineDep, user: ApiUser, meeting_id: int) -> dict:
    found = views.meeting(engine, user, meeting_id, _schemes(request))
    return {
        "meeting": dict(found["meeting"]._mapping),
        "items": [
            {
                "id": s["item"].id,
                "title": s["item"].title,
                "status": s["item"].status,
                "conflicts": [c.__dict__ for c in s["conflicts"]],
                "proposed": s["proposed"],
                "actions": s["actions"],
                "present": [p.id for p in s["present"]],
                "quorate": s["quorum"].quorate,
                "quorum_reasons": list(s["quorum"].reasons),
            }
            for s in found["items"]
        ],
    }


@router.get("/governance/registers")
def registers_page(request: Request, engine: EngineDep, user: PageUser):
    return render(request, "registers.html", user=user, own=False, **views.registers(engine, user))


@router.get("/governance/me")
def my_declarations(request: Request, engine: EngineDep, user: PageUser):
    return render(request, "registers.html", user=user, own=True, **views.registers(engine, user, only_own=True))


def _person(form) -> int | None:
    return int(form["person_id"]) if form.get("person_id") else None


def _date(form, key: str, required: bool = True):
    text = str(form.get(key, "")).strip()
    if not text and not required:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise HTTPException(422, f"{key}: a date (YYYY-MM-DD)") from None


def _after(user) -> RedirectResponse:
    target = "/governance/registers" if user.role in views.LEADS else "/governance/me"
    return RedirectResponse(target, status_code=303)


@router.post("/governance/interests", dependencies=[CsrfChecked])
async def interest_form(request: Request, engine: EngineDep, user: PageUser):
    form = await request.form()
    fields = {
        "type": str(form.get("type", "")),
        "organisation_kind": str(form.get("organisation_kind", "")),
        "organisation_code": str(form.get("organisation_code", "")).strip(),
        "description": str(form.get("description", "")).strip(),
        "start": _date(form, "start"),
        "end": _date(form, "end", required=False),
        "declared_on": datetime.now(UTC).date(),
    }
    views.declare_interest(engine, user, _person(form), fields)
    return _after(user)


@router.post("/governance/gifts", dependencies=[CsrfChecked])
async def gift_form(request: Request, engine: EngineDep, user: PageUser):
    form = await request.form()
    try:
        value = float(form.get("value_gbp", ""))
    except ValueError:
        raise HTTPException(422, "value_gbp: a number of pounds") from None
    fields = {
        "organisation_kind": str(form.get("organisation_kind", "outside")),
        "organisation_code": str(form.get("organisation_code", "")).strip(),
        "kind": str(form.get("kind", "")),
        "value_gbp": value,
        "received_on": _date(form, "received_on"),
        "description": str(form.get("description", "")).strip(),
        "from_supplier": form.get("from_supplier") == "yes",
    }
    views.declare_gift(engine, user, _person(form), fields)
    return _after(user)


@router.post("/governance/declarations", dependencies=[CsrfChecked])
async def declaration_form(request: Request, engine: EngineDep, user: PageUser):
    form = await request.form()
    views.declare(engine, user, _person(form), form.get("nil_return") == "yes")
    return _after(user)


@router.post("/governance/breaches", dependencies=[CsrfChecked])
async def breach_form(request: Request, engine: EngineDep, user: PageUser):
    form = await request.form()
    fields = {
        "person_id": _person(form),
        "occurred_on": _date(form, "occurred_on"),
        "description": str(form.get("description", "")),
        "action_taken": str(form.get("action_taken", "")),
        "reported_on": datetime.now(UTC).date(),
    }
    views.record_breach(engine, user, str(form.get("commissioner_code", "")), fields)
    return _after(user)


class InterestIn(BaseModel):
    person_id: int | None = Field(None, description="Whose interest; your own when absent (the lead may give any)")
    type: str = Field(description="financial, non_financial_professional, non_financial_personal or indirect")
    organisation_kind: str = Field(description="practice, network, ooh_provider or outside")
    organisation_code: str
    description: str
    start: date
    end: date | None = None


class GiftIn(BaseModel):
    person_id: int | None = None
    organisation_kind: str = "outside"
    organisation_code: str
    kind: str = Field(description="gift or hospitality")
    value_gbp: float = Field(ge=0)
    received_on: date
    description: str = ""
    from_supplier: bool = False


class DeclarationIn(BaseModel):
    person_id: int | None = None
    nil_return: bool = False


@api_router.get("/governance/registers", summary="The registers with late declarations, gift responses, overdue")
def api_registers(engine: EngineDep, user: ApiUser) -> dict:
    found = views.registers(engine, user)
    return {k: v for k, v in found.items() if k != "names"}


@api_router.post("/governance/interests", status_code=201, summary="Declare an interest (your own, or as the lead)")
def api_interest(engine: EngineDep, user: ApiUser, body: InterestIn) -> dict:
    fields = body.model_dump(exclude={"person_id"})
    return {"id": views.declare_interest(engine, user, body.person_id, {**fields, "declared_on": date.today()})}


@api_router.post("/governance/gifts", status_code=201, summary="Declare a gift or hospitality; says what to do")
def api_gift(engine: EngineDep, user: ApiUser, body: GiftIn) -> dict:
    return views.declare_gift(engine, user, body.person_id, body.model_dump(exclude={"person_id"}))


@api_router.post("/governance/declarations", status_code=201, summary="The annual declaration or a nil return")
def api_declaration(engine: EngineDep, user: ApiUser, body: DeclarationIn) -> dict:
    return {"id": views.declare(engine, user, body.person_id, body.nil_return)}


@router.post("/governance/meetings", dependencies=[CsrfChecked])
async def meeting_form(request: Request, engine: EngineDep, user: PageUser):
    form = await request.form()
    try:
        committee = int(form.get("committee_id", ""))
    except ValueError:
        raise HTTPException(422, "committee_id: choose a committee") from None
    meeting_id = views.new_meeting(engine, user, committee, _date(form, "held_on"), str(form.get("title", "")))
    return RedirectResponse(f"/governance/meetings/{meeting_id}", status_code=303)


@router.post("/governance/meetings/{meeting_id}/items", dependencies=[CsrfChecked])
async def item_form(request: Request, engine: EngineDep, user: PageUser, meeting_id: int):
    form = await request.form()
    views.new_item(
        engine,
        user,
        meeting_id,
        str(form.get("title", "")),
        str(form.get("subject_kind", "")),
        str(form.get("subject_code", "")).strip(),
        _schemes(request),
    )
    return _back(meeting_id)


class MeetingIn(BaseModel):
    committee_id: int
    held_on: date
    title: str


class ItemIn(BaseModel):
    title: str = ""
    subject_kind: str = Field(description="practice, network, ooh_provider, contract or scheme")
    subject_code: str


class AttendanceIn(BaseModel):
    present: list[int] = Field(description="Members present for the item")
    actions: dict[int, str] = Field({}, description="The chair's action per member: none, discuss_not_vote, leave_room")


class DecisionIn(BaseModel):
    decision: str
    votes: dict[int, str] = Field({}, description="Per member: for, against or abstain")


@api_router.post("/governance/meetings", status_code=201, summary="A new meeting of a committee (the lead)")
def api_new_meeting(engine: EngineDep, user: ApiUser, body: MeetingIn) -> dict:
    return {"id": views.new_meeting(engine, user, body.committee_id, body.held_on, body.title)}


@api_router.post("/governance/meetings/{meeting_id}/items", status_code=201, summary="An agenda item and its subject")
def api_new_item(request: Request, engine: EngineDep, user: ApiUser, meeting_id: int, body: ItemIn) -> dict:
    item = views.new_item(engine, user, meeting_id, body.title, body.subject_kind, body.subject_code, _schemes(request))
    return {"id": item}


@api_router.put("/governance/items/{item_id}/attendance", summary="Who is present and the chair's actions")
def api_attendance(engine: EngineDep, user: ApiUser, item_id: int, body: AttendanceIn) -> dict:
    views.attendance(engine, user, item_id, set(body.present), body.actions)
    return {"item": item_id}


@api_router.post("/governance/items/{item_id}/decision", status_code=201, summary="Record the decision (quorate only)")
def api_decision(request: Request, engine: EngineDep, user: ApiUser, item_id: int, body: DecisionIn) -> dict:
    return {"decision": views.decide(engine, user, item_id, body.votes, body.decision, _schemes(request))}


class CorrectionIn(BaseModel):
    decision: str


@api_router.post(
    "/governance/decisions/{decision_id}/corrections",
    status_code=201,
    summary="Correct a published decision: a new version pointing at it; the old one stays",
)
def api_correct(engine: EngineDep, user: ApiUser, decision_id: int, body: CorrectionIn) -> dict:
    return {"decision": views.correct(engine, user, decision_id, body.decision)}
