"""Throttled sign-in, disabled users and API tokens with names, expiry and revocation, on SQLite and PostgreSQL:
through the store with explicit clocks, through HTTP as an attacker would try them, and through the CLI."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from primarycare.cli import app as cli
from primarycare.store import tables as t
from primarycare.store.audit import verify
from primarycare.store.engine import make_engine
from primarycare.store.migrate import upgrade
from primarycare.store.sessions import live_sessions, session_user, set_disabled, start_session
from primarycare.store.signin import sign_in as store_sign_in
from primarycare.store.tokens import issue_token, list_tokens, revoke_token, user_for_token
from primarycare.store.users import create_user, user_id
from primarycare.web.app import create_app
from primarycare.web.settings import Settings

from .test_web import PASSWORD, sign_in, site  # noqa: F401  (the fixture)

T = 2_000_000_000


def _audit(engine, action: str) -> list[tuple[str, str]]:
    e = t.audit_event.c
    with engine.connect() as conn:
        rows = conn.execute(select(e.outcome, e.username).where(e.action == action).order_by(e.seq))
        return [tuple(row) for row in rows]


def _engine_with(db_url, *names):
    engine = make_engine(db_url)
    upgrade(engine)
    for name in names:
        create_user(engine, name, PASSWORD, "commissioner")
    return engine


def test_back_off_then_lock_then_the_right_password_after_the_lock(db_url):
    engine = _engine_with(db_url, "admin")
    now = T
    for _ in range(3):
        assert store_sign_in(engine, "admin", "wrong-guess", "10.0.0.1", now).user is None
    held = store_sign_in(engine, "admin", PASSWORD, "10.0.0.1", now)
    assert held.user is None and held.retry_after == 1  # refused unchecked, even with the right password
    for _ in range(7):  # wait out each back-off, then fail again: the tenth failure locks the account
        now += store_sign_in(engine, "admin", "x", "10.0.0.1", now).retry_after or 0
        store_sign_in(engine, "admin", "wrong-guess", "10.0.0.1", now)
    assert store_sign_in(engine, "admin", PASSWORD, "10.0.0.2", now + 899).retry_after == 1  # any address
    granted = store_sign_in(engine, "admin", PASSWORD, "10.0.0.2", now + 900)
    assert granted.user is not None and granted.user.username == "admin"
    assert store_sign_in(engine, "admin", "wrong-guess", "10.0.0.2", now + 901).retry_after == 0  # cleared
    outcomes = [outcome for outcome, _ in _audit(engine, "signin")]
    assert outcomes.count("refused") == 11 and outcomes.count("locked") == 1 and outcomes.count("granted") == 1
    assert "throttled" in outcomes
    assert verify(engine).intact


def test_one_address_guessing_many_accounts_is_held_back(db_url):
    engine = _engine_with(db_url, "someone")
    for i in range(20):
        assert store_sign_in(engine, f"user{i}", "guess-guess", "192.0.2.7", T).retry_after == 0 or i == 19
    assert store_sign_in(engine, "someone", PASSWORD, "192.0.2.7", T).retry_after == 1
    assert store_sign_in(engine, "someone", PASSWORD, "192.0.2.8", T).user is not None  # another address is fine


def test_twelve_wrong_passwords_over_http_are_answered_429_with_retry_after(site):  # noqa: F811
    client, engine, *_ = site
    client.app.state.clock = lambda: T  # the attempts come within one second, however slow the machine
    statuses = [sign_in(client, "comm", f"wrong-{i}-password").status_code for i in range(12)]
    assert statuses[:3] == [401, 401, 401] and set(statuses[3:]) == {429}
    response = sign_in(client, "comm", PASSWORD)
    assert response.status_code == 429 and int(response.headers["retry-after"]) >= 1
    assert "Too many failed sign-ins" in response.text
    assert {"refused", "throttled"} <= {outcome for outcome, _ in _audit(engine, "signin")}


def test_wrong_tokens_from_one_address_are_throttled(site):  # noqa: F811
    client, engine, *_ = site
    client.app.state.clock = lambda: T
    statuses = [
        client.get("/api/practices", headers={"Authorization": f"Bearer guess{i}"}).status_code for i in range(12)
    ]
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]
    good = {"Authorization": f"Bearer {issue_token(engine, 'comm', T)}"}
    response = client.get("/api/practices", headers=good)
    assert response.status_code == 429 and "retry-after" in response.headers  # the address waits, whatever it sends
    outcomes = [outcome for outcome, _ in _audit(engine, "token")]
    assert outcomes.count("refused") == 10 and outcomes.count("throttled") == 3


def test_tokens_expire_are_listed_with_last_use_and_can_be_revoked(db_url):
    engine = _engine_with(db_url, "api")
    short = issue_token(engine, "api", T, name="nightly export", days=1)
    other = issue_token(engine, "api", T, name="dashboard")
    assert user_for_token(engine, short, T + 100).username == "api"
    assert user_for_token(engine, short, T + 86400) is None  # expired
    listed = {row["name"]: row for row in list_tokens(engine, "api", T + 86400)}
    assert listed["nightly export"]["state"] == "expired" and listed["nightly export"]["last_used_at"] == T + 100
    assert listed["dashboard"]["state"] == "live" and listed["dashboard"]["last_used_at"] is None
    assert revoke_token(engine, "api", listed["dashboard"]["id"], T + 10)
    assert not revoke_token(engine, "api", listed["dashboard"]["id"], T + 11)  # once
    assert user_for_token(engine, other, T + 20) is None
    assert list_tokens(engine, "api", T + 20)[0]["state"] == "revoked"


def test_a_disabled_user_cannot_sign_in_or_use_a_session_or_token(db_url):
    engine = _engine_with(db_url, "leaver")
    token = issue_token(engine, "leaver", T)
    session = start_session(engine, user_id(engine, "leaver"), T)
    assert set_disabled(engine, "leaver", True, T + 1) == 1
    assert live_sessions(engine, "leaver") == []
    assert session_user(engine, session, T + 2, 1800, 28800) is None
    assert user_for_token(engine, token, T + 2) is None
    assert store_sign_in(engine, "leaver", PASSWORD, "10.0.0.1", T + 2).user is None
    set_disabled(engine, "leaver", False, T + 3)
    assert user_for_token(engine, token, T + 4) is not None
    assert store_sign_in(engine, "leaver", PASSWORD, "10.0.0.1", T + 4).user is not None


def test_users_commands_for_tokens_and_leavers(db_url, monkeypatch):
    engine = _engine_with(db_url, "ops")
    url = engine.url.render_as_string(hide_password=False)
    run = CliRunner().invoke
    issued = run(cli, ["users", "token", "ops", "--name", "reporting job", "--days", "30", "--db", url])
    assert issued.exit_code == 0
    assert user_for_token(engine, issued.output.strip(), T - 10**9) is not None
    listed = run(cli, ["users", "tokens", "ops", "--db", url])
    assert listed.exit_code == 0 and "reporting job" in listed.output and "live" in listed.output
    token_id = list_tokens(engine, "ops", T)[0]["id"]
    assert run(cli, ["users", "revoke", "ops", str(token_id), "--db", url]).exit_code == 0
    assert run(cli, ["users", "revoke", "ops", str(token_id), "--db", url]).exit_code == 2
    assert run(cli, ["users", "token", "ops", "--days", "400", "--db", url]).exit_code == 2
    assert run(cli, ["users", "disable", "ops", "--db", url]).exit_code == 0
    assert store_sign_in(engine, "ops", PASSWORD, "10.0.0.1", T).user is None
    assert run(cli, ["users", "enable", "ops", "--db", url]).exit_code == 0
    assert run(cli, ["users", "disable", "nobody", "--db", url]).exit_code == 2
    audited = [
        action for action in ("token.issue", "token.revoke", "user.disable", "user.enable") if _audit(engine, action)
    ]
    assert audited == ["token.issue", "token.revoke", "user.disable", "user.enable"]  # each change is on the chain
    assert len(_audit(engine, "token.revoke")) == 1 and verify(engine).intact  # the refused second revoke is not
    monkeypatch.setenv("PRIMARYCARE_NEW_PASSWORD", "Password1")
    common = run(cli, ["users", "passwd", "ops", "--db", url])
    assert common.exit_code == 2 and "most common" in common.output


def test_the_session_cookie_is_secure_outside_demo_mode(sqlite_url):
    engine = _engine_with(sqlite_url, "comm")
    for settings, secure in [
        (Settings(database_url=sqlite_url, secret_key="s" * 48), True),
        (Settings(database_url=sqlite_url, demo=True), False),  # plain http://127.0.0.1 for a newcomer's demo
        (Settings(database_url=sqlite_url, demo=True, https_only_cookies=True), True),
    ]:
        with TestClient(create_app(settings), base_url="https://testserver") as client:
            cookie = sign_in(client, "comm").headers["set-cookie"].lower()
        assert ("; secure" in cookie) is secure and "httponly" in cookie and "samesite=lax" in cookie
    engine.dispose()
