"""Conflicts of interest on an agenda item, computed from the registers before the meeting: direct interests in the
subject, interests in its network (parent organisation), indirect interests (through close associates, declared
as type ``indirect``), and gifts or hospitality from the subject in the months before. Each conflict carries the
proposed action from the policy file; a member keeps the strongest."""

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

from primarycare.governance.model import Gift, GovernanceError, Interest, Person, Subject
from primarycare.governance.vocabulary import ACTIONS, INTEREST_TYPES


@dataclass(frozen=True)
class Policy:
    direct: dict[str, str]
    parent: dict[str, str]
    gift_months: int
    gift_action: str


@dataclass(frozen=True)
class Conflict:
    person_id: int
    reason: str
    action: str


def load_policy(path: Path | None = None) -> Policy:
    if path is None:
        text = resources.files("primarycare.governance").joinpath("data", "conflicts.toml").read_text("utf-8")
        name = "conflicts.toml"
    else:
        text, name = Path(path).read_text("utf-8"), Path(path).name
    data = tomllib.loads(text)
    for table in ("direct", "parent"):
        for kind in INTEREST_TYPES:
            if data.get(table, {}).get(kind) not in ACTIONS:
                raise GovernanceError(f"{name}: {table}.{kind}: one of {', '.join(ACTIONS)}")
    gifts = data.get("gifts", {})
    if gifts.get("action") not in ACTIONS or not isinstance(gifts.get("months"), int):
        raise GovernanceError(f"{name}: gifts: months (a whole number) and action ({', '.join(ACTIONS)})")
    return Policy(data["direct"], data["parent"], gifts["months"], gifts["action"])


def conflicts(
    subject: Subject, people: list[Person], interests: list[Interest], gifts: list[Gift], on: date, policy: Policy
) -> list[Conflict]:
    """Every conflict of the people on the item, in the order of the people and then of what caused it."""
    direct, parents = subject.direct(), subject.parents()
    since = on - timedelta(days=round(policy.gift_months * 30.44))
    found = []
    for person in people:
        for interest in (i for i in interests if i.person_id == person.id and i.active_on(on)):
            organisation = (interest.organisation_kind, interest.organisation_code)
            if organisation in direct:
                action, where = policy.direct[interest.type], "the item's subject"
            elif organisation in parents:
                action, where = policy.parent[interest.type], "the subject's network"
            else:
                continue
            kind = interest.type.replace("_", " ")
            found.append(Conflict(person.id, f"{kind} interest in {where} ({interest.description})", action))
        for gift in (g for g in gifts if g.person_id == person.id and since <= g.received_on <= on):
            if (gift.organisation_kind, gift.organisation_code) in direct | parents:
                reason = f"{gift.kind} worth £{gift.value_gbp:,.2f} from {gift.organisation_code} on {gift.received_on}"
                found.append(Conflict(person.id, reason, policy.gift_action))
    return found


def proposed_actions(people: list[Person], found: list[Conflict]) -> dict[int, str]:
    """The strongest action each person's conflicts call for ('none' when there are none)."""
    strongest = {person.id: "none" for person in people}
    for conflict in found:
        if ACTIONS.index(conflict.action) > ACTIONS.index(strongest[conflict.person_id]):
            strongest[conflict.person_id] = conflict.action
    return strongest
