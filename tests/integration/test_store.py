"""Storage against SQLite and PostgreSQL: migrations, loads, re-loads, and loads that must leave nothing behind."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

from primarycare.economy.summary import summarise
from primarycare.ingest.folder import read_folder
from primarycare.store import load as load_module
from primarycare.store import tables as t
from primarycare.store.economy import read_economy
from primarycare.store.engine import make_engine
from primarycare.store.load import save_economy
from primarycare.store.migrate import upgrade


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


def test_a_crash_mid_write_leaves_the_database_as_it_was(db_url, synth_icb, synth_ccg, monkeypatch):
    engine = make_engine(db_url)
    save_economy(engine, read_folder(synth_icb))
    before = snapshot(engine)
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
