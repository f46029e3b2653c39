"""NQR clocks as a table: a case's times (UK local) -> each clock's status, and its deadline in UK local time.
Clocks count elapsed time, so they run the same across midnight, weekends, bank holidays and the clock changes."""

import pytest

from primarycare.economy.calendar import uk_local
from primarycare.urgentcare.clocks import case_clocks
from tests.spec.ooh_cases import RULES, case, uk

# (what, case, now, clock, status, deadline in UK local time or None)
ROWS = [
    (
        "answered in 60 s",
        case(received="2026-01-14 19:00:00", answered="2026-01-14 19:01:00"),
        "2026-01-14 19:30",
        "call_answered",
        "met",
        "2026-01-14T19:01:00+00:00",
    ),
    (
        "answered in 61 s",
        case(received="2026-01-14 19:00:00", answered="2026-01-14 19:01:01"),
        "2026-01-14 19:30",
        "call_answered",
        "breached",
        "2026-01-14T19:01:00+00:00",
    ),
    (
        "urgent assessed at 20 min",
        case(received="2026-01-14 19:00", answered="2026-01-14 19:00:30", assessed="2026-01-14 19:20:30"),
        "2026-01-14 20:00",
        "assessment",
        "met",
        "2026-01-14T19:20:30+00:00",
    ),
    (
        "urgent assessed at 21 min",
        case(received="2026-01-14 19:00", answered="2026-01-14 19:00:30", assessed="2026-01-14 19:21:30"),
        "2026-01-14 20:00",
        "assessment",
        "breached",
        "2026-01-14T19:20:30+00:00",
    ),
    (
        "less urgent, 59 min",
        case("Dx13", received="2026-01-14 19:00", answered="2026-01-14 19:00", assessed="2026-01-14 19:59"),
        "2026-01-14 21:00",
        "assessment",
        "met",
        "2026-01-14T20:00:00+00:00",
    ),
    (
        "clock starts at the answer, not the receipt",
        case(received="2026-01-14 19:00", answered="2026-01-14 19:05", assessed="2026-01-14 19:24"),
        "2026-01-14 21:00",
        "assessment",
        "met",
        "2026-01-14T19:25:00+00:00",
    ),
    (
        "across midnight",
        case("Dx13", received="2026-01-14 23:50", answered="2026-01-14 23:50:30", assessed="2026-01-15 00:45"),
        "2026-01-15 02:00",
        "assessment",
        "met",
        "2026-01-15T00:50:30+00:00",
    ),
    (
        "Saturday peak",
        case(received="2026-01-17 10:00", answered="2026-01-17 10:00", assessed="2026-01-17 10:40"),
        "2026-01-17 12:00",
        "assessment",
        "breached",
        "2026-01-17T10:20:00+00:00",
    ),
    (
        "Christmas Day (bank holiday)",
        case("Dx13", received="2025-12-25 11:00", answered="2025-12-25 11:00", assessed="2025-12-25 11:30"),
        "2025-12-25 13:00",
        "assessment",
        "met",
        "2025-12-25T12:00:00+00:00",
    ),
    (
        "March clock change: 60 min from 00:50 GMT is 02:50 BST",
        case("Dx13", received="2026-03-29 00:50", answered="2026-03-29 00:50", assessed="2026-03-29 02:45"),
        "2026-03-29 04:00",
        "assessment",
        "met",
        "2026-03-29T02:50:00+01:00",
    ),
    (
        "March clock change: 02:55 BST is late",
        case("Dx13", received="2026-03-29 00:50", answered="2026-03-29 00:50", assessed="2026-03-29 02:55"),
        "2026-03-29 04:00",
        "assessment",
        "breached",
        "2026-03-29T02:50:00+01:00",
    ),
    (
        "October clock change: the second 01:20 is late",
        case(
            "Dx13",
            received="2026-10-25 00:30+01:00",
            answered="2026-10-25 00:30+01:00",
            assessed="2026-10-25 01:20+00:00",
        ),
        "2026-10-25 04:00",
        "assessment",
        "breached",
        "2026-10-25T01:30:00+01:00",
    ),
    (
        "October clock change: the first 01:20 is in time",
        case(
            "Dx13",
            received="2026-10-25 00:30+01:00",
            answered="2026-10-25 00:30+01:00",
            assessed="2026-10-25 01:20+01:00",
        ),
        "2026-10-25 04:00",
        "assessment",
        "met",
        "2026-10-25T01:30:00+01:00",
    ),
    (
        "open, deadline ahead",
        case(received="2026-01-14 19:00", answered="2026-01-14 19:00"),
        "2026-01-14 19:10",
        "assessment",
        "running",
        "2026-01-14T19:20:00+00:00",
    ),
    (
        "open, deadline passed",
        case(received="2026-01-14 19:00", answered="2026-01-14 19:00"),
        "2026-01-14 19:25",
        "assessment",
        "breached",
        "2026-01-14T19:20:00+00:00",
    ),
    (
        "closed without an assessment",
        case(received="2026-01-14 19:00", answered="2026-01-14 19:00", closed="2026-01-14 19:10", outcome="advice"),
        "2026-01-14 19:11",
        "assessment",
        "breached",
        "2026-01-14T19:20:00+00:00",
    ),
    (
        "no face-to-face needed",
        case(
            received="2026-01-14 19:00",
            answered="2026-01-14 19:00",
            assessed="2026-01-14 19:10",
            closed="2026-01-14 19:20",
            outcome="advice",
        ),
        "2026-01-14 20:00",
        "face_to_face",
        "not_applicable",
        None,
    ),
    (
        "urgent face-to-face within 2 h of assessment",
        case(
            received="2026-01-14 19:00",
            answered="2026-01-14 19:00",
            assessed="2026-01-14 19:10",
            booked="2026-01-14 19:20",
            f2f="2026-01-14 21:10",
        ),
        "2026-01-14 22:00",
        "face_to_face",
        "met",
        "2026-01-14T21:10:00+00:00",
    ),
    (
        "urgent face-to-face 1 min late",
        case(
            received="2026-01-14 19:00",
            answered="2026-01-14 19:00",
            assessed="2026-01-14 19:10",
            booked="2026-01-14 19:20",
            f2f="2026-01-14 21:11",
        ),
        "2026-01-14 22:00",
        "face_to_face",
        "breached",
        "2026-01-14T21:10:00+00:00",
    ),
    (
        "emergency face-to-face: 1 h",
        case(
            "Dx11",
            received="2026-01-14 19:00",
            answered="2026-01-14 19:00",
            assessed="2026-01-14 19:10",
            booked="2026-01-14 19:15",
            f2f="2026-01-14 20:15",
        ),
        "2026-01-14 22:00",
        "face_to_face",
        "breached",
        "2026-01-14T20:10:00+00:00",
    ),
    (
        "less urgent face-to-face: 6 h, across midnight",
        case(
            "Dx13",
            received="2026-01-14 22:00",
            answered="2026-01-14 22:00",
            assessed="2026-01-14 22:30",
            booked="2026-01-14 22:40",
            f2f="2026-01-15 04:20",
        ),
        "2026-01-15 05:00",
        "face_to_face",
        "met",
        "2026-01-15T04:30:00+00:00",
    ),
    (
        "booked face-to-face still waiting",
        case(
            "Dx13",
            received="2026-01-14 22:00",
            answered="2026-01-14 22:00",
            assessed="2026-01-14 22:30",
            booked="2026-01-14 22:40",
        ),
        "2026-01-15 01:00",
        "face_to_face",
        "running",
        "2026-01-15T04:30:00+00:00",
    ),
    (
        "no 999 needed",
        case(received="2026-01-14 19:00", answered="2026-01-14 19:00"),
        "2026-01-14 19:10",
        "transfer_999",
        "not_applicable",
        None,
    ),
    (
        "ambulance disposition passed to 999 in 3 min",
        case("Dx012", received="2026-01-14 19:00", answered="2026-01-14 19:00:20", transfer="2026-01-14 19:03:20"),
        "2026-01-14 19:10",
        "transfer_999",
        "met",
        "2026-01-14T19:03:20+00:00",
    ),
    (
        "ambulance disposition passed to 999 late",
        case("Dx012", received="2026-01-14 19:00", answered="2026-01-14 19:00:20", transfer="2026-01-14 19:04"),
        "2026-01-14 19:10",
        "transfer_999",
        "breached",
        "2026-01-14T19:03:20+00:00",
    ),
    (
        "ambulance disposition, 999 clock running",
        case("Dx012", received="2026-01-14 19:00", answered="2026-01-14 19:00"),
        "2026-01-14 19:01",
        "transfer_999",
        "running",
        "2026-01-14T19:03:00+00:00",
    ),
    (
        "passed to 999: no assessment due",
        case(
            "Dx012",
            received="2026-01-14 19:00",
            answered="2026-01-14 19:00",
            transfer="2026-01-14 19:02",
            closed="2026-01-14 19:02",
            outcome="ambulance",
        ),
        "2026-01-14 19:30",
        "assessment",
        "not_applicable",
        None,
    ),
]


