"""`primarycare users ...`: accounts, passwords, sessions and API tokens."""

import os
import time
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from primarycare.cli import DEFAULT_URL, Db
from primarycare.cli_output import bad_input

app = typer.Typer(help="Users, sessions and API tokens.", no_args_is_help=True)


def _engine(db: str):
    from primarycare.store.engine import make_engine

    return make_engine(db)


def _new_password(prompt: str) -> str:
    return os.environ.get("PRIMARYCARE_NEW_PASSWORD") or typer.prompt(prompt, hide_input=True, confirmation_prompt=True)


def _when(seconds: int | None) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M UTC") if seconds else ""


@app.command("add")
def users_add(
    username: str,
    role: Annotated[
        str,
        typer.Option(
            help="commissioner, governance_lead, practice_user, ooh_call_handler, "
            "ooh_clinician, privacy_officer or admin"
        ),
    ],
    practice: Annotated[str | None, typer.Option(help="The practice of a practice user")] = None,
    provider: Annotated[str | None, typer.Option(help="The OOH provider of a call handler or clinician")] = None,
    commissioner: Annotated[str | None, typer.Option(help="A commissioner user's own commissioner")] = None,
    db: Db = DEFAULT_URL,
) -> None:
    """Add a user; the password is asked for (or read from PRIMARYCARE_NEW_PASSWORD)."""
    from primarycare.store.migrate import upgrade
    from primarycare.store.users import create_user

    password = _new_password("Password")
    engine = _engine(db)
    upgrade(engine)
    try:
        create_user(engine, username, password, role, practice, provider_code=provider, commissioner_code=commissioner)
    except ValueError as error:
        raise bad_input(error) from None
    print(f"added {username} ({role})")


@app.command("passwd")
def users_passwd(username: str, db: Db = DEFAULT_URL) -> None:
    """Set a user's password (asked for, or read from PRIMARYCARE_NEW_PASSWORD); ends all of their sessions."""
    from primarycare.store.sessions import change_password

    password = _new_password("New password")
    try:
        ended = change_password(_engine(db), username, password, int(time.time()))
    except (LookupError, ValueError) as error:
        raise bad_input(error) from None
    print(f"password changed for {username}; {ended} session(s) ended")


@app.command("end-sessions")
def users_end_sessions(username: str, db: Db = DEFAULT_URL) -> None:
    """Sign a user out everywhere at once (a stolen laptop, a leaver)."""
    from primarycare.store.sessions import end_all_sessions

    try:
        ended = end_all_sessions(_engine(db), username, int(time.time()), "ended by an administrator")
    except LookupError as error:
        raise bad_input(error) from None
    print(f"{ended} session(s) of {username} ended")


@app.command("disable")
def users_disable(username: str, db: Db = DEFAULT_URL) -> None:
    """Stop a user signing in or using any token (a leaver); ends their sessions. `users enable` undoes it."""
    from primarycare.store.sessions import set_disabled

    try:
        ended = set_disabled(_engine(db), username, True, int(time.time()))
    except LookupError as error:
        raise bad_input(error) from None
    print(f"{username} disabled; {ended} session(s) ended")


@app.command("enable")
def users_enable(username: str, db: Db = DEFAULT_URL) -> None:
    """Let a disabled user sign in again (their tokens work again until they expire)."""
    from primarycare.store.sessions import set_disabled

    try:
        set_disabled(_engine(db), username, False, int(time.time()))
    except LookupError as error:
        raise bad_input(error) from None
    print(f"{username} enabled")


@app.command("token")
def users_token(
    username: str,
    name: Annotated[str, typer.Option(help="What the token is for, shown by 'users tokens'")] = "",
    days: Annotated[int, typer.Option(help="Days until it expires (1 to 366)")] = 90,
    db: Db = DEFAULT_URL,
) -> None:
    """Issue an API token for a user (send it as 'Authorization: Bearer TOKEN'). Shown once."""
    from primarycare.store.tokens import issue_token

    try:
        print(issue_token(_engine(db), username, int(time.time()), name=name, days=days))
    except (LookupError, ValueError) as error:
        raise bad_input(error) from None


@app.command("tokens")
def users_tokens(username: str, db: Db = DEFAULT_URL) -> None:
    """A user's API tokens: id, name, created, expires, last used and state (live, expired, revoked)."""
    from primarycare.store.tokens import list_tokens

    try:
        tokens = list_tokens(_engine(db), username, int(time.time()))
    except LookupError as error:
        raise bad_input(error) from None
    table = Table(title=f"API tokens of {username}")
    for column in ("id", "name", "created", "expires", "last used", "state"):
        table.add_column(column)
    for token in tokens:
        created = token["created_at"].strftime("%Y-%m-%d %H:%M UTC")
        expires, used = _when(token["expires_at"]), _when(token["last_used_at"]) or "never"
        table.add_row(str(token["id"]), token["name"], created, expires, used, token["state"])
    Console(width=120).print(table)


@app.command("revoke")
def users_revoke(
    username: str, token_id: Annotated[int, typer.Argument(help="The id 'users tokens' shows")], db: Db = DEFAULT_URL
) -> None:
    """End one of a user's API tokens at once."""
    from primarycare.store.tokens import revoke_token

    try:
        ended = revoke_token(_engine(db), username, token_id, int(time.time()))
    except LookupError as error:
        raise bad_input(error) from None
    if not ended:
        raise bad_input(f"{username} has no live token {token_id} (see: primarycare users tokens {username})")
    print(f"token {token_id} of {username} revoked")
