"""Storage against SQLite and PostgreSQL: migrations, loads, re-loads, and loads that must leave nothing behind."""

from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

from primarycare.economy.summary import summarise
from primarycare.ingest.folder import read_folder
from primarycare.ingest.synth.files import write_synthetic
from primarycare.store import load as load_module
from primarycare.store import partitions
from primarycare.store import tables as t
from primarycare.store.economy import read_economy
from primarycare.store.engine import make_engine
from primarycare.store.load import save_economy
from primarycare.store.migrate import alembic_config, upgrade


def snapshot(engine) -> dict:
    """Every row of every table, to show a database is exactly as it was."""
    if not inspect(engine).has_table("period"):
        return {}
    with engine.connect() as conn:
        return {
            table.name: sorted(map(tuple, conn.execute(select(table)).all()), key=repr)
            for table in t.metadata.sorted_tables
        }


def test_migrations_build_exactly_the_declared_schema(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), t.metadata) == []


def test_a_loaded_economy_reads_back_the_same(db_url, synth_icb):
    economy = read_folder(synth_icb)
    engine = make_engine(db_url)
    report = save_economy(engine, economy)
    assert not report.replaced and report.rows["practice"] == 40
    back = read_economy(engine, with_qof=True)
    assert summarise(back) == summarise(economy)
    assert back.practices == economy.practices and back.commissioners == economy.commissioners
    assert back.achievement.height == economy.achievement.height
    assert back.achievement["achieved_points"].sum() == pytest.approx(economy.achievement["achieved_points"].sum())
    for name in ("lists", "achievement", "prevalence", "services"):  # every row and value, as it was read
        loaded, read = getattr(back, name), getattr(economy, name)
        assert loaded.select(read.columns).sort(read.columns).equals(read.sort(read.columns)), name


def test_reloading_a_year_replaces_it_and_keeps_other_years(db_url, synth_icb, synth_ccg):
    engine = make_engine(db_url)
    save_economy(engine, read_folder(synth_ccg))
    save_economy(engine, read_folder(synth_icb))
    report = save_economy(engine, read_folder(synth_icb))
    assert report.replaced
    with engine.connect() as conn:
        years = conn.execute(select(t.period.c.year).order_by(t.period.c.year)).scalars().all()
        practices = conn.execute(select(func.count()).select_from(t.practice)).scalar()
    assert years == ["2021-22", "2023-24"]
    assert practices == 40 + 25
    assert summarise(read_economy(engine, "2021-22")).practices == 25


def undeclared_tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - set(t.metadata.tables) - {"alembic_version"}


def test_postgresql_keeps_a_partition_per_loaded_period_and_sqlite_none(db_url, synth_icb, synth_ccg):
    engine = make_engine(db_url)
    save_economy(engine, read_folder(synth_ccg))
    save_economy(engine, read_folder(synth_icb))
    save_economy(engine, read_folder(synth_icb))  # the re-load drops the replaced period's partitions
    with engine.connect() as conn:
        periods = conn.execute(select(t.period.c.id)).scalars().all()
        services = conn.execute(select(func.count()).select_from(t.service_participation)).scalar()
    expected = {f"{table.name}_p{period}" for table in t.BULK_TABLES for period in periods}
    assert len(periods) == 2 and services > 0
    assert undeclared_tables(engine) == (expected if engine.dialect.name == "postgresql" else set())


def test_a_load_drops_what_a_killed_load_staged(postgres_url, synth_icb):
    engine = make_engine(postgres_url)
    save_economy(engine, read_folder(synth_icb))
    with engine.begin() as conn:  # what a load killed between staging and attaching leaves: a committed table
        partitions.create(conn, t.achievement, 999, keyed=False)
    assert undeclared_tables(engine) == {f"{table.name}_p1" for table in t.BULK_TABLES} | {"achievement_p999"}
    save_economy(engine, read_folder(synth_icb))
    assert undeclared_tables(engine) == {f"{table.name}_p2" for table in t.BULK_TABLES}


def test_readers_see_the_whole_old_economy_until_a_staged_load_commits(postgres_url, tmp_path, monkeypatch):
    """Caught just before the staged tables are attached (committed, with the small tables' old rows deleted in the
    load's open transaction), another connection still reads every row of the year's old economy."""
    old, new = tmp_path / "old", tmp_path / "new"
    write_synthetic(old, practices=30, seed=1, year="2023-24")
    write_synthetic(new, practices=45, seed=2, year="2023-24")
    engine = make_engine(postgres_url)
    save_economy(engine, read_folder(old))

    def counts() -> tuple[int, int]:
        with make_engine(postgres_url).connect() as conn:
            practices = conn.execute(select(func.count()).select_from(t.practice)).scalar_one()
            codes = conn.execute(select(func.count(t.achievement.c.practice_code.distinct()))).scalar_one()
            return practices, codes

    before, seen = counts(), []
    real_attach = partitions.attach

    def attach_after_a_look(conn, period_id, tables):
        seen.append(counts())
        real_attach(conn, period_id, tables)

    monkeypatch.setattr(partitions, "attach", attach_after_a_look)
    save_economy(engine, read_folder(new))
    assert before == (30, 30) and seen == [before] and counts() == (45, 45)


def test_migrating_a_loaded_database_keeps_its_rows(db_url, synth_icb):
    engine = make_engine(db_url)
    upgrade(engine, "0009")  # before the bulk tables were partitioned: rows written as they were then
    economy = read_folder(synth_icb)
    with engine.begin() as conn:
        period_id = conn.execute(
            t.period.insert().values(year=economy.year, era=economy.era, extract_date="x", loaded_at=datetime.now(UTC))
        ).inserted_primary_key[0]
        rows = economy.achievement.head(50).with_columns(period_id=period_id).to_dicts()
        conn.execute(t.achievement.insert(), rows)
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.achievement)).scalar() == 50
    save_economy(engine, economy, migrate=False)  # a re-load of the migrated year replaces its rows
    assert read_economy(engine, with_qof=True).achievement.height == economy.achievement.height
    command.downgrade(alembic_config(engine), "0009")
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.achievement)).scalar() == economy.achievement.height
    assert undeclared_tables(engine) == set()


def test_a_crash_mid_write_leaves_the_database_as_it_was(db_url, synth_icb, synth_ccg, monkeypatch):
    engine = make_engine(db_url)
    save_economy(engine, read_folder(synth_icb))
    before, tables = snapshot(engine), undeclared_tables(engine)
    real_insert = load_module.bulk_insert

    def failing_insert(conn, table, frame, period_id):
        if table.name == "achievement":
            raise RuntimeError("the disk is full")
        return real_insert(conn, table, frame, period_id)

    monkeypatch.setattr(load_module, "bulk_insert", failing_insert)
    with pytest.raises(RuntimeError, match="disk is full"):
        save_economy(engine, read_folder(synth_icb))  # a re-load: deletes first, then fails
    with pytest.raises(RuntimeError, match="disk is full"):
        save_economy(engine, read_folder(synth_ccg))  # a new year: inserts, then fails
    assert snapshot(engine) == before
    assert undeclared_tables(engine) == tables  # no partition left behind
