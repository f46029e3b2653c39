"""Special patient notes the practice writes for patients with predefined needs, and who may read them.

A palliative-care note carries the end-of-life fields of the EPaCCS standard (SCCI 1580); a care plan and a
child-protection flag carry free text. Reading follows the Summary Care Record pattern: role, then a legitimate
relationship (an open case for the patient assigned to the reading clinician), or recorded emergency access. A
patient's objection to sharing leaves only emergency access out of hours."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from primarycare.access.roles import User

PALLIATIVE_FIELDS: tuple[str, ...] = (
    "cpr_decision",
    "prognosis",
    "preferred_place_of_care",
    "preferred_place_of_death",
    "anticipatory_medicines",
    "lasting_power_of_attorney",
    "key_contacts",
    "consent_to_share",
)
KINDS: dict[str, tuple[str, ...]] = {
    "palliative": PALLIATIVE_FIELDS,
    "care_plan": ("plan",),
    "child_protection": ("instruction",),
}
EMERGENCY_ACCESS = timedelta(hours=1)  # how long an emergency read lasts (an assumption: set locally)
MIN_REASON = 10
REVIEW_OUTCOMES = ("justified", "not_justified")
OVERDUE_ALERT = timedelta(days=7)


class NoteRefused(ValueError):
    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class NoteDraft:
    kind: str
    content: dict[str, str]
    review_date: date
    objection_to_sharing: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise NoteRefused("kind", f"kind must be one of {', '.join(KINDS)}")
        unknown = set(self.content) - set(KINDS[self.kind])
        if unknown:
            raise NoteRefused(sorted(unknown)[0], f"a {self.kind} note has no field {sorted(unknown)[0]}")
        if not any(str(v).strip() for v in self.content.values()):
            raise NoteRefused("content", "the note is empty")
        if self.kind == "child_protection" and not self.content.get("instruction", "").strip():
            raise NoteRefused("instruction", "a child protection flag says what to do, e.g. contact the practice")


@dataclass(frozen=True)
class Relationship:
    """What ties a user to a patient now: an open case assigned to them, and unexpired emergency access."""

    assigned_open_case: bool
    emergency_until: datetime | None = None

    def emergency_live(self, now: datetime) -> bool:
        return self.emergency_until is not None and now < self.emergency_until


@dataclass(frozen=True)
class ReadDecision:
    granted: bool
    basis: str  # practice, relationship, emergency, or why not
    include_objected: bool = False  # notes the patient objected to sharing are shown (practice, emergency)


def decide_read(user: User, patient_practice: str, relationship: Relationship, now: datetime) -> ReadDecision:
    """Whether ``user`` may read the patient's notes now, and on what basis."""
    if user.role == "practice_user":
        if user.practice_code == patient_practice:
            return ReadDecision(True, "practice", include_objected=True)
        return ReadDecision(False, "a practice sees only its own patients' notes")
    if user.role != "ooh_clinician":
        return ReadDecision(False, f"a {user.role.replace('_', ' ')} does not read special notes")
    if relationship.emergency_live(now):
        return ReadDecision(True, "emergency", include_objected=True)
    if relationship.assigned_open_case:
        return ReadDecision(True, "relationship")
    return ReadDecision(
        False, "no open case for this patient is assigned to you: take the case or use emergency access"
    )


def check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise NoteRefused("emergency_reason", f"say why you need emergency access ({MIN_REASON} characters or more)")
    return reason
