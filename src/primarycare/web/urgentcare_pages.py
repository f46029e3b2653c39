"""Out-of-hours pages: the live queue (refreshed by HTMX), a case with its clocks and event forms, a new case, and
the commissioner's monthly quality report (page, CSV, one-page print)."""

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from primarycare.economy.calendar import from_uk_local, uk_local
from primarycare.web import notes_views
from primarycare.web import urgentcare_views as views
from primarycare.web.deps import CsrfChecked, EngineDep, PageUser
from primarycare.web.pages import render

router = APIRouter(include_in_schema=False)
Month = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")]
Filter = Annotated[str, Query(max_length=100)]


def _form_instant(text: str, field: str) -> datetime | None:
    """A datetime-local field: UK wall-clock time; blank means now."""
    if not text.strip():
        return None
    try:
        wall_clock = datetime.fromisoformat(text.strip())
    except ValueError:
        raise HTTPException(422, f"{field}: {text!r} is not a date and time") from None
    try:
        return from_uk_local(wall_clock)
    except ValueError as skipped:  # an hour the clocks skip in March
        raise HTTPException(422, f"{field}: {skipped}") from None


@router.get("/ooh")
def ooh_home() -> RedirectResponse:
    return RedirectResponse("/ooh/queue", status_code=303)


@dataclass
class QueueFilters:
    """The queue's filters, from the query string (the page and its HTMX refresh take the same)."""

    provider: Filter = ""
    base: Filter = ""
    priority: Filter = ""
    waiting: Filter = ""


Filters = Annotated[QueueFilters, Depends()]


def _queue(request: Request, engine, user, f: QueueFilters) -> dict:
    rules = request.app.state.ooh_rules
    return views.queue(engine, user, rules, f.provider or None, base=f.base, priority=f.priority, waiting=f.waiting)


@router.get("/ooh/queue")
def queue_page(request: Request, engine: EngineDep, user: PageUser, f: Filters):
    found = _queue(request, engine, user, f)
    filters = {"provider": found["provider"].code, "base": f.base, "priority": f.priority, "waiting": f.waiting}
    return render(request, "ooh_queue.html", user=user, **found, filters=filters)


@router.get("/ooh/queue/rows")
def queue_rows(request: Request, engine: EngineDep, user: PageUser, f: Filters):
    return render(request, "ooh_queue_rows.html", user=user, **_queue(request, engine, user, f))


@router.get("/ooh/cases/new")
def new_case_form(request: Request, engine: EngineDep, user: PageUser):
    with engine.connect() as conn:
        provider = views.require_provider(conn, user, None)
    return render(request, "ooh_new_case.html", user=user, provider=provider, error=None, form={})


@router.post("/ooh/cases", dependencies=[CsrfChecked])
def create_case(
    request: Request,
    engine: EngineDep,
    user: PageUser,
    source: Annotated[str, Form()],
    practice_code: Annotated[str, Form()],
    nhs_number: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    birth_date: Annotated[str, Form()] = "",
    sex: Annotated[str, Form()] = "unknown",
    postcode: Annotated[str, Form()] = "",
    dx_code: Annotated[str, Form()] = "",
    priority: Annotated[str, Form()] = "",
    symptoms: Annotated[str, Form()] = "",
    base: Annotated[str, Form()] = "",
    received_at: Annotated[str, Form()] = "",
):
    form = {  # what was typed, shown again if the case is refused
        "source": source, "practice_code": practice_code, "nhs_number": nhs_number, "name": name,
        "birth_date": birth_date, "sex": sex, "postcode": postcode, "dx_code": dx_code, "priority": priority,
        "symptoms": symptoms, "base": base, "received_at": received_at,
    }  # fmt: skip
    rules = request.app.state.ooh_rules
    try:
        born = datetime.strptime(birth_date, "%Y-%m-%d").date() if birth_date else None
    except ValueError:
        born = None
    received = _form_instant(received_at, "received_at") or datetime.now().astimezone()
    fields = {
        "source": source,
        "practice_code": practice_code.strip().upper(),
        "nhs_number": nhs_number or None,
        "name": name,
        "birth_date": born,
        "sex": sex,
        "postcode": postcode,
        "dx_code": dx_code.strip() or None,
        "priority": priority or None,
        "symptoms": symptoms,
        "base": base or None,
        "received_at": received,
        "answered_at": received if source == "direct" else None,
    }
    try:
        made = views.open_case(engine, user, rules, None, fields)
    except HTTPException as error:
        if error.status_code != 422:
            raise
        with engine.connect() as conn:
            provider = views.require_provider(conn, user, None)
        return render(request, "ooh_new_case.html", 422, user=user, provider=provider, error=error.detail, form=form)
    return RedirectResponse(f"/ooh/cases/{made['id']}", status_code=303)


