"""Overviews of a period's economy: registered patients per practice, and practices and patients per commissioner
and per network, as the economy pages and the API list them."""

from sqlalchemy import Connection, Subquery, func, select

from primarycare.store import tables as t


def practice_patients(period_id: int) -> Subquery:
    """practice_code, patients: each practice's registered list in the period."""
    lc = t.list_count.c
    return (
        select(lc.practice_code, func.sum(lc.patients).label("patients"))
        .where(lc.period_id == period_id)
        .group_by(lc.practice_code)
        .subquery()
    )


def _members(period_id: int, group: str) -> Subquery:
    """The practices and registered patients of each value of the practice column ``group``."""
    p, patients = t.practice.c, practice_patients(period_id)
    return (
        select(
            p[group].label("group"),
            func.count().label("practices"),
            func.coalesce(func.sum(patients.c.patients), 0).label("patients"),
        )
        .outerjoin(patients, patients.c.practice_code == p.code)
        .where(p.period_id == period_id)
        .group_by(p[group])
        .subquery()
    )


def commissioner_overview(conn: Connection, period_id: int) -> list[dict]:
    c, n = t.commissioner.c, t.network.c
    members = _members(period_id, "commissioner_code")
    networks = (
        select(n.commissioner_code, func.count().label("networks"))
        .where(n.period_id == period_id)
        .group_by(n.commissioner_code)
        .subquery()
    )
    query = (
        select(
            c.code,
            c.name,
            c.parent_code,
            c.parent_name,
            c.co_commissioning_level,
            func.coalesce(members.c.practices, 0).label("practices"),
            func.coalesce(networks.c.networks, 0).label("networks"),
            func.coalesce(members.c.patients, 0).label("patients"),
        )
        .outerjoin(members, members.c.group == c.code)
        .outerjoin(networks, networks.c.commissioner_code == c.code)
        .where(c.period_id == period_id)
        .order_by(c.code)
    )
    return [dict(r._mapping) for r in conn.execute(query)]


def network_overview(conn: Connection, period_id: int) -> list[dict]:
    n = t.network.c
    members = _members(period_id, "network_code")
    query = (
        select(
            n.code,
            n.name,
            n.commissioner_code,
            func.coalesce(members.c.practices, 0).label("practices"),
            func.coalesce(members.c.patients, 0).label("patients"),
        )
        .outerjoin(members, members.c.group == n.code)
        .where(n.period_id == period_id)
        .order_by(n.commissioner_code, n.code)
    )
    return [dict(r._mapping) for r in conn.execute(query)]
