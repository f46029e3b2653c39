"""Backups and restores: SQLite through its online backup API (consistent while the app keeps writing), PostgreSQL
through its own pg_dump and pg_restore (custom format, restored in one transaction by psql). A backup is written to a
temporary file and renamed, so a failed one leaves no half file under the name asked for."""

import glob
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    pass


def backup(engine: Engine, out: Path) -> None:
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_copy(_sqlite_path(engine), partial)
        else:
            _run("pg_dump", "--format=custom", "--no-owner", f"--file={partial}", engine=engine)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's contents with the backup's. Checks the file is a backup of the right kind first."""
    with source.open("rb") as file:
        head = file.read(16)
    if engine.dialect.name == "sqlite":
        if head != SQLITE_MAGIC:
            raise BackupError(f"{source}: not a SQLite backup (restore a PostgreSQL dump into PostgreSQL)")
        engine.dispose()  # no pooled connection of ours holds the old file open while it is replaced
        _check_sqlite(source)
        _sqlite_copy(source, _sqlite_path(engine))
    else:
        if not head.startswith(PG_MAGIC):
            raise BackupError(f"{source}: not a PostgreSQL dump made by 'primarycare db backup'")
        engine.dispose()
        _restore_postgres(source, engine)


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return Path(database)


def _sqlite_copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)  # one step: a consistent copy, whatever other connections write meanwhile
    finally:
        dst.close()
        src.close()


def _check_sqlite(path: Path) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        schema = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path}: {error}") from None
    finally:
        conn.close()
    if verdict != "ok" or not schema:
        raise BackupError(f"{path}: not a sound primarycare backup ({verdict if verdict != 'ok' else 'no schema'})")


# Every table, sequence and view of the schema, dropped (a partitioned table takes its partitions, a table its
# sequences and indexes); the schema itself stays, so a user who owns the tables but not the schema can restore.
EMPTY_SCHEMA = """
DO $$
DECLARE item record;
BEGIN
    FOR item IN
        SELECT relname, CASE relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END AS kind
        FROM pg_class
        WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p', 'S', 'v') AND NOT relispartition
    LOOP
        EXECUTE format('DROP %s IF EXISTS %I CASCADE', item.kind, item.relname);
    END LOOP;
END $$
"""


def _restore_postgres(source: Path, engine: Engine) -> None:
    """pg_restore's own --clean cannot drop a partition's primary key (it belongs to the partitioned table's key), so
    the dump is first written out whole as a script (a broken file fails here and changes nothing), then psql empties
    the schema and runs the script, all in one transaction."""
    with tempfile.TemporaryDirectory(prefix="primarycare-restore-") as folder:
        script = Path(folder) / "restore.sql"
        _run("pg_restore", "--no-owner", f"--file={script}", str(source), engine=None)
        _run(
            "psql",
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "--single-transaction",
            f"--command={EMPTY_SCHEMA}",
            f"--file={script}",
            engine=engine,
        )


def _run(tool: str, *args: str, engine: Engine | None) -> None:
    """Run one of PostgreSQL's programs, on the engine's database unless ``engine`` is None."""
    env, database = dict(os.environ), []
    if engine is not None:
        url = make_url(engine.url.render_as_string(hide_password=False))
        env["PGPASSWORD"] = url.password or ""
        database = [f"--dbname={url.set(drivername='postgresql', password=None).render_as_string(hide_password=False)}"]
    done = subprocess.run([_binary(tool), *args, *database], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip()[-2000:]}")


def _binary(tool: str) -> str:
    """The newest installed version (it must be at least the server's), else whatever is on PATH."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"), key=lambda p: int(Path(p).parts[4]))
    on_path = shutil.which(tool)
    if not found and not on_path:
        raise BackupError(f"{tool} not found: install PostgreSQL's client tools (apt-get install postgresql-client)")
    return found[-1] if found else on_path
