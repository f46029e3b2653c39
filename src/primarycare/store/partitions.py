"""A period's rows of a bulk table, on PostgreSQL, in a table of their own (a partition of the bulk table).

A load copies rows into a new, unindexed table, builds its primary key once (a third of the cost of keeping the index
up to date row by row during the COPY) and attaches it as the period's partition; a re-load drops the previous
period's partition instead of deleting its rows one by one. All of it is transactional: a failed load leaves no
partition behind."""

from collections.abc import Iterable

from sqlalchemy import Table

from primarycare.store import tables as t


def partition_name(table: Table | str, period_id: int) -> str:
    name = table if isinstance(table, str) else table.name
    return f"{name}_p{int(period_id)}"


def create_detached(cursor, table: Table, period_id: int) -> str:
    """An empty table shaped like ``table`` with no index, for a COPY; ``attach`` then keys it and adds it."""
    name = partition_name(table, period_id)
    cursor.execute(f"CREATE TABLE {name} (LIKE {table.name} INCLUDING DEFAULTS)")
    return name


def attach(cursor, table: Table, period_id: int) -> None:
    name = partition_name(table, period_id)
    key = ", ".join(column.name for column in table.primary_key.columns)
    cursor.execute(f"ALTER TABLE {name} ADD PRIMARY KEY ({key})")
    cursor.execute(f"ALTER TABLE {table.name} ATTACH PARTITION {name} FOR VALUES IN ({int(period_id)})")


def drop(cursor, period_id: int, tables: Iterable[Table] = t.BULK_TABLES) -> None:
    """Drop a period's partitions. This locks the bulk tables against readers until the commit, so it is the last
    thing a load does."""
    for table in tables:
        cursor.execute(f"DROP TABLE IF EXISTS {partition_name(table, period_id)}")
