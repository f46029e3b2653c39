"""Out-of-hours load benchmark: 200 concurrent clinicians against the real server (several uvicorn workers on
loopback) on SQLite and on PostgreSQL, and a bare FastAPI endpoint served the same way as the ceiling, in one run.

Each clinician works through its own two open cases (assigned to it) in a loop: the queue page, one of its case
pages (which shows the patient's special notes: an audited read), the notes through the API (another audited read)
and an event on the case (a priority set through the API), as fast as the server answers (closed loop: every
figure is the server's capacity, not a think-time pace). Prints throughput, p50/p95/p99 and errors per database,
the ratio of throughput to the bare endpoint's, and RESULT lines. Goal (issue: out-of-hours part 1): >= 0.5x the bare
endpoint's throughput, p95 <= 100 ms, zero errors; and `audit verify` over the chain the run wrote at >= 100,000
records a second (issue: out-of-hours part 2).

A second, paced run per database has each clinician act every --think seconds on average (open loop), for the
latencies a service with 200 clinicians at work would see.

Usage: python benchmarks/urgentcare_load.py [--clinicians 200] [--seconds 30] [--workers 4] [--think 5]
"""

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aiohttp
import numpy as np
from sqlalchemy import create_engine, insert, select, text

from primarycare.ingest.folder import read_folder
from primarycare.ingest.synth.cases import registered, synthetic_cases
from primarycare.ingest.synth.files import write_synthetic
from primarycare.store import tables as t
from primarycare.store.audit import Record, append_many, verify
from primarycare.store.cases import add_provider, find_cases, insert_cases
from primarycare.store.engine import make_engine
from primarycare.store.load import save_economy
from primarycare.store.notes import write_note
from primarycare.store.throwaway import throwaway_postgres
from primarycare.store.tokens import issue_token
from primarycare.store.users import create_user
from primarycare.urgentcare.notes import NoteDraft
from primarycare.urgentcare.rules import load_rules

HERE = Path(__file__).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(url: str, folder: Path, clinicians: int) -> list[tuple[str, list[int]]]:
    """An economy, one provider with a month of closed cases and two open cases per clinician; (token, case ids)
    per clinician."""
    engine = make_engine(url)
    economy = read_folder(folder)
    save_economy(engine, economy)
    add_provider(engine, "OOH1", "Load-test OOH", [c.code for c in economy.commissioners], ["Base"])
    now = datetime.now(UTC)
    rules = load_rules()
    history = synthetic_cases(
        provider_code="OOH1", registered=registered(economy), start=now - timedelta(days=30), now=now,
        rules=rules, seed=1,
    )  # fmt: skip
    insert_cases(engine, history, rules.national)
    create_user(engine, "clinician0", "load-test-password", "ooh_clinician", provider_code="OOH1")
    with engine.begin() as conn:  # the same password hash for every clinician: argon2 200 times is slow
        digest = conn.execute(t.app_user.select().where(t.app_user.c.username == "clinician0")).first().password_hash
        conn.execute(
            insert(t.app_user),
            [
                {"username": f"clinician{i}", "password_hash": digest, "role": "ooh_clinician",
                 "provider_code": "OOH1", "created_at": now}
                for i in range(1, clinicians)
            ],
        )  # fmt: skip
    # two open cases per clinician, assigned to them: patients of the history calling again within the last hour
    with engine.connect() as conn:
        ids_by_name = dict(conn.execute(select(t.app_user.c.username, t.app_user.c.id)).all())
    open_cases = [
        replace(
            history[i % len(history)],
            ref=f"L{i}",
            assigned_to=ids_by_name[f"clinician{i // 2}"],
            assigned_at=now - timedelta(minutes=45),
            received_at=now - timedelta(minutes=50),
            passed_at=None,
            answered_at=now - timedelta(minutes=50),
            transfer_999_at=None,
            assessment_started_at=None,
            priority_set=None,
            priority_set_at=None,
            face_to_face_type=None,
            face_to_face_booked_at=None,
            face_to_face_started_at=None,
            closed_at=None,
            outcome=None,
            message_delivered_at=None,
        )
        for i in range(2 * clinicians)
    ]
    ids = insert_cases(engine, open_cases, rules.national)
    # each of those patients has a palliative note from the practice (so every notes read is granted and audited)
    gp = create_user(engine, "gp", "load-test-password", "practice_user", open_cases[0].practice_code)
    plan = NoteDraft("palliative", {"cpr_decision": "DNACPR", "preferred_place_of_death": "Home"}, date(2030, 1, 1))
    for number in {c.patient.nhs_number for c in open_cases}:
        patient = {"nhs_number": number, "name": "Load Test", "birth_date": None, "practice_code": gp.practice_code}
        write_note(engine, gp, plan, patient=None, new_patient=patient)
    with engine.connect() as conn:
        assert len(find_cases(conn, ["OOH1"], status="open")) >= len(ids)
    engine.dispose()
    numbers = {case_id: c.patient.nhs_number for case_id, c in zip(ids, open_cases, strict=True)}
    return [
        (issue_token(make_engine(url), f"clinician{i}"), [(c, numbers[c]) for c in ids[2 * i : 2 * i + 2]])
        for i in range(clinicians)
    ]


