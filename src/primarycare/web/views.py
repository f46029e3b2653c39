"""What pages and the API both show, read through the store with the user's practice isolation applied."""

from fastapi import HTTPException
from sqlalchemy import Engine, func, select

from primarycare.access.roles import User, can_see_practice
from primarycare.economy.vocabulary import AGE_BANDS
from primarycare.store import tables as t
from primarycare.store.economy import find_period, practice_detail, practice_overview


def practices_page(
    engine: Engine,
    user: User,
    *,
    year: str | None,
    search: str,
    sort: str,
    descending: bool,
    limit: int,
    offset: int,
) -> dict:
    with engine.connect() as conn:
        period_id, year, era, extract_date = find_period(conn, year)
        only = user.practice_code if user.is_practice_user else None
        total, rows = practice_overview(
            conn,
            period_id,
            search=search,
            sort=sort,
            descending=descending,
            only=only,
            limit=limit,
            offset=offset,
        )
    return {"year": year, "era": era, "extract_date": extract_date, "total": total, "practices": rows}


def commissioners(engine: Engine, year: str | None) -> list[dict]:
    c, p, lc = t.commissioner.c, t.practice.c, t.list_count.c
    with engine.connect() as conn:
        period_id = find_period(conn, year)[0]
        practices = (
            select(p.commissioner_code, func.count().label("practices"))
            .where(p.period_id == period_id)
            .group_by(p.commissioner_code)
            .subquery()
        )
        networks = (
            select(t.network.c.commissioner_code, func.count().label("networks"))
            .where(t.network.c.period_id == period_id)
            .group_by(t.network.c.commissioner_code)
            .subquery()
        )
        patients = (
            select(p.commissioner_code, func.sum(lc.patients).label("patients"))
            .join(t.practice, (p.code == lc.practice_code) & (p.period_id == lc.period_id))
            .where(lc.period_id == period_id)
            .group_by(p.commissioner_code)
            .subquery()
        )
        query = (
            select(
                c.code,
                c.name,
                c.parent_code,
                c.parent_name,
                c.co_commissioning_level,
                func.coalesce(practices.c.practices, 0).label("practices"),
                func.coalesce(networks.c.networks, 0).label("networks"),
                func.coalesce(patients.c.patients, 0).label("patients"),
            )
            .outerjoin(practices, practices.c.commissioner_code == c.code)
            .outerjoin(networks, networks.c.commissioner_code == c.code)
            .outerjoin(patients, patients.c.commissioner_code == c.code)
            .where(c.period_id == period_id)
            .order_by(c.code)
        )
        return [dict(r._mapping) for r in conn.execute(query)]


def networks(engine: Engine, year: str | None) -> list[dict]:
    n, p, lc = t.network.c, t.practice.c, t.list_count.c
    with engine.connect() as conn:
        period_id = find_period(conn, year)[0]
        patients = (
            select(lc.practice_code, func.sum(lc.patients).label("patients"))
            .where(lc.period_id == period_id)
            .group_by(lc.practice_code)
            .subquery()
        )
        members = (
            select(
                p.network_code,
                func.count().label("practices"),
                func.coalesce(func.sum(patients.c.patients), 0).label("patients"),
            )
            .outerjoin(patients, patients.c.practice_code == p.code)
            .where(p.period_id == period_id)
            .group_by(p.network_code)
            .subquery()
        )
        query = (
            select(
                n.code,
                n.name,
                n.commissioner_code,
                func.coalesce(members.c.practices, 0).label("practices"),
                func.coalesce(members.c.patients, 0).label("patients"),
            )
            .outerjoin(members, members.c.network_code == n.code)
            .where(n.period_id == period_id)
            .order_by(n.commissioner_code, n.code)
        )
        return [dict(r._mapping) for r in conn.execute(query)]


def practice(engine: Engine, user: User, code: str, year: str | None) -> dict:
    if not can_see_practice(user, code):
        raise HTTPException(403, "a practice user sees only its own practice")
    with engine.connect() as conn:
        period_id, year, _, extract_date = find_period(conn, year)
        detail = practice_detail(conn, period_id, code)
    if detail is None:
        raise HTTPException(404, f"no practice {code} in {year}")
    counts = {(row["sex"], row["age_band"]): row["patients"] for row in detail["list"]}
    detail["pyramid"] = {
        "bands": list(AGE_BANDS),
        "male": [counts.get(("MALE", band), 0) for band in AGE_BANDS],
        "female": [counts.get(("FEMALE", band), 0) for band in AGE_BANDS],
    }
    detail["patients"] = sum(counts.values())
    detail["year"], detail["extract_date"] = year, extract_date
    return detail
