"""Pages: the practice's special notes and inbox, emergency access from a case, the privacy officer's alerts."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from primarycare.urgentcare.notes import KINDS
from primarycare.web import notes_views as views
from primarycare.web import urgentcare_views
from primarycare.web.deps import CsrfChecked, EngineDep, PageUser
from primarycare.web.pages import render

router = APIRouter(include_in_schema=False)


@router.get("/practice/notes")
def notes_page(request: Request, engine: EngineDep, user: PageUser):
    return render(request, "notes.html", user=user, **views.practice_notes(engine, user))


@router.get("/practice/notes/new")
def new_note(request: Request, user: PageUser, kind: str = "palliative"):
    if user.role != "practice_user":
        raise HTTPException(403, "special notes are the practice's")
    kind = kind if kind in KINDS else "palliative"
    return render(request, "note_form.html", user=user, kind=kind, fields=KINDS[kind], note=None, error=None, form={})


def _form_note(form) -> dict:
    kind = form.get("kind", "")
    try:
        review = date.fromisoformat(form.get("review_date", ""))
    except ValueError:
        raise HTTPException(422, "review_date: a date is needed") from None
    born = form.get("birth_date") or None
    return {
        "kind": kind,
        "content": {f: form.get(f, "") for f in KINDS.get(kind, ()) if form.get(f, "").strip()},
        "review_date": review,
        "objection_to_sharing": form.get("objection_to_sharing") == "yes",
        "name": form.get("name", ""),
        "birth_date": date.fromisoformat(born) if born else None,
    }


@router.post("/practice/notes", dependencies=[CsrfChecked])
async def save_note(request: Request, engine: EngineDep, user: PageUser):
    form = dict(await request.form())
    kind = form.get("kind", "palliative")
    try:
        note_id = int(form["note_id"]) if form.get("note_id") else None
        saved = views.write(engine, user, form.get("nhs_number", ""), note_id=note_id, **_form_note(form))
    except (HTTPException, ValueError) as error:
        if isinstance(error, HTTPException) and error.status_code not in (409, 422):
            raise
        message = error.detail if isinstance(error, HTTPException) else str(error)
        fields = KINDS.get(kind, KINDS["palliative"])
        return render(request, "note_form.html", 422, user=user, kind=kind, fields=fields, note=None,
                      error=message, form=form)  # fmt: skip
    return RedirectResponse(f"/practice/notes/{saved['note_id']}", status_code=303)


@router.get("/practice/notes/{note_id}")
def note_page(request: Request, engine: EngineDep, user: PageUser, note_id: int):
    found = views.note_history(engine, user, note_id)
    kind = found["note"]["kind"]
    return render(request, "note.html", user=user, **found, fields=KINDS[kind], error=None)


@router.get("/practice/messages")
def inbox_page(request: Request, engine: EngineDep, user: PageUser, since: str = "", until: str = ""):
    try:
        start = date.fromisoformat(since) if since else None
        end = date.fromisoformat(until) if until else None
    except ValueError:
        raise HTTPException(422, "since and until are dates (YYYY-MM-DD)") from None
    found = views.messages(engine, user, user.practice_code or "", start, end)
    return render(request, "inbox.html", user=user, messages=found, since=since, until=until)


@router.post("/practice/messages/{message_id}", dependencies=[CsrfChecked])
def mark_message(engine: EngineDep, user: PageUser, message_id: int, what: Annotated[str, Form()]):
    views.mark(engine, user, message_id, what)
    return RedirectResponse("/practice/messages", status_code=303)


@router.post("/ooh/cases/{case_id}/emergency-access", dependencies=[CsrfChecked])
def emergency_access(
    request: Request, engine: EngineDep, user: PageUser, case_id: int, reason: Annotated[str, Form()] = ""
):
    case = urgentcare_views.show_case(engine, user, request.app.state.ooh_rules, case_id)
    nhs_number = (case.get("patient") or {}).get("nhs_number")
    if not nhs_number:
        raise HTTPException(404, "this case has no patient with special notes")
    views.read(engine, user, nhs_number, reason)
    return RedirectResponse(f"/ooh/cases/{case_id}", status_code=303)


@router.get("/privacy/alerts")
def alerts_page(request: Request, engine: EngineDep, user: PageUser):
    return render(request, "alerts.html", user=user, **views.alerts(engine, user))


@router.post("/privacy/alerts/{alert_id}", dependencies=[CsrfChecked])
def review_alert(
    engine: EngineDep,
    user: PageUser,
    alert_id: int,
    outcome: Annotated[str, Form()],
    comment: Annotated[str, Form()] = "",
):
    views.review(engine, user, alert_id, outcome, comment)
    return RedirectResponse("/privacy/alerts", status_code=303)


@router.get("/privacy/patients/{patient_id}/audit")
def patient_audit(request: Request, engine: EngineDep, user: PageUser, patient_id: int):
    return render(request, "patient_audit.html", user=user, **views.patient_trail(engine, user, patient_id))