def extend_chain(engine, count: int) -> None:
    """More notes reads on the chain (the same records the server writes), so the verify rate is not all start-up."""
    now = datetime.now(UTC)
    records = [
        (Record(action="note.read", outcome="granted", user_id=1 + i % 200, username=f"clinician{i % 200}",
                role="ooh_clinician", patient_id=1 + i % 400, subject=f"patient:{1 + i % 400}",
                reason="relationship", detail={"notes": [1 + i % 400]}), now)
        for i in range(count)
    ]  # fmt: skip
    with engine.begin() as conn:
        append_many(conn, records)


def serve(target: str, port: int, workers: int, env: dict) -> subprocess.Popen:
    command = [sys.executable, "-m", "uvicorn", "--factory", target, "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--log-level", "warning", "--app-dir", str(HERE)]  # fmt: skip
    process = subprocess.Popen(command, env={**os.environ, **env})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                time.sleep(2)  # let every worker come up
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{target} did not start")


async def drive(base: str, users: list, seconds: float, bare: bool, think: float = 0.0) -> dict:
    latencies: list[float] = []
    errors = 0
    statuses: Counter = Counter()
    stop = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def clinician(token: str, cases: list[int]) -> None:
            nonlocal errors
            headers = {"Authorization": f"Bearer {token}"}
            step = 0
            if think:  # clinicians start at their own moments, not all at the same instant
                await asyncio.sleep(think * random.random())
            while time.monotonic() < stop:
                case_id, nhs_number = cases[step % len(cases)]
                if bare:
                    request = session.get(f"{base}/ping")
                elif step % 4 == 0:
                    request = session.get(f"{base}/ooh/queue", headers=headers)
                elif step % 4 == 1:  # the case page shows the patient's notes: an audited read
                    request = session.get(f"{base}/ooh/cases/{case_id}", headers=headers)
                elif step % 4 == 2:
                    request = session.get(f"{base}/api/patients/{nhs_number}/notes", headers=headers)
                else:
                    priority = ("urgent", "less_urgent")[step % 2]
                    event = {"kind": "priority_set", "value": priority}
                    request = session.post(f"{base}/api/cases/{case_id}/events", json=event, headers=headers)
                began = time.perf_counter()
                try:
                    async with request as response:
                        await response.read()
                        statuses[response.status] += 1
                        if response.status >= 400:
                            errors += 1
                except aiohttp.ClientError:
                    errors += 1
                latencies.append(time.perf_counter() - began)
                step += 1
                if think:  # a clinician reads the page before the next action (open loop at 1/think per clinician)
                    await asyncio.sleep(think * (0.5 + random.random()))

        began = time.monotonic()
        await asyncio.gather(*(clinician(token, cases) for token, cases in users))
        elapsed = time.monotonic() - began
    ms = np.array(latencies) * 1000
    return {
        "requests": len(latencies),
        "throughput": len(latencies) / elapsed,
        "p50": float(np.percentile(ms, 50)),
        "p95": float(np.percentile(ms, 95)),
        "p99": float(np.percentile(ms, 99)),
        "errors": errors,
        "statuses": dict(statuses),
    }


