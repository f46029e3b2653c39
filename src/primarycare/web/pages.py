"""HTML pages: sign in and out, the economy overview and a practice page."""

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse

from primarycare.store.sessions import end_session, start_session
from primarycare.store.users import authenticate
from primarycare.web import views
from primarycare.web.deps import CsrfChecked, EngineDep, PageUser, now_seconds

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


def render(request: Request, template: str, status: int = 200, **context):
    return request.app.state.templates.TemplateResponse(request, template, context, status_code=status)


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/economy", status_code=303)


@router.get("/login")
def login_form(request: Request, next: str = "/economy"):
    return render(request, "login.html", next=_safe(next), error=None, user=None)


@router.post("/login", dependencies=[CsrfChecked])
def login(
    request: Request,
    engine: EngineDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/economy",
):
    user = authenticate(engine, username, password)
    if user is None:
        return render(request, "login.html", 401, next=_safe(next), error="Username or password is wrong", user=None)
    request.session.clear()
    request.session["sid"] = start_session(engine, user.id, now_seconds())
    return RedirectResponse(_safe(next), status_code=303)


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, engine: EngineDep) -> RedirectResponse:
    if token := request.session.get("sid"):
        end_session(engine, token, now_seconds())  # a copy of the cookie no longer signs anyone in
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/economy")
def economy(
    request: Request,
    engine: EngineDep,
    user: PageUser,
    q: str = "",
    sort: str = "code",
    desc: bool = False,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    year: str | None = None,
):
    listing = views.practices_page(
        engine,
        user,
        year=year,
        search=q,
        sort=sort,
        descending=desc,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    commissioners = [] if user.is_practice_user else views.commissioners(engine, year)
    networks = [] if user.is_practice_user else views.networks(engine, year)
    pages = max(1, -(-listing["total"] // PAGE_SIZE))
    return render(
        request,
        "economy.html",
        user=user,
        listing=listing,
        commissioners=commissioners,
        networks=networks,
        q=q,
        sort=sort,
        desc=desc,
        page=page,
        pages=pages,
    )


@router.get("/practices/{code}")
def practice(request: Request, engine: EngineDep, user: PageUser, code: str, year: str | None = None):
    return render(request, "practice.html", user=user, practice=views.practice(engine, user, code, year))


def _safe(target: str) -> str:
    """Only same-site paths after sign-in, never another host."""
    return target if target.startswith("/") and not target.startswith("//") else "/economy"
