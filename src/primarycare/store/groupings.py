"""A user's saved groupings of practices (a locality, a federation, practices across commissioners)."""

from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, delete, insert, select

from primarycare.store import tables as t


def save_grouping(engine: Engine, user_id: int, name: str, codes: list[str]) -> int:
    with engine.begin() as conn:
        values = {"user_id": user_id, "name": name, "created_at": datetime.now(UTC).replace(tzinfo=None)}
        grouping_id = conn.execute(insert(t.grouping).values(values)).inserted_primary_key[0]
        conn.execute(insert(t.grouping_member), [{"grouping_id": grouping_id, "practice_code": c} for c in codes])
    return grouping_id


def delete_grouping(engine: Engine, user_id: int, grouping_id: int) -> bool:
    g = t.grouping.c
    with engine.begin() as conn:
        return conn.execute(delete(t.grouping).where(g.id == grouping_id, g.user_id == user_id)).rowcount == 1


def groupings(conn: Connection, user_id: int) -> list[dict]:
    """The user's groupings, each with its practice codes."""
    g, m = t.grouping.c, t.grouping_member.c
    found = [dict(r._mapping) for r in conn.execute(select(g.id, g.name).where(g.user_id == user_id).order_by(g.name))]
    for grouping in found:
        query = select(m.practice_code).where(m.grouping_id == grouping["id"]).order_by(m.practice_code)
        grouping["practices"] = list(conn.execute(query).scalars())
    return found


def grouping(conn: Connection, user_id: int, grouping_id: int) -> dict | None:
    return next((g for g in groupings(conn, user_id) if g["id"] == grouping_id), None)