def measure(
    name: str, target: str, env: dict, users, seconds: float, workers: int, bare: bool, think: float = 0.0
) -> dict:
    port = free_port()
    process = serve(target, port, workers, env)
    try:
        result = asyncio.run(drive(f"http://127.0.0.1:{port}", users, seconds, bare, think))
    finally:
        process.terminate()
        process.wait(timeout=30)
    print(
        f"{name:>10}: {result['throughput']:8.1f} req/s  p50 {result['p50']:7.1f} ms  p95 {result['p95']:7.1f} ms  "
        f"p99 {result['p99']:7.1f} ms  errors {result['errors']}  "
        f"({result['requests']} requests; statuses {result['statuses']})",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clinicians", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--practices", type=int, default=60)
    parser.add_argument("--audit-records", type=int, default=200_000)
    parser.add_argument(
        "--think",
        type=float,
        default=5.0,
        help="also a paced run: each clinician acts every THINK s on average (0: no)",
    )
    args = parser.parse_args()
    secret = {"PRIMARYCARE_SECRET_KEY": "load-test-" + "x" * 40}
    results, audit = {}, {}
    with tempfile.TemporaryDirectory() as tmp, throwaway_postgres() as server:
        folder = Path(tmp) / "economy"
        write_synthetic(folder, practices=args.practices, seed=1, year="2023-24")
        sqlite_url = f"sqlite:///{Path(tmp) / 'load.db'}"
        admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('CREATE DATABASE "load"'))
        admin.dispose()
        databases = {"sqlite": sqlite_url, "postgresql": f"{server}/load"}
        target = "primarycare.web.asgi:app_from_env"
        results["bare"] = measure("bare", "_bare:app", {}, [("", [(0, "")])] * args.clinicians, args.seconds,
                                  args.workers, bare=True)  # fmt: skip
        for name, url in databases.items():
            users = prepare(url, folder, args.clinicians)
            env = {**secret, "PRIMARYCARE_DATABASE_URL": url}
            results[name] = measure(name, target, env, users, args.seconds, args.workers, bare=False)
            if args.think:
                paced = measure(f"{name} paced", target, env, users, args.seconds, args.workers, False, args.think)
                results[f"{name}_paced"] = paced
            engine = make_engine(url)
            for label in ("the run's chain", f"the run's chain + {args.audit_records:,} more"):
                started = time.perf_counter()
                verdict = verify(engine)
                seconds = time.perf_counter() - started
                assert verdict.intact, verdict
                audit[name] = verdict.records / seconds
                print(f"{name:>10}: audit verify, {label}: {verdict.records:,} records in {seconds:.3f} s "
                      f"= {audit[name]:,.0f}/s", flush=True)  # fmt: skip
                if label == "the run's chain":
                    extend_chain(engine, args.audit_records)
            engine.dispose()
    bare = results["bare"]["throughput"]
    for name in databases:
        r = results[name]
        print(
            f"{name}: {r['throughput']:.1f} req/s = {r['throughput'] / bare:.2f}x the bare endpoint's {bare:.1f} req/s "
            f"(goal 0.5x); p95 {r['p95']:.1f} ms (goal <= 100 ms); {r['errors']} errors (goal 0)"
        )
    for name in databases:
        r = results[name]
        print(f"RESULT urgentcare_load_{name}_p95_ms={r['p95']:.1f} baseline=100 ratio={r['p95'] / 100:.2f}")
    for name in databases:
        if f"{name}_paced" in results:
            r = results[f"{name}_paced"]
            print(f"{name}, each clinician acting every {args.think:g} s on average: {r['throughput']:.1f} req/s, "
                  f"p95 {r['p95']:.1f} ms, {r['errors']} errors")  # fmt: skip
    slowest = min(audit.values())
    print(f"RESULT audit_verify_records_per_s={slowest:.0f} baseline=100000 ratio={slowest / 100_000:.2f}")
    worst = min(results[name]["throughput"] for name in databases)
    print(f"RESULT urgentcare_load_throughput={worst:.1f} baseline={bare:.1f} ratio={worst / bare:.3f}")


if __name__ == "__main__":
    main()
