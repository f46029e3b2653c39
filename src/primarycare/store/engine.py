"""Engines are made on request from an explicit URL; nothing is created at import time."""

from sqlalchemy import Engine, create_engine, event

DEFAULT_URL = "sqlite:///primarycare.db"


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    # SQLite: a writer waits up to 30 s for another's lock (several web workers share one file)
    options = {"connect_args": {"timeout": 30}} if url.startswith("sqlite") else {}
    engine = create_engine(url, future=True, hide_parameters=True, **options)  # no patient data in error logs
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # in WAL: commits survive a process crash; no fsync per commit
    cursor.execute("PRAGMA cache_size=-131072")  # 128 MiB of page cache: loads of a few hundred thousand rows
    cursor.close()
