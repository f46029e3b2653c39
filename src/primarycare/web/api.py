"""The JSON API (OpenAPI at /api/docs). Token or session authentication; the same isolation as the pages."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from primarycare.economy.summary import summarise
from primarycare.store.economy import loaded_years, read_economy
from primarycare.web import views
from primarycare.web.deps import ApiUser, EngineDep

router = APIRouter(tags=["economy"])


@router.get("/years", summary="Years loaded")
def years(engine: EngineDep, user: ApiUser) -> list[str]:
    with engine.connect() as conn:
        return loaded_years(conn)


@router.get("/economy/summary", summary="Counts of commissioners, networks, practices and registered patients")
def economy_summary(engine: EngineDep, user: ApiUser, year: str | None = None) -> dict:
    if user.is_practice_user:
        raise HTTPException(403, "a practice user sees only its own practice")
    return summarise(read_economy(engine, year)).as_dict()


@router.get("/commissioners", summary="Commissioners with their practices, networks and patients")
def commissioners(engine: EngineDep, user: ApiUser, year: str | None = None) -> list[dict]:
    if user.is_practice_user:
        raise HTTPException(403, "a practice user sees only its own practice")
    return views.commissioners(engine, year)


@router.get("/networks", summary="Networks with their practices and patients")
def networks(engine: EngineDep, user: ApiUser, year: str | None = None) -> list[dict]:
    if user.is_practice_user:
        raise HTTPException(403, "a practice user sees only its own practice")
    return views.networks(engine, year)


@router.get("/practices", summary="Practices with list sizes; search, sort and page")
def practices(
    engine: EngineDep,
    user: ApiUser,
    q: str = "",
    sort: str = "code",
    desc: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    year: str | None = None,
) -> dict:
    return views.practices_page(
        engine, user, year=year, search=q, sort=sort, descending=desc, limit=limit, offset=offset
    )


@router.get("/practices/{code}", summary="One practice: contract, list by age and sex, QOF registers")
def practice(engine: EngineDep, user: ApiUser, code: str, year: str | None = None) -> dict:
    return views.practice(engine, user, code, year)
