"""A case and the events that happen to it. Each event carries its own time; an event is refused when it is in the
future, after the case closed, repeated, or when its time is impossible beside the times already recorded (the
recording order itself is free: a late entry is fine if the times make sense)."""

from dataclasses import dataclass, replace
from datetime import date, datetime

from primarycare.economy.calendar import in_repeated_hour, require_aware, uk_local
from primarycare.urgentcare.vocabulary import (
    EVENTS,
    FACE_TO_FACE_TYPES,
    OUTCOMES,
    PRIORITIES,
    REPEATABLE_EVENTS,
    SOURCES,
)


class EventRefused(ValueError):
    """An event that cannot be recorded; ``field`` names what is wrong, the message says why."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class Patient:
    nhs_number: str | None
    name: str = ""
    birth_date: date | None = None
    sex: str = "unknown"
    postcode: str = ""


@dataclass(frozen=True)
class Event:
    kind: str
    at: datetime
    value: str | None = None
    user_id: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in EVENTS:
            raise EventRefused("kind", f"unknown event {self.kind!r}; events are {', '.join(EVENTS)}")
        require_aware(self.at)
        allowed = {"priority": PRIORITIES, "face_to_face_type": FACE_TO_FACE_TYPES, "outcome": OUTCOMES}
        choices = allowed.get(EVENTS[self.kind] or "")
        if choices is not None and self.value not in choices:
            raise EventRefused("value", f"{self.kind} needs a {EVENTS[self.kind]}: one of {', '.join(choices)}")


# Times that must not come before another: (earlier, later) pairs of the case's fields.
ORDER: tuple[tuple[str, str], ...] = (
    ("received_at", "answered_at"),
    ("received_at", "passed_at"),
    ("answered_at", "transfer_999_at"),
    ("answered_at", "assessment_started_at"),
    ("received_at", "assessment_started_at"),
    ("assessment_started_at", "face_to_face_booked_at"),
    ("assessment_started_at", "face_to_face_started_at"),
    ("face_to_face_booked_at", "face_to_face_started_at"),
    ("received_at", "closed_at"),
    ("answered_at", "closed_at"),
    ("transfer_999_at", "closed_at"),
    ("assessment_started_at", "closed_at"),
    ("face_to_face_started_at", "closed_at"),
)
LABELS = {
    "received_at": "the call was received",
    "passed_at": "the case was passed on",
    "answered_at": "the call was answered",
    "transfer_999_at": "the 999 transfer",
    "assessment_started_at": "the assessment started",
    "face_to_face_booked_at": "the face-to-face was booked",
    "face_to_face_started_at": "the face-to-face started",
    "closed_at": "the case closed",
}
EVENT_FIELD = {
    "call_answered": "answered_at",
    "transfer_999": "transfer_999_at",
    "assessment_started": "assessment_started_at",
    "priority_set": "priority_set_at",
    "face_to_face_booked": "face_to_face_booked_at",
    "face_to_face_started": "face_to_face_started_at",
    "assigned": "assigned_at",
    "closed": "closed_at",
}


@dataclass(frozen=True)
class Case:
    ref: str
    provider_code: str
    source: str
    patient: Patient
    practice_code: str
    dx_code: str | None
    dx_priority: str  # the priority the disposition code gives
    received_at: datetime
    symptoms: str = ""
    passed_at: datetime | None = None
    ambulance_disposition: bool = False
    base: str | None = None
    answered_at: datetime | None = None
    transfer_999_at: datetime | None = None
    assessment_started_at: datetime | None = None
    priority_set: str | None = None
    priority_set_at: datetime | None = None
    face_to_face_type: str | None = None
    face_to_face_booked_at: datetime | None = None
    face_to_face_started_at: datetime | None = None
    assigned_to: int | None = None
    assigned_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: str | None = None
    closed_by: int | None = None
    message_delivered_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise EventRefused("source", f"source {self.source!r} is not one of {', '.join(SOURCES)}")
        if self.dx_priority not in PRIORITIES:
            raise EventRefused("priority", f"priority {self.dx_priority!r} is not one of {', '.join(PRIORITIES)}")
        if self.source == "111" and not self.dx_code:
            raise EventRefused("dx_code", "a case from NHS 111 carries its disposition (Dx) code")
        for name in LABELS:
            value = getattr(self, name)
            if value is not None:
                require_aware(value)
        for earlier, later in ORDER:
            first, second = getattr(self, earlier), getattr(self, later)
            if first is not None and second is not None and second < first:
                hint = ""
                if in_repeated_hour(first) or in_repeated_hour(second):
                    hint = " (the clocks go back that night: give each time its offset, +01:00 or +00:00)"
                raise EventRefused(
                    later,
                    f"{LABELS[later]} ({uk_local(second):%H:%M %d %b}) cannot come before {LABELS[earlier]}{hint}",
                )

    @property
    def priority(self) -> str:
        """The clinician's priority when set, otherwise the one the disposition gives."""
        return self.priority_set or self.dx_priority

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def clock_start(self) -> datetime:
        """When the assessment and 999 clocks start: the call being answered, or received if no answer is recorded."""
        return self.answered_at or self.received_at

    @property
    def needs_face_to_face(self) -> bool:
        return (
            self.face_to_face_booked_at is not None
            or self.face_to_face_started_at is not None
            or (self.outcome in ("base_visit", "home_visit"))
        )

    @property
    def waiting_for(self) -> str | None:
        """What an open case waits for next: 'assessment', 'face_to_face' or None."""
        if not self.is_open:
            return None
        if self.assessment_started_at is None and self.transfer_999_at is None:
            return "assessment"
        if self.face_to_face_booked_at is not None and self.face_to_face_started_at is None:
            return "face_to_face"
        return None


def record(case: Case, event: Event, now: datetime) -> Case:
    """The case after ``event``, or EventRefused saying why not."""
    if event.at > now:
        raise EventRefused("at", f"{event.kind} at {uk_local(event.at):%H:%M %d %b %Y} is in the future")
    if not case.is_open:
        raise EventRefused("kind", f"the case closed at {uk_local(case.closed_at):%H:%M %d %b %Y}: nothing can follow")
    field = EVENT_FIELD[event.kind]
    if event.kind not in REPEATABLE_EVENTS and getattr(case, field) is not None:
        raise EventRefused("kind", f"{event.kind} is recorded already")
    changes: dict = {field: event.at}
    if event.kind == "priority_set":
        if case.priority_set_at is not None and event.at < case.priority_set_at:
            raise EventRefused("at", "a newer priority is recorded already")
        changes["priority_set"] = event.value
    elif event.kind in ("face_to_face_booked", "face_to_face_started"):
        if case.face_to_face_type not in (None, event.value):
            raise EventRefused("value", f"the face-to-face was booked as {case.face_to_face_type}")
        changes["face_to_face_type"] = event.value
    elif event.kind == "assigned":
        changes["assigned_to"] = event.user_id
    elif event.kind == "closed":
        changes.update(outcome=event.value, closed_by=event.user_id)
        if event.value in ("base_visit", "home_visit") and case.face_to_face_started_at is None:
            raise EventRefused("outcome", f"a {event.value.replace('_', ' ')} needs the face-to-face start recorded")
    return replace(case, **changes)
