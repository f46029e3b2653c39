"""Servers and loads in their own process groups, started and killed as an operator (or a crash) would: shared
by the crash tests and benchmarks/load_roles.py."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import text

from primarycare.store.engine import make_engine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "PRIMARYCARE_DATABASE_URL": url, "PRIMARYCARE_SECRET_KEY": "crash-test-" + "k" * 40}
    command = [sys.executable, "-m", "uvicorn", "--factory", "primarycare.web.asgi:app_from_env",
               "--host", "127.0.0.1", "--port", str(port), "--workers", "2", "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(command, env=env, start_new_session=True)  # its own group: SIGKILL reaches workers
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    kill(server)
    raise RuntimeError("the server did not start")


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def wait_for_the_write(url: str, loading: subprocess.Popen, practices_before: int) -> bool:
    """Return True once the load's transaction is writing and has not committed: on SQLite, the database's write
    lock is held while a reader still sees the practices there were before (`practices_before`; the load's first
    write deletes them, so the lock means its transaction is under way; its pages stay in its cache until the
    commit, so the write-ahead log's size says nothing); on PostgreSQL, its session is running an INSERT, COPY or
    DELETE inside an open transaction. False when the load ended first: the commit won the race, as it still may
    with the kill that follows; kill_load_mid_write tries again either way."""
    engine = make_engine(url) if url.startswith("postgresql") else None
    database = Path(url.removeprefix("sqlite:///"))
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            if loading.poll() is not None:
                return False
            if engine is None:
                if _write_locked(database) and _practices(database) == practices_before:
                    return True
            else:
                with engine.connect() as conn:
                    busy = conn.execute(
                        text(
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND pid <> pg_backend_pid() AND state = 'active' AND xact_start IS NOT NULL "
                            "AND query ~* '^\\s*(insert|copy|delete)'"
                        )
                    ).scalar_one()
                if busy:
                    return True
            time.sleep(0.002)
        raise AssertionError("the load was not seen writing within 5 minutes")
    finally:
        if engine is not None:
            engine.dispose()


def _practices(database: Path) -> int:
    reader = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1)
    try:
        return reader.execute("SELECT count(*) FROM practice").fetchone()[0]
    finally:
        reader.close()


def _write_locked(database: Path) -> bool:
    probe = sqlite3.connect(database, timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.rollback()
        return False
    except sqlite3.OperationalError:  # database is locked: a writer holds it
        return True
    finally:
        probe.close()


def kill_load_mid_write(url: str, before: Path, loading: Path, attempts: int = 3) -> float:
    """Load `before`, then start `primarycare load loading` over it and kill it with SIGKILL mid-transaction;
    returns the seconds into the load when it was killed. Tries again (from `before`) when the commit won the
    race with the kill; fails when it never loses."""
    from sqlalchemy import func, select

    from primarycare.ingest.folder import read_folder
    from primarycare.store import tables as t
    from primarycare.store.load import save_economy

    economy = read_folder(before)
    command = [str(Path(sys.executable).with_name("primarycare")), "load", str(loading), "--db", url]
    for _ in range(attempts):
        engine = make_engine(url)
        save_economy(engine, economy)
        engine.dispose()
        started = time.monotonic()
        process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        seen = wait_for_the_write(url, process, len(economy.practices))
        if seen:
            kill(process)
        killed_at = time.monotonic() - started
        engine = make_engine(url)
        with engine.connect() as conn:
            practices = conn.execute(select(func.count()).select_from(t.practice)).scalar_one()
        engine.dispose()
        if seen and practices == len(economy.practices):
            return killed_at
    raise AssertionError(f"the load committed before each of {attempts} kills")
