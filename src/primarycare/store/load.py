"""Save one period's economy in a single transaction: a re-load of the same year replaces it, and a failure
anywhere leaves the database as it was. On PostgreSQL the bulk tables' rows go into the period's own partitions
(store/partitions.py)."""

import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from itertools import chain

import polars as pl
from sqlalchemy import Connection, Engine, Table, delete, insert, select

from primarycare.economy.model import Economy
from primarycare.store import partitions
from primarycare.store import tables as t
from primarycare.store.migrate import upgrade

SQLITE_VARIABLES = 999  # the fewest bound values a statement may hold in any SQLite build


@dataclass(frozen=True)
class LoadReport:
    year: str
    replaced: bool
    rows: dict[str, int]


def save_economy(engine: Engine, economy: Economy, *, migrate: bool = True) -> LoadReport:
    if migrate:
        upgrade(engine)
    frames = _frames(economy)
    partitioned = engine.dialect.name == "postgresql"
    in_partitions = {table.name for table in t.BULK_TABLES} if partitioned else set()
    staged = [(table, frame) for table, frame in frames if table.name in in_partitions]
    unstaged = [(table, frame) for table, frame in frames if table.name not in in_partitions]
    period_id = None
    try:
        with engine.begin() as conn, ThreadPoolExecutor(1) as side:
            if partitioned:  # the big tables are staged while this transaction writes the rest
                period_id = partitions.begin_load(conn)
                staging = side.submit(partitions.stage, engine, period_id, staged, bulk_insert)
            existing = conn.execute(select(t.period.c.id).where(t.period.c.year == economy.year)).scalar()
            if existing is not None:
                for table in t.ECONOMY_TABLES:
                    if table.name not in in_partitions:  # those are dropped at the end
                        conn.execute(delete(table).where(table.c.period_id == existing))
                conn.execute(delete(t.period).where(t.period.c.id == existing))
            values = {"year": economy.year, "era": economy.era, "extract_date": economy.extract_date}
            values |= {"loaded_at": datetime.now(UTC)} | ({"id": period_id} if partitioned else {})
            period_id = conn.execute(insert(t.period).values(**values)).inserted_primary_key[0]
            rows = {table.name: bulk_insert(conn, table, frame, period_id) for table, frame in unstaged}
            if partitioned:
                rows |= staging.result()
                partitions.attach(conn, period_id, [table for table, _ in staged])
                if existing is not None:
                    partitions.drop(conn, existing)
    except BaseException:
        if partitioned and period_id is not None:
            partitions.discard(engine, period_id)
        raise
    ordered = {table.name: rows[table.name] for table, _ in frames}
    return LoadReport(year=economy.year, replaced=existing is not None, rows=ordered)


def _frames(economy: Economy) -> list[tuple[Table, pl.DataFrame]]:
    def entities(items, columns) -> pl.DataFrame:
        data = [{f.name: getattr(item, f.name) for f in fields(item)} for item in items]  # asdict deep-copies
        return pl.DataFrame(data, schema_overrides=columns, infer_schema_length=None) if data else pl.DataFrame()

    frames = [
        (t.commissioner, entities(economy.commissioners, {"co_commissioning_level": pl.String})),
        (t.network, entities(economy.networks, {})),
        (
            t.practice,
            entities(
                economy.practices,
                {"network_code": pl.String, "contract_type": pl.String, "ooh_opted_out": pl.Boolean},
            ),
        ),
        (t.list_count, economy.lists),
        (t.indicator, economy.indicators),
        (t.achievement, economy.achievement),
        (t.prevalence, economy.prevalence),
        (t.service_participation, economy.services),
    ]
    return [(table, frame) for table, frame in frames if frame.height]


def bulk_insert(conn: Connection, table: Table, frame: pl.DataFrame, period_id: int) -> int:
    """Insert a frame's rows for one period, inside the caller's transaction. PostgreSQL: COPY (a bulk table's rows
    into the period's own table, which partitions.stage creates). SQLite: statements of many rows each (SQLite's
    cost is per statement as much as per row), the period bound once, as a literal."""
    columns = [c.name for c in table.columns if c.name in frame.columns and c.name != "period_id"]
    frame = frame.select(columns)
    if conn.dialect.name == "postgresql":
        buffer = io.BytesIO()
        frame.with_columns(pl.lit(period_id).alias("period_id")).write_csv(buffer, include_header=False, null_value="")
        cursor = conn.connection.dbapi_connection.cursor()
        target = partitions.partition_name(table, period_id) if table in t.BULK_TABLES else table.name
        statement = f"COPY {target} ({', '.join([*columns, 'period_id'])}) FROM STDIN WITH (FORMAT csv)"
        with cursor.copy(statement) as copy:
            copy.write(buffer.getvalue())
        return frame.height
    cursor = conn.connection.dbapi_connection.cursor()  # the caller's transaction
    row = f"({int(period_id)}, {', '.join('?' for _ in columns)})"
    per_statement = max(1, SQLITE_VARIABLES // len(columns))
    whole = frame.height // per_statement * per_statement
    values = [frame[name].to_list() for name in columns]
    statement = f"INSERT INTO {table.name} (period_id, {', '.join(columns)}) VALUES "
    cursor.executemany(statement + ", ".join([row] * per_statement), _flat_chunks(values, whole, per_statement))
    cursor.executemany(statement + row, frame.slice(whole).iter_rows())
    return frame.height


def _flat_chunks(columns: list[list], rows: int, size: int):
    """The first ``rows`` rows of ``columns``, ``size`` rows at a time, each chunk's values row after row."""
    for start in range(0, rows, size):
        yield list(chain.from_iterable(zip(*(column[start : start + size] for column in columns), strict=True)))
