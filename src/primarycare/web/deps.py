"""Dependencies shared by pages and API: the engine, the signed-in user, CSRF."""

import secrets
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request
from sqlalchemy import Engine

from primarycare.access.roles import User
from primarycare.store.sessions import session_user
from primarycare.store.signin import token_user


class LoginRequired(Exception):
    """Raised on a page when nobody is signed in; answered with a redirect to the sign-in page."""

    def __init__(self, next_path: str):
        self.next_path = next_path


def engine(request: Request) -> Engine:
    return request.app.state.engine


EngineDep = Annotated[Engine, Depends(engine)]


def optional_user(request: Request, engine: EngineDep) -> User | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        address, now = client_address(request), now_seconds(request)
        return token_user(engine, header[7:].strip(), address, now)  # may raise Throttled
    token = request.session.get("sid")
    if not token:
        return None
    settings = request.app.state.settings
    return session_user(engine, token, now_seconds(request), settings.session_idle, settings.session_max_age)


def now_seconds(request: Request) -> int:
    """The app's clock (`app.state.clock`, time.time unless a test sets another) in whole seconds."""
    return int(request.app.state.clock())


def client_address(request: Request) -> str:
    """The client's address (behind a proxy, run uvicorn with --proxy-headers so this is the real one)."""
    return request.client.host if request.client else "unknown"


def page_user(request: Request, user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise LoginRequired(request.url.path)
    return user


def api_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise HTTPException(
            401,
            "sign in, or send 'Authorization: Bearer <token>' (primarycare users token NAME)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


PageUser = Annotated[User, Depends(page_user)]
MaybeUser = Annotated[User | None, Depends(optional_user)]  # public pages: the header shows whoever is signed in
ApiUser = Annotated[User, Depends(api_user)]


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    expected = request.session.get("csrf")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        raise HTTPException(403, "the form has expired or did not come from this site: reload the page and try again")


CsrfChecked = Depends(check_csrf)
