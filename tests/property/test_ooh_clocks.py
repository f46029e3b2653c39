"""Hypothesis: a case's clocks never depend on the order its events were recorded in, and a month's report counts
exactly the per-case results."""

from collections import Counter
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from primarycare.urgentcare.case import Case, Event, EventRefused, Patient, record
from primarycare.urgentcare.clocks import case_clocks
from primarycare.urgentcare.report import month_report
from primarycare.urgentcare.rules import load_rules
from primarycare.urgentcare.vocabulary import CLOCKS, OUTCOMES

RULES = load_rules()
START = datetime(2026, 3, 28, 18, 30, tzinfo=UTC)  # a weekend that crosses the March clock change
NOW = START + timedelta(days=30)
minutes = st.integers(min_value=0, max_value=600)


@st.composite
def timelines(draw):
    """A case received some time into the weekend, and events at increasing offsets (some absent)."""
    dx = draw(st.sampled_from(["Dx11", "Dx12", "Dx13", "Dx012", "Dx117"]))
    received = START + timedelta(minutes=draw(st.integers(0, 2000)), seconds=draw(st.integers(0, 59)))
    t = received
    events = []
    for kind, value in (
        ("call_answered", None),
        ("transfer_999", None),
        ("assessment_started", None),
        ("priority_set", draw(st.sampled_from(["emergency", "urgent", "less_urgent"]))),
        ("face_to_face_booked", "base"),
        ("face_to_face_started", "base"),
    ):
        if draw(st.booleans()):
            t = t + timedelta(minutes=draw(minutes), seconds=draw(st.integers(0, 59)))
            events.append(Event(kind, t, value, 1))
    closing = None
    if draw(st.booleans()):
        outcome = "base_visit" if any(e.kind == "face_to_face_started" for e in events) else "advice"
        closing = Event("closed", t + timedelta(minutes=draw(minutes)), draw(st.sampled_from([outcome])), 1)
    disposition = RULES.disposition(dx)
    case = Case(
        ref=f"C{draw(st.integers(0, 10**6))}",
        provider_code="P1",
        source="111",
        patient=Patient("9434765919"),
        practice_code="E81001",
        dx_code=dx,
        dx_priority=disposition.priority,
        ambulance_disposition=disposition.ambulance,
        received_at=received,
    )
    return case, events, closing


def replay(case: Case, events: list[Event], closing: Event | None) -> Case:
    for event in events:
        case = record(case, event, NOW)
    return record(case, closing, NOW) if closing else case


@settings(max_examples=300, deadline=None)
@given(timelines(), st.randoms(use_true_random=False))
def test_clocks_do_not_depend_on_the_recording_order(timeline, random):
    case, events, closing = timeline
    shuffled = list(events)
    random.shuffle(shuffled)
    in_order = replay(case, events, closing)
    any_order = replay(case, shuffled, closing)
    assert any_order == in_order
    assert case_clocks(any_order, RULES.national, NOW) == case_clocks(in_order, RULES.national, NOW)


@settings(max_examples=100, deadline=None)
@given(timelines())
def test_nothing_follows_a_closed_case(timeline):
    case, events, closing = timeline
    last = max([case.received_at, *(e.at for e in events)])
    closed = replay(case, events, closing or Event("closed", last, "advice", 1))
    late = Event("call_answered", NOW - timedelta(minutes=1), None, 1)
    try:
        record(closed, late, NOW)
    except EventRefused as refused:
        assert "closed" in str(refused) or "recorded already" in str(refused)
    else:
        raise AssertionError("an event after close was accepted")


@settings(max_examples=60, deadline=None)
@given(st.lists(timelines(), min_size=0, max_size=25))
def test_the_report_counts_equal_the_per_case_results(timelines_):
    timed = []
    for case, events, closing in timelines_:
        case = replay(case, events, closing)
        timed.append((case, case_clocks(case, RULES.national, NOW)))
    report = month_report("P1", "2026-03", timed, RULES.national.thresholds, CLOCKS)
    assert report.cases == len(timed)
    for row in report.compliance:
        statuses = Counter(c.status for _, clocks in timed for c in clocks if c.name == row.clock)
        assert row.counts == {s: statuses[s] for s in ("met", "breached", "running", "not_applicable")}
    assert sum(report.demand_by_hour_of_week) == len(timed)
    assert len(report.breaches) == sum(row.counts["breached"] for row in report.compliance)
    assert sum(report.outcomes.values()) == len(timed)
    assert set(report.outcomes) <= {*OUTCOMES, "open"}
