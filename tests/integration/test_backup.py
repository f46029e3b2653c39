"""`primarycare db backup` and `db restore` on SQLite (online backup API) and PostgreSQL (pg_dump / pg_restore):
a backup taken while another connection keeps writing restores to a consistent database whose audit chain
verifies; a wrong or broken file is refused and changes nothing; a tampered chain is reported after a restore."""

import threading
import uuid

from sqlalchemy import func, select, text, update
from typer.testing import CliRunner

from primarycare.cli import app as cli
from primarycare.ingest.folder import read_folder
from primarycare.store import tables as t
from primarycare.store.audit import Record, append, verify
from primarycare.store.engine import make_engine
from primarycare.store.load import save_economy
from primarycare.store.migrate import upgrade
from primarycare.store.users import create_user

PASSWORD = "correct-horse-battery"


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _write_audit_until(engine, stop: threading.Event, written: list[int]) -> None:
    while not stop.is_set():
        with engine.begin() as conn:
            append(conn, Record(action="test", outcome="written", detail={"n": len(written)}))
        written.append(1)


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_a_backup_taken_during_writes_restores_with_an_intact_chain(db_url, synth_icb, tmp_path):
    engine = make_engine(db_url)
    upgrade(engine)
    save_economy(engine, read_folder(synth_icb))
    create_user(engine, "kept", PASSWORD, "commissioner")
    stop, written = threading.Event(), []
    writer = threading.Thread(target=_write_audit_until, args=(make_engine(db_url), stop, written))
    writer.start()
    try:
        while len(written) < 20:  # the backup starts while records are being appended
            stop.wait(0.01)
        backup = tmp_path / "primarycare.backup"
        taken = CliRunner().invoke(cli, ["db", "backup", "--db", _url(engine), "--out", str(backup)])
    finally:
        stop.set()
        writer.join()
    assert taken.exit_code == 0, taken.output
    assert backup.exists() and not (tmp_path / "primarycare.backup.partial").exists()
    practices = _count(engine, t.practice)

    create_user(engine, "after-the-backup", PASSWORD, "commissioner")  # a change the restore takes away
    restored = CliRunner().invoke(cli, ["db", "restore", "--db", _url(engine), "--from", str(backup)])
    assert restored.exit_code == 0, restored.output
    assert "audit chain intact" in restored.output
    with engine.connect() as conn:
        users = set(conn.execute(select(t.app_user.c.username)).scalars())
    assert "kept" in users and "after-the-backup" not in users
    assert _count(engine, t.practice) == practices
    verdict = verify(engine)
    assert verdict.intact and 20 <= verdict.records <= len(written) + 10


def test_a_file_that_is_not_a_backup_is_refused_and_changes_nothing(db_url, tmp_path):
    engine = make_engine(db_url)
    upgrade(engine)
    create_user(engine, "kept", PASSWORD, "commissioner")
    bogus = tmp_path / "notes.txt"
    bogus.write_text("PRACTICE_CODE,NAME\nE81001,Somewhere\n")
    refused = CliRunner().invoke(cli, ["db", "restore", "--db", _url(engine), "--from", str(bogus)])
    assert refused.exit_code == 2 and "not a" in refused.output
    assert _count(engine, t.app_user) == 1


def test_a_broken_sqlite_backup_is_refused(sqlite_url, tmp_path):
    engine = make_engine(sqlite_url)
    upgrade(engine)
    create_user(engine, "kept", PASSWORD, "commissioner")
    backup = tmp_path / "b.sqlite"
    assert CliRunner().invoke(cli, ["db", "backup", "--db", sqlite_url, "--out", str(backup)]).exit_code == 0
    data = bytearray(backup.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the first page's b-tree, past the header: a corrupt schema
    backup.write_bytes(bytes(data))
    refused = CliRunner().invoke(cli, ["db", "restore", "--db", sqlite_url, "--from", str(backup)])
    assert refused.exit_code == 2, refused.output
    assert _count(engine, t.app_user) == 1


def test_a_truncated_postgresql_backup_is_refused_and_changes_nothing(postgres_url, synth_icb, tmp_path):
    engine = make_engine(postgres_url)
    save_economy(engine, read_folder(synth_icb))  # partitioned bulk tables among what a restore replaces
    create_user(engine, "kept", PASSWORD, "commissioner")
    backup = tmp_path / "b.dump"
    assert CliRunner().invoke(cli, ["db", "backup", "--db", postgres_url, "--out", str(backup)]).exit_code == 0
    whole = backup.read_bytes()
    backup.write_bytes(whole[: len(whole) * 2 // 3])  # the header and schema intact, the data cut short
    refused = CliRunner().invoke(cli, ["db", "restore", "--db", postgres_url, "--from", str(backup)])
    assert refused.exit_code == 2 and "pg_restore failed" in refused.output, refused.output
    assert _count(engine, t.app_user) == 1 and _count(engine, t.practice) == 40


def test_a_postgresql_user_who_owns_the_tables_but_not_the_schema_can_restore(postgres_url, synth_icb, tmp_path):
    """As in production: the app's role was granted the schema, it does not own it (nor is it a superuser)."""
    role = f"app_{uuid.uuid4().hex[:8]}"
    with make_engine(postgres_url).connect() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        conn.execute(text(f"GRANT CREATE, USAGE ON SCHEMA public TO {role}"))
        conn.commit()
    url = postgres_url.replace("//postgres@", f"//{role}@")
    engine = make_engine(url)
    save_economy(engine, read_folder(synth_icb))
    backup = tmp_path / "b.dump"
    assert CliRunner().invoke(cli, ["db", "backup", "--db", url, "--out", str(backup)]).exit_code == 0
    create_user(engine, "after-the-backup", PASSWORD, "commissioner")
    restored = CliRunner().invoke(cli, ["db", "restore", "--db", url, "--from", str(backup)])
    assert restored.exit_code == 0, restored.output
    assert _count(engine, t.app_user) == 0 and _count(engine, t.practice) == 40
    engine.dispose()


def test_a_restore_reports_a_tampered_audit_chain(db_url, tmp_path):
    engine = make_engine(db_url)
    upgrade(engine)
    for name in ("one", "two", "three"):
        create_user(engine, name, PASSWORD, "commissioner")
    with engine.begin() as conn:
        for n in range(3):
            append(conn, Record(action="test", outcome="written", detail={"n": n}))
        conn.execute(update(t.audit_event).where(t.audit_event.c.seq == 2).values(outcome="edited"))
    backup = tmp_path / "tampered.backup"
    assert CliRunner().invoke(cli, ["db", "backup", "--db", _url(engine), "--out", str(backup)]).exit_code == 0
    restored = CliRunner().invoke(cli, ["db", "restore", "--db", _url(engine), "--from", str(backup)])
    assert restored.exit_code == 1 and "audit chain is broken" in restored.output
