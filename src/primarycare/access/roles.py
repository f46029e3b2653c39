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


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    practice_code: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; roles are {', '.join(ROLES)}")
        if self.role == "practice_user" and not self.practice_code:
            raise ValueError("a practice user belongs to a practice: give its ODS code")

    @property
    def is_practice_user(self) -> bool:
        return self.role == "practice_user"


def can_see_practice(user: User, practice_code: str) -> bool:
    """A practice user sees only its own practice; every other role sees every practice of the economy."""
    return not user.is_practice_user or user.practice_code == practice_code
