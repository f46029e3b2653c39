"""What the OOH pages and API both show, with the roles applied: which providers a user sees, cases with their
clocks (patient details only for the provider's own staff), the queue, and the monthly quality report."""

from datetime import UTC, datetime

from fastapi import HTTPException
from sqlalchemy import Connection, Engine

from primarycare.access.roles import User, can_record, can_see_patient, can_see_provider
from primarycare.economy.calendar import month_bounds, month_of, previous_months
from primarycare.store import cases as store
from primarycare.store.notes import note_exists
from primarycare.urgentcare.case import Case, Event, EventRefused
from primarycare.urgentcare.clocks import case_clocks, nearest_deadline
from primarycare.urgentcare.intake import new_case
from primarycare.urgentcare.message import MessageInvalid, Party, post_event_message
from primarycare.urgentcare.report import MonthReport, month_report
from primarycare.urgentcare.rules import Rules
from primarycare.urgentcare.vocabulary import CLOCKS

QUEUE_ROWS = 50  # the nearest deadlines; filters narrow the rest
NOBODY = "a practice user, governance lead or privacy officer sees no out-of-hours case"


def visible_providers(conn: Connection, user: User) -> list[store.Provider]:
    return [p for p in store.providers(conn) if can_see_provider(user, p.code, p.commissioners)]


def require_provider(conn: Connection, user: User, code: str | None) -> store.Provider:
    """The provider asked for (or the user's own), if the user may see it."""
    code = code or user.provider_code
    if not code:
        seen = visible_providers(conn, user)
        if not seen:
            raise HTTPException(403 if user.role not in ("commissioner", "admin") else 404, NOBODY)
        return seen[0]
    try:
        found = store.provider(conn, code)
    except store.UnknownProvider as missing:
        raise HTTPException(404, str(missing)) from None
    if not can_see_provider(user, found.code, found.commissioners):
        raise HTTPException(403, f"you do not see the cases of provider {code}")
    return found


def refused(error: EventRefused) -> HTTPException:
    return HTTPException(422, f"{error.field}: {error}")


def case_view(stored: store.StoredCase, provider: store.Provider, user: User, rules: Rules, now: datetime) -> dict:
    case = stored.case
    clocks = case_clocks(case, rules.targets_for(provider.commissioners), now)
    deadline = nearest_deadline(clocks)
    view = {
        "id": stored.id,
        "version": stored.version,
        "case_ref": case.ref,
        "provider": case.provider_code,
        "source": case.source,
        "practice_code": case.practice_code,
        "dx_code": case.dx_code,
        "priority": case.priority,
        "base": case.base,
        "status": "open" if case.is_open else "closed",
        "waiting_for": case.waiting_for,
        "assigned_to": case.assigned_to,
        "outcome": case.outcome,
        "nearest_deadline": deadline,
        "seconds_left": None if deadline is None else round((deadline - now).total_seconds()),
        "times": {name: getattr(case, name) for name in store.INSTANTS},
        "face_to_face_type": case.face_to_face_type,
        "clocks": [
            {"clock": c.name, "status": c.status, "deadline": c.deadline, "ended_at": c.ended_at} for c in clocks
        ],
    }
    if can_see_patient(user, provider.code):
        p = case.patient
        view["patient"] = {
            "nhs_number": p.nhs_number,
            "name": p.name,
            "birth_date": p.birth_date,
            "sex": p.sex,
            "postcode": p.postcode,
        }
        view["symptoms"] = case.symptoms
    return view


def open_case(engine: Engine, user: User, rules: Rules, provider_code: str | None, fields: dict) -> dict:
    now = datetime.now(UTC)
    with engine.connect() as conn:
        provider = require_provider(conn, user, provider_code)
        if not can_record(user, provider.code, "opened"):
            raise HTTPException(403, "only the provider's call handlers and clinicians open cases")
        known = bool(store.known_practices(conn, [fields.get("practice_code") or ""]))
    try:
        case = new_case(
            rules=rules, provider_code=provider.code, practice_known=known, now=now, bases=provider.bases, **fields
        )
    except EventRefused as error:
        raise refused(error) from None
    try:
        targets = rules.targets_for(provider.commissioners)
        (case_id,) = store.insert_cases(engine, [case], targets, user_id=user.id)
    except ValueError as error:
        raise HTTPException(409, str(error)) from None
    with engine.connect() as conn:
        return case_view(store.get_case(conn, case_id), provider, user, rules, now)


def load_case(conn: Connection, user: User, case_id: int) -> tuple[store.StoredCase, store.Provider]:
    stored = store.get_case(conn, case_id)
    if stored is None:
        raise HTTPException(404, f"no case {case_id}")
    provider = store.provider(conn, stored.case.provider_code)
    if not can_see_provider(user, provider.code, provider.commissioners):
        raise HTTPException(403 if user.role in ("ooh_call_handler", "ooh_clinician") else 404, f"no case {case_id}")
    return stored, provider


