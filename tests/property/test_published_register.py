"""Hypothesis: for any people and declarations, the public register (through the store and the web view) shows
exactly the decision-makers' interests that are current or ended within six months — and nothing else."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from primarycare.governance.model import Interest, Person
from primarycare.store import governance as store
from primarycare.store.engine import make_engine
from primarycare.store.migrate import upgrade
from primarycare.web.governance_views import public_interests

TODAY = datetime.now(UTC).date()
days = st.integers(-900, 30)


@st.composite
def declarations(draw):
    people = draw(st.lists(st.tuples(st.sampled_from(["lay_member", "gp_member", "observer"]), st.booleans()),
                           min_size=1, max_size=4))  # fmt: skip
    interests = []
    for _ in range(draw(st.integers(0, 8))):
        start = TODAY + timedelta(days=draw(days))
        end = start + timedelta(days=draw(st.integers(0, 600))) if draw(st.booleans()) else None
        interests.append((draw(st.integers(0, len(people) - 1)), start, end))
    return people, interests


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(declarations())
def test_the_public_register_shows_exactly_what_the_guidance_says(tmp_path_factory, data):
    people, interests = data
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('register') / 'g.db'}")
    upgrade(engine)
    ids = [store.add_person(engine, None, "00A", Person(0, f"P{i}", role, maker))
           for i, (role, maker) in enumerate(people)]  # fmt: skip
    expected = set()
    for n, (who, start, end) in enumerate(interests):
        store.add_interest(engine, None, Interest(ids[who], "financial", "outside", f"Org {n}", f"I{n}", start,
                                                  start, end))  # fmt: skip
        decision_maker = people[who][1]
        current = start <= TODAY and (end is None or end >= TODAY - timedelta(days=183))
        if decision_maker and current:
            expected.add(f"I{n}")
    shown = public_interests(engine)
    assert {row["description"] for row in shown} == expected
    assert all(set(row) == {"commissioner", "name", "role", "type", "organisation", "description", "from", "to",
                            "declared"} for row in shown)  # fmt: skip
