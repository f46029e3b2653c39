"""Each practice's contract register and the commissioner's contract actions: variations, remedial and breach
notices (decided by a committee item where the commissioner has a committee), responses and outcomes."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from primarycare.economy.contracts import ACTION_KINDS, Action, ContractError
from primarycare.economy.vocabulary import CONTRACT_TYPES
from primarycare.store import tables as t
from primarycare.store.contracts import (
    add_action,
    add_contract,
    meetings_for,
    move,
    open_actions,
    register,
    sync_decisions,
)
from primarycare.store.economy import find_period
from primarycare.web import measures_views as mv
from primarycare.web.deps import CsrfChecked, EngineDep, PageUser
from primarycare.web.pages import render

router = APIRouter(include_in_schema=False)
WRITERS = ("commissioner", "admin")


def _writer(user) -> None:
    if user.role not in WRITERS:
        raise HTTPException(403, "contract actions are recorded by commissioners and admins")


def _commissioner(engine, code: str) -> str:
    with engine.connect() as conn:
        period = find_period(conn)[0]
        p = t.practice.c
        return conn.execute(select(p.commissioner_code).where(p.period_id == period, p.code == code)).scalar()


def _page(request, engine, user, code: str, status: int = 200, error: str | None = None):
    target = mv.scope(engine, user, "practice", code)
    sync_decisions(engine)
    with engine.connect() as conn:
        held = register(conn, code)
        meetings = meetings_for(conn, _commissioner(engine, code), date.today())
    return render(
        request,
        "contracts.html",
        status,
        user=user,
        target=target,
        held=held,
        meetings=meetings,
        kinds=ACTION_KINDS,
        types=CONTRACT_TYPES,
        error=error,
        can_write=user.role in WRITERS,
        today=date.today(),
    )


@router.get("/contracts")
def contracts_home(request: Request, engine: EngineDep, user: PageUser):
    mv.require_role(user)
    if user.is_practice_user:
        return RedirectResponse(f"/contracts/{user.practice_code}", status_code=303)
    sync_decisions(engine)
    with engine.connect() as conn:
        actions = open_actions(conn)
    return render(request, "contracts_home.html", user=user, actions=actions)


@router.get("/contracts/{code}")
def contracts(request: Request, engine: EngineDep, user: PageUser, code: str):
    mv.require_role(user)
    return _page(request, engine, user, code)


@router.post("/contracts/{code}/contract", dependencies=[CsrfChecked])
def contract_add(
    request: Request,
    engine: EngineDep,
    user: PageUser,
    code: str,
    contract_type: Annotated[Literal["GMS", "PMS", "APMS"], Form()],
    reference: Annotated[str, Form(min_length=1, max_length=64)],
    start_date: Annotated[date, Form()],
):
    _writer(user)
    mv.scope(engine, user, "practice", code)
    add_contract(engine, user, code, contract_type, reference.strip(), start_date)
    return RedirectResponse(f"/contracts/{code}", status_code=303)


@router.post("/contracts/{code}/actions", dependencies=[CsrfChecked])
def action_add(
    request: Request,
    engine: EngineDep,
    user: PageUser,
    code: str,
    kind: Annotated[str, Form()],
    term: Annotated[str, Form(max_length=200)],
    description: Annotated[str, Form()],
    issued_on: Annotated[date, Form()],
    deadline: Annotated[date | None, Form()] = None,
    meeting_id: Annotated[int | None, Form()] = None,
    notify_email: Annotated[str, Form(max_length=254)] = "",
):
    _writer(user)
    mv.scope(engine, user, "practice", code)
    try:
        action = Action(code, kind, term, description, issued_on, deadline)
        add_action(engine, user, action, _commissioner(engine, code), meeting_id, notify_email.strip() or None)
    except ContractError as error:
        return _page(request, engine, user, code, 422, str(error))
    return RedirectResponse(f"/contracts/{code}", status_code=303)


@router.post("/contracts/{code}/actions/{action_id}", dependencies=[CsrfChecked])
def action_move(
    request: Request,
    engine: EngineDep,
    user: PageUser,
    code: str,
    action_id: int,
    to: Annotated[Literal["responded", "closed"], Form()],
    text: Annotated[str, Form()],
):
    _writer(user)
    mv.scope(engine, user, "practice", code)
    try:
        move(engine, user, code, action_id, to, text, date.today())
    except LookupError as error:
        raise HTTPException(404, str(error)) from None
    except ContractError as error:
        return _page(request, engine, user, code, 422, str(error))
    return RedirectResponse(f"/contracts/{code}", status_code=303)