def show_case(engine: Engine, user: User, rules: Rules, case_id: int) -> dict:
    with engine.connect() as conn:
        stored, provider = load_case(conn, user, case_id)
        view = case_view(stored, provider, user, rules, datetime.now(UTC))
        view["events"] = store.case_events(conn, case_id)
    return view


def add_event(
    engine: Engine, user: User, rules: Rules, case_id: int, kind: str, at: datetime | None, value: str | None
) -> dict:
    now = datetime.now(UTC)
    with engine.connect() as conn:
        stored, provider = load_case(conn, user, case_id)
    if not can_record(user, provider.code, kind):
        raise HTTPException(403, f"a {user.role.replace('_', ' ')} cannot record {kind} on this case")
    if kind == "assigned":
        value = None
    with engine.connect() as conn:
        practice = Party(stored.case.practice_code, store.practice_name(conn, stored.case.practice_code))
    disposition = rules.disposition(stored.case.dx_code) if stored.case.dx_code else None
    described = f"{disposition.code}: {disposition.meaning}" if disposition else "Direct call to the OOH service"

    def message(closed: Case) -> dict:
        return post_event_message(
            closed,
            provider=Party(provider.code, provider.name),
            practice=practice,
            clinician=user.username,
            disposition=f"{described}; handled by {provider.name}",
            written_at=now,
        )

    try:
        event = Event(kind, at or now, value, user.id)
        targets = rules.targets_for(provider.commissioners)
        changed = store.record_event(engine, case_id, event, now, targets, message=message)
    except EventRefused as error:
        raise refused(error) from None
    except MessageInvalid as invalid:
        raise HTTPException(422, f"the case was not closed: {invalid}") from None
    except store.CaseConflict as conflict:
        raise HTTPException(409, str(conflict)) from None
    return case_view(changed, provider, user, rules, now)


def list_cases(
    engine: Engine, user: User, rules: Rules, provider_code: str | None, status: str | None, limit: int = 500
) -> list[dict]:
    now = datetime.now(UTC)
    with engine.connect() as conn:
        if provider_code or user.provider_code:
            chosen = [require_provider(conn, user, provider_code)]
        else:
            chosen = visible_providers(conn, user)
            if not chosen and user.role not in ("commissioner", "admin"):
                raise HTTPException(403, NOBODY)
        by_code = {p.code: p for p in chosen}
        found = store.find_cases(conn, list(by_code), status=status, limit=limit)
    return [case_view(s, by_code[s.case.provider_code], user, rules, now) for s in found]


def queue(
    engine: Engine,
    user: User,
    rules: Rules,
    provider_code: str | None,
    *,
    base: str = "",
    priority: str = "",
    waiting: str = "",
) -> dict:
    """Open cases, nearest deadline first, with the filters applied: the first QUEUE_ROWS of them."""
    now = datetime.now(UTC)
    with engine.connect() as conn:
        provider = require_provider(conn, user, provider_code)
        found, matching, total = store.queue_cases(
            conn, provider.code, base=base, priority=priority, waiting=waiting, limit=QUEUE_ROWS
        )
    shown = [case_view(s, provider, user, rules, now) for s in found]
    with engine.connect() as conn:
        flagged = note_exists(conn, [s.case.patient.nhs_number for s in found if s.case.patient.nhs_number])
    for view, stored in zip(shown, found, strict=True):
        view["has_notes"] = stored.case.patient.nhs_number in flagged
    return {"provider": provider, "cases": shown, "matching": matching, "now": now, "total_open": total}


def quality_report(engine: Engine, user: User, rules: Rules, provider_code: str | None, month: str | None) -> dict:
    """The month's report and each clock's compliance over the twelve months to it."""
    now = datetime.now(UTC)
    month = month or month_of(now)
    try:
        months = previous_months(month, 12)
        start, _ = month_bounds(months[0])
        _, end = month_bounds(month)
    except ValueError as bad:
        raise HTTPException(422, f"month: {bad}") from None
    with engine.connect() as conn:
        provider = require_provider(conn, user, provider_code)
        found = store.find_cases(conn, [provider.code], received_from=start, received_before=end)
    targets = rules.targets_for(provider.commissioners)
    by_month: dict[str, list] = {m: [] for m in months}
    for stored in found:
        by_month[month_of(stored.case.received_at)].append((stored.case, case_clocks(stored.case, targets, now)))
    reports = {m: month_report(provider.code, m, by_month[m], targets.thresholds, CLOCKS) for m in months}
    report: MonthReport = reports[month]
    trend = {
        "months": months,
        "share": {c: [reports[m].compliance[i].share for m in months] for i, c in enumerate(CLOCKS)},
    }
    return {"provider": provider, "report": report, "trend": trend, "targets": targets, "generated_at": now}
