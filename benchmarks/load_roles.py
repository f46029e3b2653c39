"""Load and crash run (issue: reliability and security): 200 concurrent signed-in users of every role working
through their main pages for 10 minutes, against the real server (uvicorn workers on loopback) on SQLite and on
PostgreSQL; then the server killed with SIGKILL in the middle of that load, and `primarycare load` killed with
SIGKILL in the middle of an England-scale ingest.

Each user signs in through the login form (CSRF and all) and loops over its role's pages with a think time
(--think seconds on average, 5 by default: people read a page before the next; 0 for a closed loop):
commissioners the economy, payments, OOH reports, measures, attention and contracts; governance leads the
governance pages and registers; practice users their practice, payments, notes and messages; call handlers and
clinicians the queue and cases, clinicians also reading a patient's notes (an audited read) and recording an
event (a write); privacy officers the alerts; admins a mix.
Every answer must be 2xx; p50/p95/p99 per database. The baseline is a bare FastAPI endpoint served the same way in
the same run, driven by the same 200 users with the same think time.

Crash checks: writes acknowledged before the kill are all there afterwards, the audit chain verifies, SQLite's
integrity check passes, and the server serves again; a load killed mid-transaction leaves the previous economy.

Usage: python benchmarks/load_roles.py [--users 200] [--seconds 600] [--workers 4] [--think 5] [--practices 300]
       [--england 6500]
"""

import argparse
import asyncio
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp
import numpy as np
from sqlalchemy import create_engine, func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.integration.access_world import PASSWORD, build_world  # noqa: E402
from tests.integration.servers import free_port, kill, kill_load_mid_write, start_server  # noqa: E402
from urgentcare_load import serve  # noqa: E402

from primarycare.ingest.synth.files import write_synthetic  # noqa: E402
from primarycare.store import tables as t  # noqa: E402
from primarycare.store.audit import verify  # noqa: E402
from primarycare.store.engine import make_engine  # noqa: E402
from primarycare.store.throwaway import throwaway_postgres  # noqa: E402
from primarycare.store.tokens import issue_token  # noqa: E402

SHARE = {  # of the users, by role
    "commissioner": 0.2,
    "governance_lead": 0.1,
    "practice_user": 0.2,
    "ooh_call_handler": 0.15,
    "ooh_clinician": 0.2,
    "privacy_officer": 0.05,
    "admin": 0.1,
}


def pages(role: str, p: dict) -> list[str]:
    """The role's main pages, in the order a user works through them."""
    return {
        "commissioner": ["/economy", "/payments", "/ooh/reports", "/measures", "/attention", "/contracts",
                         f"/practices/{p['code']}"],
        "governance_lead": ["/governance", "/governance/registers", f"/governance/meetings/{p['meeting_id']}",
                            "/public/decisions"],
        "practice_user": [f"/practices/{p['code']}", f"/payments/practices/{p['code']}", "/practice/notes",
                          "/practice/messages", f"/practices/{p['code']}/summary"],
        "ooh_call_handler": ["/ooh/queue", "/ooh/queue/rows", "/ooh/cases/new", f"/ooh/cases/{p['case_id']}"],
        "ooh_clinician": ["/ooh/queue", f"/ooh/cases/{p['case_id']}", "read-notes", "record-event"],
        "privacy_officer": ["/privacy/alerts", f"/privacy/patients/{p['patient_id']}/audit"],
        "admin": ["/economy", "/governance", "/ooh/queue", "/measures"],
    }[role]  # fmt: skip


def add_users(url: str, usernames: dict[str, str], count: int) -> list[tuple[str, str]]:
    """`count` users shared among the roles, each a copy of the world's user of that role (same links, same
    password hash: argon2 200 times is slow); (username, role) each."""
    engine = make_engine(url)
    made = []
    with engine.begin() as conn:
        users = t.app_user
        for role, share in SHARE.items():
            model = conn.execute(select(users).where(users.c.username == usernames[role])).mappings().first()
            rows = []
            for i in range(max(1, round(count * share))):
                row = {k: v for k, v in model.items() if k != "id"} | {"username": f"{role}-{i}"}
                rows.append(row)
                made.append((row["username"], role))
            conn.execute(insert(users), rows)
    engine.dispose()
    return made


