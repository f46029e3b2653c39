"""Hypothesis: no vote of an excluded member is ever counted, and a decision is never recorded while inquorate."""

from hypothesis import given
from hypothesis import strategies as st

from primarycare.governance.decisions import Inquorate, decide, voting_members
from primarycare.governance.model import GovernanceError, Person
from primarycare.governance.quorum import QuorumRule, check_quorum
from primarycare.governance.vocabulary import ACTIONS, PERSON_ROLES, VOTES

members = st.lists(st.sampled_from(PERSON_ROLES), min_size=0, max_size=9).map(
    lambda roles: [Person(i, f"m{i}", role) for i, role in enumerate(roles)]
)
rules = st.builds(
    QuorumRule,
    st.integers(1, 5),
    st.lists(st.sampled_from(PERSON_ROLES), max_size=2).map(tuple),
    st.lists(st.sampled_from(PERSON_ROLES), max_size=2).map(tuple),
)


@given(rules, members, st.data())
def test_excluded_votes_never_count_and_inquorate_items_are_never_decided(rule, present, data):
    actions = {p.id: data.draw(st.sampled_from(ACTIONS)) for p in present}
    votes = {p.id: data.draw(st.sampled_from(VOTES)) for p in present if data.draw(st.booleans())}
    voting = voting_members(present, actions)
    quorate = check_quorum(rule, voting).quorate
    try:
        outcome = decide(rule, present, actions, votes)
    except Inquorate:
        assert not quorate
        return
    except GovernanceError:
        assert any(actions[i] != "none" or present[i].role == "observer" for i in votes)  # only an excluded vote
        return
    assert quorate
    assert all(actions[i] == "none" and present[i].role != "observer" for i in votes)
    assert sum(outcome.tally.values()) == len(votes) <= len(voting)
