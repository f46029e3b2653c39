"""`primarycare db ...`: the schema, backups and restores."""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from primarycare.cli import DEFAULT_URL, Db
from primarycare.cli_output import bad_input, err

app = typer.Typer(help="The database: schema, backup and restore.", no_args_is_help=True)


@app.command("upgrade")
def db_upgrade(db: Db = DEFAULT_URL) -> None:
    """Create or upgrade the schema (Alembic)."""
    from primarycare.store.engine import make_engine
    from primarycare.store.migrate import upgrade

    upgrade(make_engine(db))
    print("schema is up to date")


@app.command("backup")
def db_backup(
    out: Annotated[Path, typer.Option(help="The backup file to write")],
    db: Db = DEFAULT_URL,
) -> None:
    """Back up the database while it is in use: SQLite's online backup, or pg_dump for PostgreSQL."""
    from primarycare.store.backup import BackupError, backup
    from primarycare.store.engine import make_engine

    try:
        backup(make_engine(db), out)
    except (BackupError, OSError) as error:
        raise bad_input(error) from None
    print(f"backed up to {out} ({out.stat().st_size:,} bytes)")


@app.command("restore")
def db_restore(
    from_: Annotated[Path, typer.Option("--from", exists=True, dir_okay=False, help="A file from 'db backup'")],
    db: Db = DEFAULT_URL,
) -> None:
    """Replace the database with a backup (stop the web app first), then verify the audit chain."""
    from primarycare.store.audit import verify
    from primarycare.store.backup import BackupError, restore
    from primarycare.store.engine import make_engine
    from primarycare.store.migrate import upgrade

    engine = make_engine(db)
    try:
        restore(engine, from_)
    except (BackupError, OSError) as error:
        raise bad_input(error) from None
    upgrade(engine)  # a backup from an older release is brought up to this one's schema
    verdict = verify(engine)
    if not verdict.intact:
        err.print(f"[red]restored, but the audit chain is broken:[/red] {escape(verdict.message)}")
        raise typer.Exit(1)
    print(f"restored from {from_}; audit chain intact ({verdict.records} records)")
