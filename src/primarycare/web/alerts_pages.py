"""A user's groupings of practices, alert subscriptions and alerts outbox, as pages and JSON."""

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from primarycare.economy.vocabulary import is_practice_code
from primarycare.measures.alerts import SUBSCRIPTION_KINDS
from primarycare.store import tables as t
from primarycare.store.alerts import outbox, subscribe, subscriptions, unsubscribe
from primarycare.store.economy import find_period
from primarycare.store.groupings import delete_grouping, groupings, save_grouping
from primarycare.web import measures_views as mv
from primarycare.web.deps import ApiUser, CsrfChecked, EngineDep, PageUser
from primarycare.web.pages import render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["alerts"])


def _known_practices(engine) -> set[str]:
    with engine.connect() as conn:
        period_id = find_period(conn)[0]
        return set(conn.execute(select(t.practice.c.code).where(t.practice.c.period_id == period_id)).scalars())


@router.get("/groupings")
def groupings_page(request: Request, engine: EngineDep, user: PageUser):
    mv.require_role(user)
    if user.is_practice_user:
        raise HTTPException(403, "groupings are for commissioners, governance leads and admins")
    with engine.connect() as conn:
        mine = groupings(conn, user.id)
    return render(request, "groupings.html", user=user, groupings=mine, error=None, name="", codes="")


@router.post("/groupings", dependencies=[CsrfChecked])
def groupings_add(
    request: Request, engine: EngineDep, user: PageUser, name: Annotated[str, Form()], codes: Annotated[str, Form()]
):
    mv.require_role(user)
    if user.is_practice_user:
        raise HTTPException(403, "groupings are for commissioners, governance leads and admins")
    wanted = sorted({c.strip().upper() for c in codes.replace(",", " ").split() if c.strip()})
    known = _known_practices(engine)
    bad = [c for c in wanted if not is_practice_code(c) or c not in known]
    error = None
    if not name.strip():
        error = "Give the grouping a name"
    elif not wanted:
        error = "List the practices' ODS codes"
    elif bad:
        error = f"Not practices of the loaded economy: {', '.join(bad[:10])}"
    if error:
        with engine.connect() as conn:
            mine = groupings(conn, user.id)
        return render(request, "groupings.html", 422, user=user, groupings=mine, error=error, name=name, codes=codes)
    save_grouping(engine, user.id, name.strip(), wanted)
    return RedirectResponse("/groupings", status_code=303)


@router.post("/groupings/{grouping_id}/delete", dependencies=[CsrfChecked])
def groupings_delete(engine: EngineDep, user: PageUser, grouping_id: int):
    if not delete_grouping(engine, user.id, grouping_id):
        raise HTTPException(404, f"no grouping {grouping_id} of yours")
    return RedirectResponse("/groupings", status_code=303)


@router.get("/subscriptions")
def subscriptions_page(request: Request, engine: EngineDep, user: PageUser, kind: str = "practice", code: str = ""):
    mv.require_role(user)
    with engine.connect() as conn:
        mine = subscriptions(conn, user.id)
    if user.is_practice_user:
        kind, code = "practice", user.practice_code
    return render(request, "subscriptions.html", user=user, subs=mine, kind=kind, code=code, error=None)


@router.post("/subscriptions", dependencies=[CsrfChecked])
def subscriptions_add(
    request: Request,
    engine: EngineDep,
    user: PageUser,
    kind: Annotated[str, Form()],
    code: Annotated[str, Form()],
    email: Annotated[str, Form()] = "",
):
    mv.require_role(user)
    code = code.strip()
    error = None
    if kind not in SUBSCRIPTION_KINDS:
        error = f"Subscribe to one of: {', '.join(SUBSCRIPTION_KINDS)}"
    elif email and ("@" not in email or any(ch.isspace() for ch in email.strip())):
        error = "That is not an email address"
    elif kind == "measure":
        if code not in mv.run_or_404(engine)["measures"]:
            error = f"No measure {code!r}"
    else:
        try:
            mv.scope(engine, user, kind, code)
        except HTTPException as refused:
            error = refused.detail
    if error:
        with engine.connect() as conn:
            mine = subscriptions(conn, user.id)
        return render(request, "subscriptions.html", 422, user=user, subs=mine, kind=kind, code=code, error=error)
    subscribe(engine, user.id, kind, code, email.strip() or None)
    return RedirectResponse("/outbox", status_code=303)


@router.post("/subscriptions/{subscription_id}/delete", dependencies=[CsrfChecked])
def subscriptions_delete(engine: EngineDep, user: PageUser, subscription_id: int):
    if not unsubscribe(engine, user.id, subscription_id):
        raise HTTPException(404, f"no subscription {subscription_id} of yours")
    return RedirectResponse("/outbox", status_code=303)


@router.get("/outbox")
def outbox_page(request: Request, engine: EngineDep, user: PageUser):
    mv.require_role(user)
    with engine.connect() as conn:
        messages, subs = outbox(conn, user.id), subscriptions(conn, user.id)
    return render(request, "outbox.html", user=user, messages=messages, subs=subs)


@api_router.get("/alerts")
def api_alerts(engine: EngineDep, user: ApiUser) -> dict:
    """The user's alerts (newest first) and subscriptions."""
    mv.require_role(user)
    with engine.connect() as conn:
        messages, subs = outbox(conn, user.id), subscriptions(conn, user.id)
    return {
        "alerts": [{k: v for k, v in m.items() if k != "dedupe_key"} for m in messages],
        "subscriptions": [s.__dict__ for s in subs],
    }
