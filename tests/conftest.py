"""Fixtures every kind of test may use: small synthetic economies and a throwaway PostgreSQL server."""

import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from primarycare.ingest.synth.files import write_synthetic
from primarycare.store.throwaway import PostgresNotInstalled, throwaway_postgres


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


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server for the whole session; each test gets its own database in it."""
    try:
        with throwaway_postgres() as url:
            yield url
    except PostgresNotInstalled as missing:
        pytest.fail(str(missing))


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


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request) -> str:
    """Storage and API tests run once against SQLite and once against PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_url")