@pytest.mark.parametrize(("what", "the_case", "now", "clock", "status", "deadline"), ROWS, ids=[r[0] for r in ROWS])
def test_clock(what, the_case, now, clock, status, deadline):
    clocks = {c.name: c for c in case_clocks(the_case, RULES.national, uk(now))}
    assert clocks[clock].status == status
    shown = None if clocks[clock].deadline is None else uk_local(clocks[clock].deadline).isoformat()
    assert shown == deadline


# The post-event message clock: delivered by 08:00 on the first working day whose 08:00 comes after the close.
MESSAGES = [
    (
        "Tuesday night, delivered at once",
        "2026-01-13 23:00",
        "2026-01-13 23:05",
        "2026-01-14 09:00",
        "met",
        "2026-01-14T08:00:00+00:00",
    ),
    (
        "Tuesday night, delivered at 08:01",
        "2026-01-13 23:00",
        "2026-01-14 08:01",
        "2026-01-14 09:00",
        "breached",
        "2026-01-14T08:00:00+00:00",
    ),
    (
        "closed at 07:30 on a working day: due 08:00 the same day",
        "2026-01-14 07:30",
        None,
        "2026-01-14 07:45",
        "running",
        "2026-01-14T08:00:00+00:00",
    ),
    (
        "Friday night: due Monday",
        "2026-01-16 22:00",
        "2026-01-19 07:59",
        "2026-01-19 09:00",
        "met",
        "2026-01-19T08:00:00+00:00",
    ),
    (
        "Saturday, not delivered by Monday 08:00",
        "2026-01-17 12:00",
        None,
        "2026-01-19 08:00",
        "breached",
        "2026-01-19T08:00:00+00:00",
    ),
    (
        "Christmas Eve 2026: due Tuesday 29th",
        "2026-12-24 20:00",
        "2026-12-28 10:00",
        "2026-12-29 09:00",
        "met",
        "2026-12-29T08:00:00+00:00",
    ),
    (
        "Good Friday 2026: due Tuesday after Easter Monday",
        "2026-04-03 11:00",
        None,
        "2026-04-06 12:00",
        "running",
        "2026-04-07T08:00:00+01:00",
    ),
    (
        "Saturday before the March clock change: due Monday 08:00 BST",
        "2026-03-28 23:30",
        "2026-03-30 07:30",
        "2026-03-30 09:00",
        "met",
        "2026-03-30T08:00:00+01:00",
    ),
    (
        "Saturday of the October clock change: due Monday 08:00 GMT",
        "2026-10-24 23:30+01:00",
        "2026-10-26 08:30",
        "2026-10-26 09:00",
        "breached",
        "2026-10-26T08:00:00+00:00",
    ),
]


@pytest.mark.parametrize(("what", "closed", "delivered", "now", "status", "deadline"), MESSAGES,
                         ids=[m[0] for m in MESSAGES])  # fmt: skip
def test_post_event_message_clock(what, closed, delivered, now, status, deadline):
    from dataclasses import replace

    closed_case = case(received=closed, answered=closed, assessed=closed, closed=closed, outcome="advice")
    if delivered:
        closed_case = replace(closed_case, message_delivered_at=uk(delivered))
    clock = {c.name: c for c in case_clocks(closed_case, RULES.national, uk(now))}["post_event_message"]
    assert clock.status == status
    assert uk_local(clock.deadline).isoformat() == deadline


def test_an_open_case_has_no_message_clock_yet():
    open_case = case(received="2026-01-14 19:00", answered="2026-01-14 19:00")
    clock = {c.name: c for c in case_clocks(open_case, RULES.national, uk("2026-01-14 20:00"))}["post_event_message"]
    assert clock.status == "not_applicable"
