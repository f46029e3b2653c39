"""Governance pages: the governance lead's meetings (conflicts per item, the chair's actions, quorum, votes), and
the public registers of decisions and interests (no sign-in), with CSV; a small JSON API for the same."""

import csv
import io

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from primarycare.web import governance_views as views
from primarycare.web.deps import ApiUser, CsrfChecked, EngineDep, PageUser
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
def public_decisions(request: Request, engine: EngineDep):
    return render(request, "public_decisions.html", user=None, decisions=views.public_decisions(engine))


@router.get("/public/interests")
def public_interests(request: Request, engine: EngineDep):
    return render(request, "public_interests.html", user=None, interests=views.public_interests(engine))


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
