"""People on a commissioner's committees, their declared interests and gifts, and an agenda item's subject."""

from dataclasses import dataclass
from datetime import date

from primarycare.governance.vocabulary import INTEREST_TYPES, ORGANISATION_KINDS, PERSON_ROLES, SUBJECT_KINDS


class GovernanceError(ValueError):
    pass


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    role: str
    decision_maker: bool = True

    def __post_init__(self) -> None:
        if self.role not in PERSON_ROLES:
            raise GovernanceError(f"role must be one of {', '.join(PERSON_ROLES)}")


@dataclass(frozen=True)
class Interest:
    person_id: int
    type: str
    organisation_kind: str
    organisation_code: str  # an economy code, or the outside organisation's name
    description: str
    start: date
    declared_on: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.type not in INTEREST_TYPES:
            raise GovernanceError(f"type must be one of {', '.join(INTEREST_TYPES)}")
        if self.organisation_kind not in ORGANISATION_KINDS:
            raise GovernanceError(f"organisation_kind must be one of {', '.join(ORGANISATION_KINDS)}")
        if self.end is not None and self.end < self.start:
            raise GovernanceError("an interest cannot end before it starts")

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Gift:
    person_id: int
    organisation_kind: str
    organisation_code: str
    kind: str  # gift or hospitality
    value_gbp: float
    received_on: date
    description: str = ""
    from_supplier: bool = False  # a supplier or contractor of the commissioner


@dataclass(frozen=True)
class Subject:
    """What an agenda item is about, resolved against the economy: the practices it touches (a scheme's are all its
    members), their networks, and an OOH provider."""

    kind: str
    code: str
    practices: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()
    provider: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in SUBJECT_KINDS:
            raise GovernanceError(f"a subject is one of {', '.join(SUBJECT_KINDS)}")

    def direct(self) -> set[tuple[str, str]]:
        found = {("practice", p) for p in self.practices}
        if self.kind == "network":
            found |= {("network", n) for n in self.networks}
        if self.provider:
            found.add(("ooh_provider", self.provider))
        return found

    def parents(self) -> set[tuple[str, str]]:
        return set() if self.kind == "network" else {("network", n) for n in self.networks}
