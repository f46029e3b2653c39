"""The timed quality requirements on one case (NQR 8, 9 and 12). A clock runs from its start event to a deadline;
it is met when its end event comes by the deadline, breached when it comes later or the deadline passes (or the case
closes) without it, running while the case is open and the deadline is ahead, and not applicable when the
requirement does not apply to the case."""

from dataclasses import dataclass
from datetime import datetime

from primarycare.economy.calendar import next_working_day_at
from primarycare.urgentcare.case import Case
from primarycare.urgentcare.rules import Targets


@dataclass(frozen=True)
class Clock:
    name: str
    status: str  # met, breached, running, not_applicable
    deadline: datetime | None = None
    ended_at: datetime | None = None

    def time_left(self, now: datetime) -> float | None:
        """Seconds until the deadline (negative once past), for a clock still counting."""
        if self.deadline is None or self.ended_at is not None or self.status == "not_applicable":
            return None
        return (self.deadline - now).total_seconds()


def _status(name: str, deadline: datetime, ended_at: datetime | None, case: Case, now: datetime) -> Clock:
    if ended_at is not None:
        return Clock(name, "met" if ended_at <= deadline else "breached", deadline, ended_at)
    if case.closed_at is not None or now >= deadline:
        return Clock(name, "breached", deadline)
    return Clock(name, "running", deadline)


def case_clocks(case: Case, targets: Targets, now: datetime) -> tuple[Clock, ...]:
    """The five clocks of a case, in the order of CLOCKS."""
    answered = _status("call_answered", case.received_at + targets.call_answered, case.answered_at, case, now)
    if case.transfer_999_at is not None or case.ambulance_disposition:
        transfer = _status("transfer_999", case.clock_start + targets.transfer_999, case.transfer_999_at, case, now)
    else:
        transfer = Clock("transfer_999", "not_applicable")
    if case.transfer_999_at is not None and case.assessment_started_at is None:
        assessment = Clock("assessment", "not_applicable")  # passed to the ambulance service instead
    else:
        deadline = case.clock_start + targets.assessment[case.priority]
        assessment = _status("assessment", deadline, case.assessment_started_at, case, now)
    if case.needs_face_to_face:
        start = case.assessment_started_at or case.clock_start
        deadline = start + targets.face_to_face[case.priority]
        face_to_face = _status("face_to_face", deadline, case.face_to_face_started_at, case, now)
    else:
        face_to_face = Clock("face_to_face", "not_applicable")
    if case.closed_at is not None:  # NQR 2: by 08:00 on the first working day whose 08:00 comes after the close
        deadline = next_working_day_at(case.closed_at, targets.post_event_message_hour)
        ended = case.message_delivered_at
        if ended is not None:
            message = Clock("post_event_message", "met" if ended <= deadline else "breached", deadline, ended)
        else:
            message = Clock("post_event_message", "breached" if now >= deadline else "running", deadline)
    else:
        message = Clock("post_event_message", "not_applicable")
    return (answered, transfer, assessment, face_to_face, message)


def nearest_deadline(clocks: tuple[Clock, ...]) -> datetime | None:
    """The deadline that matters most now: the earliest of the clocks still counting (running, or breached and
    still waiting for their event)."""
    counting = [
        c.deadline
        for c in clocks
        if c.deadline is not None and c.ended_at is None and c.status != "met" and c.name != "post_event_message"
    ]
    return min(counting) if counting else None


def next_deadline(case: Case, targets: Targets) -> datetime | None:
    """The queue's sort key, kept with the case: the earliest deadline of a clock still waiting for its event. It
    does not depend on the time it is asked at (a clock waiting for its event counts whether running or already
    breached), so it is worked out when the case changes and stored."""
    return nearest_deadline(case_clocks(case, targets, case.received_at))
