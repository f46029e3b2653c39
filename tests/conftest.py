"""Fixtures every kind of test may use: small synthetic economies and a throwaway PostgreSQL server."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from primarycare.ingest.synth.files import write_synthetic


@pytest.fixture(scope="session")
def synth_icb(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synth-icb")
    write_synthetic(folder, practices=40, seed=7, year="2023-24", era="icb")
    return folder


@pytest.fixture(scope="session")
def synth_ccg(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synth-ccg")
    write_synthetic(folder, practices=25, seed=3, year="2021-22", era="ccg")
    return folder


@pytest.fixture
def synth_copy(synth_icb, tmp_path) -> Path:
    """A copy of the small economy that a test may break."""
    return Path(shutil.copytree(synth_icb, tmp_path / "files"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server():
    """Start a throwaway PostgreSQL cluster (as the postgres user when run as root); yield its admin URL."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.fail("PostgreSQL is not installed: run the suite with `make test`, which installs it")
    bindir = Path(found[-1]).parent
    data = Path(tempfile.mkdtemp(prefix="primarycare-pg-"))
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()
    run = lambda *args: subprocess.run([*as_postgres, *args], check=True, capture_output=True)  # noqa: E731
    run(str(bindir / "initdb"), "-D", str(data / "db"), "-A", "trust", "-U", "postgres")
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(str(bindir / "pg_ctl"), "-D", str(data / "db"), "-o", options, "-l", str(data / "log"), "-w", "start")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data / "db"), "-m", "immediate", "stop")
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh database per test, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{postgres_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"{postgres_server}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'primarycare.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    """Storage and API tests run once against SQLite and once against PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_url")
