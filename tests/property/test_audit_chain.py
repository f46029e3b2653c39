"""Hypothesis: the audit verifier finds every single-row edit, deletion, insertion or swap, and names the first
broken record; an untouched chain verifies."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, update

from primarycare.store import tables as t
from primarycare.store.audit import Record, append, verify
from primarycare.store.engine import make_engine
from primarycare.store.migrate import upgrade


def chain(url: str, length: int):
    engine = make_engine(url)
    upgrade(engine)
    for i in range(length):
        with engine.begin() as conn:
            append(conn, Record(action="note.read", outcome="granted", user_id=i % 3, username=f"u{i % 3}",
                                role="ooh_clinician", patient_id=i % 5, subject=f"patient:{i % 5}",
                                reason="relationship", detail={"i": i}))  # fmt: skip
    return engine


def rows(engine):
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(t.audit_event).order_by(t.audit_event.c.seq))]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(length=st.integers(2, 12), data=st.data())
def test_any_single_row_tampering_is_found(tmp_path_factory, length, data):
    engine = chain(f"sqlite:///{tmp_path_factory.mktemp('audit') / 'a.db'}", length)
    assert verify(engine).intact and verify(engine).records == length
    kind = data.draw(st.sampled_from(["edit", "delete", "insert", "swap"]))
    target = data.draw(st.integers(1, length))
    records = rows(engine)
    with engine.begin() as conn:
        if kind == "edit":
            column = data.draw(st.sampled_from(["reason", "outcome", "username", "patient_id", "at"]))
            value = {"reason": "edited", "outcome": "refused", "username": "someone", "patient_id": 99}.get(column)
            if column == "at":
                value = records[target - 1]["at"].replace(year=2000)
            conn.execute(update(t.audit_event).where(t.audit_event.c.seq == target).values({column: value}))
        elif kind == "delete":
            conn.execute(delete(t.audit_event).where(t.audit_event.c.seq == target))
        elif kind == "insert":
            forged = {**records[target - 1], "seq": length + 1, "reason": "forged"}
            conn.execute(insert(t.audit_event).values(**forged))
        else:
            other = target % length + 1  # a different row
            seq = t.audit_event.c.seq
            for before, after in ((target, -1), (other, target), (-1, other)):  # the two rows change places
                conn.execute(update(t.audit_event).where(seq == before).values(seq=after))
    verdict = verify(engine)
    assert not verdict.intact
    expected = {"edit": target, "delete": target, "insert": length + 1, "swap": min(target, target % length + 1)}
    assert verdict.first_broken == expected[kind], verdict