@router.get("/ooh/cases/{case_id}")
def case_page(request: Request, engine: EngineDep, user: PageUser, case_id: int, error: Filter = ""):
    case = views.show_case(engine, user, request.app.state.ooh_rules, case_id)
    notes = notes_views.for_case(engine, user, case)
    return render(request, "ooh_case.html", user=user, case=case, notes=notes, error=error or None)


@router.post("/ooh/cases/{case_id}/events", dependencies=[CsrfChecked])
def case_event(
    request: Request,
    engine: EngineDep,
    user: PageUser,
    case_id: int,
    kind: Annotated[str, Form()],
    at: Annotated[str, Form()] = "",
    value: Annotated[str, Form()] = "",
):
    rules = request.app.state.ooh_rules
    try:
        views.add_event(engine, user, rules, case_id, kind, _form_instant(at, "at"), value or None)
    except HTTPException as error:
        if error.status_code not in (409, 422):
            raise
        case = views.show_case(engine, user, rules, case_id)
        notes = notes_views.for_case(engine, user, case)
        return render(
            request, "ooh_case.html", error.status_code, user=user, case=case, notes=notes, error=error.detail
        )
    return RedirectResponse(f"/ooh/cases/{case_id}", status_code=303)


def _report(request: Request, engine, user, provider: str, month: str | None) -> dict:
    return views.quality_report(engine, user, request.app.state.ooh_rules, provider or None, month)


@router.get("/ooh/reports")
def report_page(request: Request, engine: EngineDep, user: PageUser, provider: Filter = "", month: Month = None):
    found = _report(request, engine, user, provider, month)
    with engine.connect() as conn:
        choices = views.visible_providers(conn, user)
    chart = {"trend": found["trend"], "demand": list(found["report"].demand_by_hour_of_week)}
    return render(request, "ooh_report.html", user=user, **found, providers=choices, chart=chart, printing=False)


@router.get("/ooh/reports/print")
def report_print(request: Request, engine: EngineDep, user: PageUser, provider: Filter = "", month: Month = None):
    found = _report(request, engine, user, provider, month)
    chart = {"trend": found["trend"], "demand": list(found["report"].demand_by_hour_of_week)}
    return render(request, "ooh_report.html", user=user, **found, providers=[], chart=chart, printing=True)


@router.get("/ooh/reports/{table}.csv")
def report_csv(
    request: Request, engine: EngineDep, user: PageUser, table: str, provider: Filter = "", month: Month = None
):
    found = _report(request, engine, user, provider, month)
    report = found["report"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if table == "compliance":
        writer.writerow(["CLOCK", "MET", "BREACHED", "RUNNING", "NOT_APPLICABLE", "COMPLIANCE", "THRESHOLD"])
        for c in report.compliance:
            share = "" if c.share is None else f"{c.share:.4f}"
            counts = [c.counts[s] for s in ("met", "breached", "running", "not_applicable")]
            writer.writerow([c.clock, *counts, share, c.threshold])
    elif table == "breaches":
        writer.writerow(["CASE_REF", "CLOCK", "PRIORITY", "DX_CODE", "DEADLINE", "ENDED_AT", "MINUTES_LATE"])
        for b in report.breaches:
            ended = uk_local(b.ended_at).isoformat() if b.ended_at else ""
            late = "" if b.minutes_late is None else b.minutes_late
            row = [b.case_ref, b.clock, b.priority, b.dx_code or "", uk_local(b.deadline).isoformat(), ended, late]
            writer.writerow(row)
    elif table == "demand":
        writer.writerow(["HOUR_OF_WEEK", "CASES"])
        writer.writerows(enumerate(report.demand_by_hour_of_week))
    elif table == "outcomes":
        writer.writerow(["OUTCOME", "CASES"])
        writer.writerows(report.outcomes.items())
    else:
        raise HTTPException(404, "tables: compliance, breaches, demand, outcomes")
    name = f"ooh-{table}-{report.provider_code}-{report.month}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(out.getvalue(), media_type="text/csv", headers=headers)
