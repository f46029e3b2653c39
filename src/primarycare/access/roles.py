"""The roles of primarycare's users and what each may see of the economy."""

from dataclasses import dataclass

ROLES: tuple[str, ...] = (
    "commissioner",
    "governance_lead",
    "practice_user",
    "ooh_call_handler",
    "ooh_clinician",
    "privacy_officer",
    "admin",
)


OOH_STAFF: tuple[str, ...] = ("ooh_call_handler", "ooh_clinician")
# What each OOH role may record on a case; a clinician records every event.
CALL_HANDLER_EVENTS = frozenset({"call_answered", "transfer_999"})


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    practice_code: str | None = None
    provider_code: str | None = None  # the OOH provider a call handler or clinician works for
    commissioner_code: str | None = None  # a commissioner's own organisation; None sees every commissioner

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; roles are {', '.join(ROLES)}")
        if self.role == "practice_user" and not self.practice_code:
            raise ValueError("a practice user belongs to a practice: give its ODS code")
        if self.role in OOH_STAFF and not self.provider_code:
            raise ValueError("a call handler or clinician works for an OOH provider: give its code")

    @property
    def is_practice_user(self) -> bool:
        return self.role == "practice_user"


def can_see_practice(user: User, practice_code: str) -> bool:
    """A practice user sees only its own practice; every other role sees every practice of the economy."""
    return not user.is_practice_user or user.practice_code == practice_code


def can_see_provider(user: User, provider_code: str, commissioners: tuple[str, ...]) -> bool:
    """OOH staff see only their own provider; a commissioner sees the providers it commissions (every provider when
    it is not tied to one commissioner); an admin sees every provider. Nobody else sees OOH cases or reports."""
    if user.role in OOH_STAFF:
        return user.provider_code == provider_code
    if user.role == "commissioner":
        return user.commissioner_code is None or user.commissioner_code in commissioners
    return user.role == "admin"


def can_see_patient(user: User, provider_code: str) -> bool:
    """Who a patient is (name, NHS number, date of birth, postcode) only the provider's own staff see; commissioners
    and admins see cases without them."""
    return user.role in OOH_STAFF and user.provider_code == provider_code


def can_record(user: User, provider_code: str, kind: str) -> bool:
    """Call handlers open cases and record the call and 999 transfers; clinicians record everything."""
    if user.role not in OOH_STAFF or user.provider_code != provider_code:
        return False
    return user.role == "ooh_clinician" or kind in CALL_HANDLER_EVENTS or kind == "opened"
