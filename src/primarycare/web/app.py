"""create_app(settings): the only way to build the web app."""

import secrets
import time
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from primarycare.store.economy import NoEconomyLoaded
from primarycare.store.engine import make_engine
from primarycare.store.signin import Throttled
from primarycare.urgentcare.rules import load_rules
from primarycare.web import (
    alerts_pages,
    api,
    contracts_pages,
    governance_pages,
    measures_pages,
    notes_api,
    notes_pages,
    pages,
    payment_inputs_pages,
    payments_pages,
    reconcile_pages,
    redact,
    simulation_pages,
    urgentcare_api,
    urgentcare_pages,
)
from primarycare.web.deps import LoginRequired, csrf_token, optional_user
from primarycare.web.filters import FILTERS
from primarycare.web.headers import SecurityHeaders
from primarycare.web.openapi import document_errors
from primarycare.web.settings import Settings
from primarycare.web.simulation_jobs import SimulationJobs


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(
        title="primarycare",
        summary="The local health economy: commissioners, networks, practices, registered lists and QOF",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    document_errors(app)
    app.state.settings = settings
    redact.install()
    app.state.engine = make_engine(settings.database_url)
    app.state.payments_cache = {}
    app.state.clock = time.time  # sessions and sign-in throttling read the time here
    app.state.ooh_rules = load_rules(Path(settings.ooh_targets) if settings.ooh_targets else None)
    app.state.simulation = SimulationJobs(app.state.engine, settings.scenarios_dir)
    app.router.on_shutdown.append(app.state.simulation.shutdown)
    app.router.on_startup.append(redact.install)  # again once the server has configured its loggers
    web_root = Path(str(resources.files("primarycare.web")))
    templates = Jinja2Templates(directory=web_root / "templates")
    templates.env.globals["csrf_token"] = csrf_token
    templates.env.globals["demo"] = settings.demo
    templates.env.filters.update(FILTERS)
    app.state.templates = templates
    secret = settings.secret_key or secrets.token_urlsafe(48)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        max_age=settings.session_max_age,
        same_site="lax",
        https_only=settings.secure_cookies,
        session_cookie="primarycare",
    )
    app.add_middleware(SecurityHeaders, hsts=settings.https_only_cookies)  # outermost: every response, errors too
    app.mount("/static", StaticFiles(directory=web_root / "static", check_dir=False), name="static")
    app.include_router(pages.router)
    app.include_router(reconcile_pages.router)
    app.include_router(payment_inputs_pages.router)
    app.include_router(payments_pages.router)
    app.include_router(api.router, prefix="/api")
    app.include_router(payments_pages.api_router, prefix="/api")
    app.include_router(simulation_pages.router)
    app.include_router(simulation_pages.api_router, prefix="/api")
    app.include_router(urgentcare_pages.router)
    app.include_router(urgentcare_api.router, prefix="/api")
    app.include_router(notes_pages.router)
    app.include_router(governance_pages.router)
    app.include_router(governance_pages.api_router, prefix="/api")
    app.include_router(notes_api.router, prefix="/api")
    app.include_router(measures_pages.router)
    app.include_router(measures_pages.api_router, prefix="/api")
    app.include_router(alerts_pages.router)
    app.include_router(alerts_pages.api_router, prefix="/api")
    app.include_router(contracts_pages.router)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired):
        return RedirectResponse(f"/login?next={exc.next_path}", status_code=303)

    @app.exception_handler(NoEconomyLoaded)
    async def _empty(request: Request, exc: NoEconomyLoaded):
        return _error(request, 404, str(exc))

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: Exception):  # e.g. ?page=99999999999999999999 or id 2**70
        return _error(request, 422, "a number in the request is out of range")

    @app.exception_handler(Throttled)
    async def _throttled(request: Request, exc: Throttled):
        return _error(request, 429, str(exc), {"Retry-After": str(exc.retry_after)})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        return _error(request, exc.status_code, exc.detail, getattr(exc, "headers", None))

    return app


def _signed_in(request: Request):
    """The signed-in user, so an error page keeps the header's navigation and sign-out (None if that fails too)."""
    try:
        return optional_user(request, request.app.state.engine)
    except Exception:  # an error page must render even when the store is the thing that failed
        return None


def _error(request: Request, status: int, message: str, headers=None):
    if request.url.path.startswith("/api"):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "message": message, "user": _signed_in(request)},
        status_code=status,
        headers=headers,
    )
