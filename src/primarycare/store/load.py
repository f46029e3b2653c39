"""Save one period's economy in a single transaction: a re-load of the same year replaces it, and a failure
anywhere leaves the database as it was."""

import io
from dataclasses import dataclass, fields
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import Connection, Engine, Table, delete, insert, select

from primarycare.economy.model import Economy
from primarycare.store import tables as t
from primarycare.store.migrate import upgrade


@dataclass(frozen=True)
class LoadReport:
    year: str
    replaced: bool
    rows: dict[str, int]


def save_economy(engine: Engine, economy: Economy, *, migrate: bool = True) -> LoadReport:
    if migrate:
        upgrade(engine)
    frames = _frames(economy)
    with engine.begin() as conn:
        existing = conn.execute(select(t.period.c.id).where(t.period.c.year == economy.year)).scalar()
        if existing is not None:
            for table in t.ECONOMY_TABLES:
                conn.execute(delete(table).where(table.c.period_id == existing))
            conn.execute(delete(t.period).where(t.period.c.id == existing))
        period_id = conn.execute(
            insert(t.period).values(
                year=economy.year,
                era=economy.era,
                extract_date=economy.extract_date,
                loaded_at=datetime.now(UTC),
            )
        ).inserted_primary_key[0]
        rows = {}
        for table, frame in frames:
            rows[table.name] = bulk_insert(conn, table, frame, period_id)
    return LoadReport(year=economy.year, replaced=existing is not None, rows=rows)


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
    """Insert a frame's rows for one period: COPY on PostgreSQL, executemany on SQLite (the period bound once, as
    a literal); inside the caller's transaction."""
    columns = [c.name for c in table.columns if c.name in frame.columns and c.name != "period_id"]
    frame = frame.select(columns)
    if conn.dialect.name == "postgresql":
        buffer = io.BytesIO()
        frame.with_columns(pl.lit(period_id).alias("period_id")).write_csv(buffer, include_header=False, null_value="")
        cursor = conn.connection.dbapi_connection.cursor()
        statement = f"COPY {table.name} ({', '.join([*columns, 'period_id'])}) FROM STDIN WITH (FORMAT csv)"
        with cursor.copy(statement) as copy:
            copy.write(buffer.getvalue())
    else:
        placeholders = ", ".join("?" for _ in columns)
        statement = (
            f"INSERT INTO {table.name} (period_id, {', '.join(columns)}) VALUES ({int(period_id)}, {placeholders})"
        )
        cursor = conn.connection.dbapi_connection.cursor()  # the caller's transaction; rows streamed, not listed
        cursor.executemany(statement, frame.iter_rows())
    return frame.height
