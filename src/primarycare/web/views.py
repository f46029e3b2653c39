"""What pages and the API both show, read through the store with the user's practice isolation applied."""

from fastapi import HTTPException
from sqlalchemy import Engine

from primarycare.access.roles import User, can_see_practice
from primarycare.economy.vocabulary import AGE_BANDS
from primarycare.store.economy import find_period, practice_detail, practice_overview
from primarycare.store.overview import commissioner_overview, network_overview


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
    with engine.connect() as conn:
        return commissioner_overview(conn, find_period(conn, year)[0])


def networks(engine: Engine, year: str | None) -> list[dict]:
    with engine.connect() as conn:
        return network_overview(conn, find_period(conn, year)[0])


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