class Jar:
    """The session cookie kept by hand: outside demo mode it is Secure, which aiohttp will not send over plain
    http to 127.0.0.1 (a browser would: it treats localhost as secure)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def keep(self, response: aiohttp.ClientResponse) -> None:
        self.cookies.update({name: morsel.value for name, morsel in response.cookies.items()})


async def sign_in(session: aiohttp.ClientSession, base: str, username: str, jar: Jar) -> None:
    async with session.get(f"{base}/login", headers=jar.header()) as form:
        jar.keep(form)
        token = re.search(r'name="csrf_token" value="([^"]+)"', await form.text()).group(1)
    data = {"username": username, "password": PASSWORD, "csrf_token": token, "next": "/economy"}
    async with session.post(f"{base}/login", data=data, headers=jar.header(), allow_redirects=False) as signed:
        jar.keep(signed)
        assert signed.status == 303, f"{username} could not sign in: {signed.status}"


async def drive(
    base: str, users, params: dict, tokens: dict, seconds: float, think: float, bare: bool, acked: dict | None = None
) -> dict:
    latencies, statuses, errors = [], Counter(), Counter()
    acked = {"events": 0} if acked is None else acked
    by_page: dict[str, list[float]] = {}
    stop = time.monotonic() + seconds

    async def user(username: str, role: str) -> None:
        jar = Jar()
        # idle connections closed before uvicorn's own 5 s keep-alive ends them, so a request is never sent on a
        # connection the server is closing (a client, or a proxy, must keep its idle time below the server's)
        connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=3)
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(), connector=connector) as session:
            if not bare:
                await sign_in(session, base, username, jar)
            await asyncio.sleep(think * random.random())
            step, route = 0, (["/ping"] if bare else pages(role, params))
            token, own_case = tokens.get(username, ("", params.get("case_id")))
            headers = {"Authorization": f"Bearer {token}"}
            while time.monotonic() < stop:
                page = route[step % len(route)]
                if bare:
                    request = session.get(f"{base}/ping")
                elif page == "read-notes":
                    request = session.get(f"{base}/api/patients/{params['nhs_number']}/notes", headers=headers)
                elif page == "record-event":
                    event = {"kind": "priority_set", "value": ("urgent", "less_urgent")[step % 2]}
                    request = session.post(f"{base}/api/cases/{own_case}/events", json=event, headers=headers)
                else:
                    request = session.get(f"{base}{page}", headers=jar.header(), allow_redirects=False)
                began = time.perf_counter()
                try:
                    async with request as response:
                        await response.read()
                        jar.keep(response)
                        statuses[response.status] += 1
                        signed_out = response.headers.get("location", "").startswith("/login")
                        if response.status >= 400 or signed_out:
                            detail = (await response.text())[:80] if response.status >= 400 else "to sign-in"
                            errors[f"{role} {page} {response.status} {detail}"] += 1
                        elif page == "record-event":
                            acked["events"] += 1
                except aiohttp.ClientError as error:
                    errors[f"{role} {page} {type(error).__name__}"] += 1
                latencies.append(time.perf_counter() - began)
                by_page.setdefault(re.sub(r"/\d+", "/N", page), []).append(latencies[-1])
                step += 1
                if think:
                    await asyncio.sleep(think * (0.5 + random.random()))

    began = time.monotonic()
    await asyncio.gather(*(user(name, role) for name, role in users))
    elapsed = time.monotonic() - began
    ms = np.array(latencies) * 1000
    return {
        "requests": len(latencies), "throughput": len(latencies) / elapsed,
        "p50": float(np.percentile(ms, 50)), "p95": float(np.percentile(ms, 95)), "p99": float(np.percentile(ms, 99)),
        "errors": sum(errors.values()), "error_kinds": dict(errors.most_common(8)), "statuses": dict(statuses),
        "acked_events": acked["events"],
        "slowest": sorted(((float(np.percentile(v, 95)) * 1000, k) for k, v in by_page.items()), reverse=True)[:6],
    }  # fmt: skip


def report(name: str, r: dict) -> None:
    print(
        f"{name:>12}: {r['throughput']:7.1f} req/s  p50 {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms  "
        f"p99 {r['p99']:7.1f} ms  errors {r['errors']} {r['error_kinds'] or ''} ({r['requests']} requests)",
        flush=True,
    )
    if r.get("slowest"):
        print("              slowest pages by p95: " + ", ".join(f"{page} {ms:.0f} ms" for ms, page in r["slowest"]))


def events_stored(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        count = conn.execute(
            select(func.count()).select_from(t.ooh_case_event).where(t.ooh_case_event.c.kind == "priority_set")
        ).scalar_one()
    engine.dispose()
    return count


def crash_server(url: str, users, params: dict, tokens: dict, think: float) -> str:
    """Kill -9 the server mid-load, once 100 writes have been acknowledged; then check acknowledged writes,
    consistency and a restart."""
    before = events_stored(url)
    port = free_port()
    server = start_server(url, port)
    base = f"http://127.0.0.1:{port}"

    async def run() -> dict:
        acked = {"events": 0}
        load = asyncio.create_task(drive(base, users, params, tokens, 300, think, False, acked))
        deadline = time.monotonic() + 240
        while acked["events"] < 100 and time.monotonic() < deadline:  # the users are signed in and writing
            await asyncio.sleep(0.5)
        await asyncio.sleep(5 * random.random())
        kill(server)  # mid-load: the users are still sending
        await asyncio.sleep(1)  # requests in flight fail; no new write can be acknowledged now
        load.cancel()
        return acked

    acked = asyncio.run(run())
    engine = make_engine(url)
    with engine.connect() as conn:
        sound = engine.dialect.name != "sqlite" or conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    verdict = verify(engine)
    engine.dispose()
    after = events_stored(url)
    restarted = start_server(url, port)
    kill(restarted)
    kept = after - before >= acked["events"]
    assert kept and sound and verdict.intact, (after - before, acked["events"], sound, verdict)
    return (
        f"{acked['events']} events acknowledged before the kill, {after - before} stored (none missing); "
        f"integrity {'ok' if sound else 'BROKEN'}; audit chain intact ({verdict.records:,} records); restarted"
    )


def crash_load(url: str, folder: Path, england: int) -> str:
    """Kill -9 `primarycare load` of an England-scale economy mid-transaction over a small one."""
    small, big = folder / "small", folder / "england"
    write_synthetic(small, practices=20, seed=1, year="2023-24")
    write_synthetic(big, practices=england, seed=2, year="2023-24")
    killed_at = kill_load_mid_write(url, small, big)
    engine = make_engine(url)
    with engine.connect() as conn:
        practices = conn.execute(select(func.count()).select_from(t.practice)).scalar_one()
        sound = engine.dialect.name != "sqlite" or conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    intact = verify(engine).intact
    engine.dispose()
    began = time.monotonic()
    command = [str(Path(sys.executable).with_name("primarycare")), "load", str(big), "--db", url]
    again = subprocess.run(command, capture_output=True, text=True)
    assert practices == 20 and sound and intact and again.returncode == 0, (practices, sound, intact, again.stderr)
    return (
        f"killed {killed_at:.1f} s into loading {england:,} practices (mid-transaction): 20 practices stand, "
        f"integrity {'ok' if sound else 'BROKEN'}, audit chain intact; "
        f"a new load then took {time.monotonic() - began:.1f} s"
    )


def clinician_cases(world, users) -> tuple[dict, dict]:
    """Each clinician user its own open case for the patient with notes (a copy of the world clinician's assigned
    case), so each notes read is granted and audited and no two clinicians record on one case; and its API token.
    Returns the parameters (that patient) and {username: (token, case id)}."""
    engine = make_engine(world.url)
    c = t.ooh_case.c
    with engine.begin() as conn:
        model_user = conn.execute(
            select(t.app_user.c.id).where(t.app_user.c.username == world.usernames["ooh_clinician"])
        ).scalar_one()
        model = (
            conn.execute(
                select(t.ooh_case)
                .where(
                    c.assigned_to == model_user, c.closed_at.is_(None), c.nhs_number.in_(select(t.patient.c.nhs_number))
                )
                .order_by(c.id)
                .limit(1)
            )
            .mappings()
            .one()
        )
        ids = dict(conn.execute(select(t.app_user.c.username, t.app_user.c.id)).all())
        cases = {}
        for username, role in users:
            if role == "ooh_clinician":
                row = {k: v for k, v in model.items() if k != "id"}
                row |= {"case_ref": f"LOAD-{username}", "assigned_to": ids[username]}
                cases[username] = conn.execute(insert(t.ooh_case).values(**row)).inserted_primary_key[0]
    tokens = {username: (issue_token(engine, username), case_id) for username, case_id in cases.items()}
    engine.dispose()
    return {**world.params, "case_id": model["id"], "nhs_number": model["nhs_number"]}, tokens


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--think", type=float, default=5.0, help="seconds between a user's pages, on average")
    parser.add_argument("--bare-seconds", type=float, default=60, help="how long to drive the bare endpoint")
    parser.add_argument("--practices", type=int, default=300)
    parser.add_argument("--england", type=int, default=6500)
    args = parser.parse_args()
    secret = {"PRIMARYCARE_SECRET_KEY": "load-test-" + "x" * 40}
    results, crashes = {}, []
    with tempfile.TemporaryDirectory() as tmp, throwaway_postgres() as server:
        folder = Path(tmp)
        write_synthetic(folder / "synth", practices=args.practices, seed=7, year="2023-24", era="icb")
        admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in ("roles", "ingest"):
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        databases = {"sqlite": None, "postgresql": f"{server}/roles"}
        bare_users = [(f"u{i}", "admin") for i in range(args.users)]
        bare_port = free_port()
        bare_server = serve("_bare:app", bare_port, args.workers, {})
        try:
            results["bare"] = asyncio.run(
                drive(f"http://127.0.0.1:{bare_port}", bare_users, {}, {}, args.bare_seconds, args.think, bare=True)
            )
        finally:
            bare_server.terminate()
            bare_server.wait(timeout=30)
        report("bare", results["bare"])
        for name, url in databases.items():
            (folder / name).mkdir()
            world = build_world(folder / name, folder / "synth", url)
            users = add_users(world.url, world.usernames, args.users)
            params, tokens = clinician_cases(world, users)

            env = {**secret, "PRIMARYCARE_DATABASE_URL": world.url}
            port = free_port()
            process = serve("primarycare.web.asgi:app_from_env", port, args.workers, env)
            try:
                results[name] = asyncio.run(
                    drive(f"http://127.0.0.1:{port}", users, params, tokens, args.seconds, args.think, False)
                )
            finally:
                process.terminate()
                process.wait(timeout=30)
            report(name, results[name])
            crashes.append(
                f"{name}, server killed mid-load: " + crash_server(world.url, users, world.params, tokens, args.think)
            )
            print(crashes[-1], flush=True)
        for name, url in (("sqlite", f"sqlite:///{folder / 'ingest.db'}"), ("postgresql", f"{server}/ingest")):
            (folder / f"ingest-{name}").mkdir()
            crashes.append(
                f"{name}, load killed mid-ingest: " + crash_load(url, folder / f"ingest-{name}", args.england)
            )
            print(crashes[-1], flush=True)
    bare = results["bare"]
    for name in databases:
        r = results[name]
        print(
            f"{name}: {args.users} users for {args.seconds:g} s, think {args.think:g} s: {r['requests']} requests, "
            f"{r['throughput']:.1f} req/s, p95 {r['p95']:.1f} ms (bare endpoint p95 {bare['p95']:.1f} ms), "
            f"{r['errors']} errors"
        )
    worst = max(results[name]["p95"] for name in databases)
    print(f"RESULT load_roles_p95_ms={worst:.1f} baseline={bare['p95']:.1f} ratio={worst / bare['p95']:.2f}")


if __name__ == "__main__":
    main()
