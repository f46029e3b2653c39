"""The fixed words of the out-of-hours service: priorities, outcomes, events, clocks and their statuses."""

SOURCES: tuple[str, ...] = ("111", "direct")
PRIORITIES: tuple[str, ...] = ("emergency", "urgent", "less_urgent")
FACE_TO_FACE_TYPES: tuple[str, ...] = ("base", "home")
OUTCOMES: tuple[str, ...] = (
    "advice",
    "prescription",
    "base_visit",
    "home_visit",
    "referred_to_ae",
    "ambulance",
    "admitted",
)
FACE_TO_FACE_OUTCOMES: frozenset[str] = frozenset({"base_visit", "home_visit"})
SEXES: tuple[str, ...] = ("female", "male", "other", "unknown")

# What can happen to a case, each with the value it carries (if any).
EVENTS: dict[str, str | None] = {
    "call_answered": None,
    "transfer_999": None,
    "assessment_started": None,
    "priority_set": "priority",
    "face_to_face_booked": "face_to_face_type",
    "face_to_face_started": "face_to_face_type",
    "assigned": "clinician",
    "closed": "outcome",
}
REPEATABLE_EVENTS: frozenset[str] = frozenset({"priority_set", "assigned"})

CLOCKS: tuple[str, ...] = ("call_answered", "transfer_999", "assessment", "face_to_face", "post_event_message")
STATUSES: tuple[str, ...] = ("met", "breached", "running", "not_applicable")
