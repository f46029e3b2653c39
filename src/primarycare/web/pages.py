"""HTML pages: sign in and out, the economy overview and a practice page."""

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse

from primarycare.store.sessions import end_session, start_session
from primarycare.store.signin import sign_in
from primarycare.web import views
from primarycare.web.deps import CsrfChecked, EngineDep, PageUser, client_address, now_seconds

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
    attempt = sign_in(engine, username, password, client_address(request), now_seconds(request))
    if attempt.user is None:
        error, status, headers = "Username or password is wrong", 401, None
        if attempt.retry_after:
            error = f"Too many failed sign-ins: wait {_duration(attempt.retry_after)} before trying again"
            status, headers = 429, {"Retry-After": str(attempt.retry_after)}
        page = render(request, "login.html", status, next=_safe(next), error=error, user=None)
        page.headers.update(headers or {})
        return page
    request.session.clear()
    request.session["sid"] = start_session(engine, attempt.user.id, now_seconds(request))
    return RedirectResponse(_safe(next), status_code=303)


def _duration(seconds: int) -> str:
    return f"{seconds} second{'s' if seconds != 1 else ''}" if seconds < 120 else f"{-(-seconds // 60)} minutes"


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, engine: EngineDep) -> RedirectResponse:
    if token := request.session.get("sid"):
        end_session(engine, token, now_seconds(request))  # a copy of the cookie no longer signs anyone in
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
