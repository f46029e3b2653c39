"""A committee's quorum rule as data, checked against the members who may vote on an item after exclusions.

A rule: at least ``minimum`` voting members; at least one of each role in ``require_roles`` (e.g. a lay member and
an executive); and, when ``majority_roles`` is given, members of those roles outnumbering the rest ("lay and
executive members in the majority")."""

from dataclasses import dataclass

from primarycare.governance.model import GovernanceError, Person
from primarycare.governance.vocabulary import PERSON_ROLES


@dataclass(frozen=True)
class QuorumRule:
    minimum: int
    require_roles: tuple[str, ...] = ()
    majority_roles: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.minimum < 1:
            raise GovernanceError("quorum.minimum: at least 1")
        for role in (*self.require_roles, *self.majority_roles):
            if role not in PERSON_ROLES:
                raise GovernanceError(f"quorum: unknown role {role!r}; roles are {', '.join(PERSON_ROLES)}")

    @classmethod
    def from_data(cls, data: dict) -> "QuorumRule":
        unknown = set(data) - {"minimum", "require_roles", "majority_roles"}
        if unknown:
            raise GovernanceError(f"quorum.{sorted(unknown)[0]}: not a quorum field")
        if not isinstance(data.get("minimum"), int):
            raise GovernanceError("quorum.minimum: a whole number is required")
        return cls(data["minimum"], tuple(data.get("require_roles", ())), tuple(data.get("majority_roles", ())))


@dataclass(frozen=True)
class Quorum:
    quorate: bool
    reasons: tuple[str, ...]  # why not, when not


def check_quorum(rule: QuorumRule, voting: list[Person]) -> Quorum:
    reasons = []
    if len(voting) < rule.minimum:
        reasons.append(f"{len(voting)} voting member{'s' if len(voting) != 1 else ''}; at least {rule.minimum} needed")
    roles = [p.role for p in voting]
    for role in rule.require_roles:
        if role not in roles:
            reasons.append(f"no {role.replace('_', ' ')} can vote")
    if rule.majority_roles:
        inside = sum(r in rule.majority_roles for r in roles)
        if inside <= len(roles) - inside:
            names = " and ".join(r.replace("_", " ") + "s" for r in rule.majority_roles)
            reasons.append(f"{names} are not in the majority ({inside} of {len(roles)})")
    return Quorum(not reasons, tuple(reasons))
