"""The out-of-hours API through HTTP on SQLite and PostgreSQL: cases from 111, events, roles, the quality report."""

from datetime import UTC, datetime, timedelta

import pytest

from primarycare.economy.calendar import month_of
from primarycare.store.cases import case_count
from tests.integration.ooh_site import VALID_NHS, case_body


def test_a_case_from_111_is_opened_timed_and_closed(ooh):
    client, engine, tokens, practice = ooh
    made = client.post("/api/cases", json=case_body(practice), headers=tokens["handler"])
    assert made.status_code == 201, made.text
    case = made.json()
    assert case["priority"] == "urgent"  # Dx12 defaults to urgent
    clocks = {c["clock"]: c["status"] for c in case["clocks"]}
    assert clocks == {
        "call_answered": "met",
        "transfer_999": "not_applicable",
        "assessment": "running",
        "face_to_face": "not_applicable",
        "post_event_message": "not_applicable",  # starts when the case closes
    }
    assert case["times"]["received_at"].endswith(("+00:00", "+01:00"))  # UK local time with its offset
    case_id = case["id"]
    steps = [
        {"kind": "assigned"},
        {"kind": "assessment_started"},
        {"kind": "face_to_face_booked", "value": "base"},
        {"kind": "face_to_face_started", "value": "base"},
        {"kind": "closed", "value": "base_visit"},
    ]
    for step in steps:
        response = client.post(f"/api/cases/{case_id}/events", json=step, headers=tokens["clin"])
        assert response.status_code == 200, response.text
    done = client.get(f"/api/cases/{case_id}", headers=tokens["clin"]).json()
    assert done["status"] == "closed" and done["outcome"] == "base_visit"
    assert {c["clock"]: c["status"] for c in done["clocks"]}["face_to_face"] == "met"
    assert [e["kind"] for e in done["events"]][0] == "opened"
    month = month_of(datetime.fromisoformat(case["times"]["received_at"]))  # the UK month it was received in
    report = client.get(f"/api/reports/quality?provider=OOH1&month={month}", headers=tokens["comm"])
    assert report.status_code == 200, report.text
    counts = {row["clock"]: row for row in report.json()["compliance"]}
    assert report.json()["cases"] >= 1 and counts["assessment"]["met"] >= 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"nhs_number": "9434765918"}, "nhs_number"),
        ({"practice_code": "Z99999"}, "practice_code"),
        ({"dx_code": "Dx999"}, "dx_code"),
        ({"received_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()}, "received_at"),
        ({"received_at": "2026-03-29T01:30:00"}, "received_at"),  # an hour the clocks skip: 422, not a crash
    ],
)
def test_bad_cases_are_refused_naming_the_field_and_nothing_is_written(ooh, change, field):
    client, engine, tokens, practice = ooh
    response = client.post("/api/cases", json=case_body(practice, **change), headers=tokens["handler"])
    assert response.status_code == 422
    assert field in response.json()["detail"]
    with engine.connect() as conn:
        assert case_count(conn) == 0


def test_impossible_events_are_refused_with_the_reason(ooh):
    client, engine, tokens, practice = ooh
    case_id = client.post("/api/cases", json=case_body(practice), headers=tokens["handler"]).json()["id"]
    events = f"/api/cases/{case_id}/events"
    early = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    response = client.post(events, json={"kind": "assessment_started", "at": early}, headers=tokens["clin"])
    assert response.status_code == 422 and "cannot come before" in response.json()["detail"]
    future = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    response = client.post(events, json={"kind": "assessment_started", "at": future}, headers=tokens["clin"])
    assert response.status_code == 422 and "future" in response.json()["detail"]
    assert client.post(events, json={"kind": "closed", "value": "advice"}, headers=tokens["clin"]).status_code == 200
    response = client.post(events, json={"kind": "assessment_started"}, headers=tokens["clin"])
    assert response.status_code == 422 and "closed" in response.json()["detail"]
    response = client.post(events, json={"kind": "closed", "value": "nothing"}, headers=tokens["clin"])
    assert response.status_code == 422


def test_roles_keep_providers_apart(ooh):
    client, engine, tokens, practice = ooh
    case_id = client.post("/api/cases", json=case_body(practice), headers=tokens["handler"]).json()["id"]
    assert client.get(f"/api/cases/{case_id}", headers=tokens["other"]).status_code == 403
    assert client.get("/api/cases?provider=OOH1", headers=tokens["other"]).status_code == 403
    assert client.get("/api/cases", headers=tokens["other"]).json() == []
    assert client.get(f"/api/cases/{case_id}", headers=tokens["prac"]).status_code in (403, 404)
    assert client.get("/api/cases", headers=tokens["prac"]).status_code == 403
    assert client.get("/api/reports/quality?provider=OOH1", headers=tokens["prac"]).status_code == 403
    assert client.get("/api/reports/quality?provider=OOH1", headers=tokens["comm2"]).status_code == 403
    # the commissioner sees its provider's cases without who the patient is
    seen = client.get("/api/cases?provider=OOH1", headers=tokens["comm"]).json()
    assert len(seen) == 1 and "patient" not in seen[0] and "symptoms" not in seen[0]
    assert client.get(f"/api/cases/{case_id}", headers=tokens["clin"]).json()["patient"]["nhs_number"] == VALID_NHS
    # a call handler records the call, not the clinical events
    event = {"kind": "assessment_started"}
    assert client.post(f"/api/cases/{case_id}/events", json=event, headers=tokens["handler"]).status_code == 403
    assert client.post(f"/api/cases/{case_id}/events", json=event, headers=tokens["comm"]).status_code == 403
    assert client.post("/api/cases", json=case_body(practice), headers=tokens["comm"]).status_code == 403


def test_the_openapi_document_lists_the_ooh_routes(ooh):
    client, *_ = ooh
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/cases", "/api/cases/{case_id}/events", "/api/cases/{case_id}", "/api/reports/quality"):
        assert path in paths
