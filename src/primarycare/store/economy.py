"""Reading the economy back: the whole Economy for the domain's functions, and the narrow views pages need."""

import polars as pl
from sqlalchemy import Connection, Engine, func, inspect, select

from primarycare.economy.model import Commissioner, Economy, Network, Practice
from primarycare.store import tables as t
from primarycare.store.overview import practice_patients


class NoEconomyLoaded(LookupError):
    """The database holds no period (or not the one asked for)."""


def find_period(conn: Connection, year: str | None = None) -> tuple[int, str, str, str]:
    """(id, year, era, extract_date) of the asked year, or of the latest loaded year."""
    if not inspect(conn).has_table(t.period.name):
        raise NoEconomyLoaded("the database holds no primarycare tables yet: run primarycare load FOLDER --db URL")
    query = select(t.period.c.id, t.period.c.year, t.period.c.era, t.period.c.extract_date)
    query = query.where(t.period.c.year == year) if year else query.order_by(t.period.c.year.desc())
    row = conn.execute(query.limit(1)).first()
    if row is None:
        raise NoEconomyLoaded(
            f"no economy loaded for {year}" if year else "no economy loaded yet: run primarycare load"
        )
    return tuple(row)


def loaded_years(conn: Connection) -> list[str]:
    return list(conn.execute(select(t.period.c.year).order_by(t.period.c.year)).scalars())


def read_economy(engine: Engine, year: str | None = None, *, with_qof: bool = False) -> Economy:
    with engine.connect() as conn:
        period_id, year, era, extract_date = find_period(conn, year)

        def frame(table, *columns) -> pl.DataFrame:
            query = select(*(table.c[c] for c in columns)).where(table.c.period_id == period_id)
            return pl.read_database(query, conn)

        commissioners = [Commissioner(**row) for row in _rows(conn, t.commissioner, period_id)]
        networks = [Network(**row) for row in _rows(conn, t.network, period_id)]
        practices = [Practice(**row) for row in _rows(conn, t.practice, period_id)]
        lists = frame(t.list_count, "practice_code", "sex", "age_band", "patients")
        qof = {}
        if with_qof:
            qof = {
                name: frame(table, *(c.name for c in table.columns if c.name != "period_id"))
                for name, table in (
                    ("indicators", t.indicator),
                    ("achievement", t.achievement),
                    ("prevalence", t.prevalence),
                    ("services", t.service_participation),
                )
            }
    return Economy(
        year=year,
        era=era,
        extract_date=extract_date,
        commissioners=tuple(commissioners),
        networks=tuple(networks),
        practices=tuple(practices),
        lists=lists,
        **qof,
    )


def _rows(conn: Connection, table, period_id: int) -> list[dict]:
    columns = [c for c in table.columns if c.name != "period_id"]
    query = select(*columns).where(table.c.period_id == period_id).order_by(columns[0])
    return [dict(row._mapping) for row in conn.execute(query)]


SORTS = {
    "code": t.practice.c.code,
    "name": t.practice.c.name,
    "patients": "patients",
    "commissioner": t.practice.c.commissioner_code,
    "network": t.practice.c.network_code,
}


def practice_overview(
    conn: Connection,
    period_id: int,
    *,
    search: str = "",
    sort: str = "code",
    descending: bool = False,
    only: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[int, list[dict]]:
    """(how many match, one page of practices with their list size) for the overview table and the API."""
    patients = practice_patients(period_id)
    p = t.practice.c
    query = (
        select(
            p.code,
            p.name,
            p.postcode,
            p.commissioner_code,
            p.network_code,
            p.contract_type,
            p.ooh_opted_out,
            func.coalesce(patients.c.patients, 0).label("patients"),
        )
        .outerjoin(patients, patients.c.practice_code == p.code)
        .where(p.period_id == period_id)
    )
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(func.lower(p.name).like(pattern) | func.lower(p.code).like(pattern))
    if only:
        query = query.where(p.code == only)
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    key = SORTS.get(sort, p.code)
    key = key if not isinstance(key, str) else query.selected_columns.patients
    query = query.order_by(key.desc() if descending else key.asc(), p.code).limit(limit).offset(offset)
    return total, [dict(row._mapping) for row in conn.execute(query)]


def practice_detail(conn: Connection, period_id: int, code: str) -> dict | None:
    """A practice with its list by sex and age band, its commissioner, network and QOF registers."""
    row = conn.execute(select(t.practice).where(t.practice.c.period_id == period_id, t.practice.c.code == code)).first()
    if row is None:
        return None
    detail = dict(row._mapping)
    detail.pop("period_id")
    lists = conn.execute(
        select(t.list_count.c.sex, t.list_count.c.age_band, t.list_count.c.patients).where(
            t.list_count.c.period_id == period_id, t.list_count.c.practice_code == code
        )
    )
    detail["list"] = [dict(r._mapping) for r in lists]
    registers = conn.execute(
        select(
            t.prevalence.c.group_code,
            t.prevalence.c.register,
            t.prevalence.c.patient_list_type,
            t.prevalence.c.practice_list_size,
        )
        .where(t.prevalence.c.period_id == period_id, t.prevalence.c.practice_code == code)
        .order_by(t.prevalence.c.group_code)
    )
    detail["registers"] = [dict(r._mapping) for r in registers]
    names = {
        "commissioner": (t.commissioner, detail["commissioner_code"]),
        "network": (t.network, detail["network_code"]),
    }
    for key, (table, value) in names.items():
        found = conn.execute(select(table.c.name).where(table.c.period_id == period_id, table.c.code == value))
        detail[f"{key}_name"] = found.scalar()
    return detail
