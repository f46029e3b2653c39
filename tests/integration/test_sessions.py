"""Server-side sessions, on SQLite and PostgreSQL: sign-out, a password change and an administrator end a session
at once (a copy of the cookie stops working), and sessions time out when idle and at their absolute limit."""

import pytest
from typer.testing import CliRunner

from primarycare.cli import app as cli
from primarycare.store.engine import make_engine
from primarycare.store.migrate import upgrade
from primarycare.store.sessions import end_all_sessions, live_sessions, session_user, start_session
from primarycare.store.users import UnknownUser, create_user, user_id

from .test_web import PASSWORD, sign_in, site  # noqa: F401  (the fixture)

PAGE = "/economy"


def _signed_in_copy(client):
    """Sign in, check the page opens, and keep a copy of the session cookie as an attacker would."""
    client.cookies.clear()
    assert sign_in(client, "comm").status_code == 303
    assert client.get(PAGE, follow_redirects=False).status_code == 200
    return client.cookies.get("primarycare")


def _opens_with(client, cookie) -> int:
    client.cookies.clear()
    client.cookies.set("primarycare", cookie)
    return client.get(PAGE, follow_redirects=False).status_code


def _sign_out(client):
    form = client.get(PAGE)
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303


def test_a_copy_of_the_cookie_stops_working_at_sign_out(site):  # noqa: F811
    client, *_ = site
    copy = _signed_in_copy(client)
    _sign_out(client)
    assert _opens_with(client, copy) == 303  # back to the sign-in page, not the economy


def test_ending_every_session_or_changing_the_password_signs_the_user_out_everywhere(site, monkeypatch):  # noqa: F811
    client, engine, *_ = site
    url = str(engine.url.render_as_string(hide_password=False))
    copy = _signed_in_copy(client)
    result = CliRunner().invoke(cli, ["users", "end-sessions", "comm", "--db", url])
    assert result.exit_code == 0 and "1 session(s) of comm ended" in result.output
    assert _opens_with(client, copy) == 303

    copy = _signed_in_copy(client)
    monkeypatch.setenv("PRIMARYCARE_NEW_PASSWORD", "a-new-long-password")
    result = CliRunner().invoke(cli, ["users", "passwd", "comm", "--db", url])
    assert result.exit_code == 0 and "1 session(s) ended" in result.output
    assert _opens_with(client, copy) == 303
    client.cookies.clear()
    assert sign_in(client, "comm", PASSWORD).status_code == 401
    assert sign_in(client, "comm", "a-new-long-password").status_code == 303

    monkeypatch.setenv("PRIMARYCARE_NEW_PASSWORD", "short")
    assert CliRunner().invoke(cli, ["users", "passwd", "comm", "--db", url]).exit_code == 2
    assert CliRunner().invoke(cli, ["users", "end-sessions", "nobody", "--db", url]).exit_code == 2


@pytest.mark.parametrize(
    "seconds_later, idle, absolute, alive",
    [
        (0, 1800, 28800, True),
        (1799, 1800, 28800, True),
        (1801, 1800, 28800, False),  # idle
        (28801, 10**6, 28800, False),  # past the absolute limit however busy
    ],
)
def test_sessions_time_out(db_url, seconds_later, idle, absolute, alive):
    engine = make_engine(db_url)
    upgrade(engine)
    create_user(engine, "idle", PASSWORD, "commissioner")
    token = start_session(engine, user_id(engine, "idle"), now=1_000_000)
    user = session_user(engine, token, 1_000_000 + seconds_later, idle, absolute)
    assert (user is not None) is alive
    assert len(live_sessions(engine, "idle")) == (1 if alive else 0)  # a timed-out session is ended, with why
    assert session_user(engine, "not-a-token", 1_000_000, idle, absolute) is None


def test_a_busy_session_stays_alive_past_the_idle_limit(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    create_user(engine, "busy", PASSWORD, "commissioner")
    token = start_session(engine, user_id(engine, "busy"), now=0)
    for minute in range(0, 120, 20):  # a request every 20 minutes, idle limit 30
        assert session_user(engine, token, minute * 60, idle=1800, absolute=28800) is not None
    with pytest.raises(UnknownUser):
        end_all_sessions(engine, "nobody", 0, "test")
