"""A period's rows of a bulk table, on PostgreSQL, in a table of their own (a partition of the bulk table).

A load stages each bulk table's rows in a new table of its own: the rows are copied in unindexed and the primary key
is built once (a third of the cost of keeping the index up to date row by row), the big tables on two connections
at once, each committed but invisible to readers, since no partition points at it yet. The load's one transaction
then attaches them as the period's partitions and drops the replaced period's, so readers see the whole new economy
or the whole old one. A load that fails drops what it staged; one killed outright leaves staged tables that no
partition points at, which the next load drops (loads take turns under an advisory lock)."""

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

import polars as pl
from sqlalchemy import Connection, Engine, Table, text

from primarycare.store import tables as t

LOAD_LOCK = 0x7072696D  # the advisory lock loads take turns under ("prim")


def partition_name(table: Table, period_id: int) -> str:
    return f"{table.name}_p{int(period_id)}"


def create(conn: Connection, table: Table, period_id: int, *, keyed: bool) -> str:
    """A table shaped like ``table`` for one period's rows. Its check on the period lets ATTACH skip the scan that
    would otherwise prove every row belongs there."""
    name, period_id = partition_name(table, period_id), int(period_id)
    key = f", PRIMARY KEY ({primary_key(table)})" if keyed else ""
    conn.exec_driver_sql(
        f"CREATE TABLE {name} (LIKE {table.name} INCLUDING DEFAULTS, CHECK (period_id = {period_id}){key})"
    )
    return name


def primary_key(table: Table) -> str:
    return ", ".join(column.name for column in table.primary_key.columns)


def begin_load(conn: Connection) -> int:
    """Inside the load's transaction: wait for any other load, drop what killed loads staged, and take the new
    period's id (staged tables are named by it before the period's row is written)."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOAD_LOCK})
    names = "|".join(table.name for table in t.BULK_TABLES)
    orphans = conn.execute(
        text(
            "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r' "
            "AND NOT relispartition AND relname ~ :pattern"
        ),
        {"pattern": f"^({names})_p[0-9]+$"},
    ).scalars()
    for name in list(orphans):
        conn.exec_driver_sql(f"DROP TABLE {name}")
    return conn.execute(text("SELECT nextval(pg_get_serial_sequence('period', 'id'))")).scalar_one()


def stage(
    engine: Engine,
    period_id: int,
    frames: list[tuple[Table, pl.DataFrame]],
    copy: Callable[[Connection, Table, pl.DataFrame, int], int],
) -> dict[str, int]:
    """Stage each frame in its own keyed table, committed, two at a time; return the rows per table.
    ``copy(conn, table, frame, period_id)`` writes a frame's rows into the period's table, created here."""

    def one(table: Table, frame: pl.DataFrame) -> int:
        with engine.begin() as conn:
            # Not flushed at this commit: the load's own commit, later, flushes everything written before it, and a
            # staged table lost in a crash is one no partition points at. Each key is built by its own process (two
            # at once already keep both cores busy).
            conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
            conn.exec_driver_sql("SET LOCAL max_parallel_maintenance_workers = 0")
            name = create(conn, table, period_id, keyed=False)
            rows = copy(conn, table, frame, period_id)
            conn.exec_driver_sql(f"ALTER TABLE {name} ADD PRIMARY KEY ({primary_key(table)})")
            return rows

    with ThreadPoolExecutor(2) as pool:
        largest_first = sorted(frames, key=lambda pair: -pair[1].height)
        futures = {table.name: pool.submit(one, table, frame) for table, frame in largest_first}
        return {name: future.result() for name, future in futures.items()}


def attach(conn: Connection, period_id: int, tables: Iterable[Table]) -> None:
    for table in tables:
        conn.exec_driver_sql(
            f"ALTER TABLE {table.name} ATTACH PARTITION {partition_name(table, period_id)} "
            f"FOR VALUES IN ({int(period_id)})"
        )


def drop(conn: Connection, period_id: int) -> None:
    """Drop a period's partitions. This locks the bulk tables against readers until the commit, so it is the last
    thing a load does."""
    for table in t.BULK_TABLES:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {partition_name(table, period_id)}")


def discard(engine: Engine, period_id: int) -> None:
    """Drop what a failed load staged (tables no partition points at)."""
    with engine.begin() as conn:
        for table in t.BULK_TABLES:
            name = partition_name(table, period_id)
            attached = conn.execute(
                text("SELECT relispartition FROM pg_class WHERE oid = to_regclass(:name)"), {"name": name}
            ).scalar()
            if attached is False:
                conn.exec_driver_sql(f"DROP TABLE {name}")
