"""An item's decision: who may vote after the chair's decisions on conflicts, quorum after exclusions, and the
votes. A decision is refused while inquorate (defer or refer instead) and a vote by an excluded member is refused."""

from collections import Counter
from dataclasses import dataclass

from primarycare.governance.model import GovernanceError, Person
from primarycare.governance.quorum import Quorum, QuorumRule, check_quorum
from primarycare.governance.vocabulary import ACTIONS, VOTES


class Inquorate(GovernanceError):
    pass


@dataclass(frozen=True)
class Outcome:
    carried: bool
    tally: dict[str, int]
    quorum: Quorum


def voting_members(present: list[Person], actions: dict[int, str]) -> list[Person]:
    """Members present whom the chair has not excluded from the vote (no action on their conflicts); observers
    attend but never vote."""
    for person_id, action in actions.items():
        if action not in ACTIONS:
            raise GovernanceError(f"action for member {person_id}: one of {', '.join(ACTIONS)}")
    return [p for p in present if actions.get(p.id, "none") == "none" and p.role != "observer"]


def decide(rule: QuorumRule, present: list[Person], actions: dict[int, str], votes: dict[int, str]) -> Outcome:
    """The outcome of a vote, or Inquorate / GovernanceError saying why it cannot be recorded."""
    voting = voting_members(present, actions)
    quorum = check_quorum(rule, voting)
    if not quorum.quorate:
        raise Inquorate("inquorate after exclusions: " + "; ".join(quorum.reasons) + " (defer or refer the item)")
    allowed = {p.id for p in voting}
    for person_id, vote in votes.items():
        if person_id not in allowed:
            raise GovernanceError(f"member {person_id} may not vote on this item")
        if vote not in VOTES:
            raise GovernanceError(f"a vote is one of {', '.join(VOTES)}")
    tally = Counter(votes.values())
    counts = {v: tally[v] for v in VOTES}
    return Outcome(counts["for"] > counts["against"], counts, quorum)
