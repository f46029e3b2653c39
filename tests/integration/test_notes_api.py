"""Special notes through the API on SQLite and PostgreSQL: the practice writes versions, the assigned clinician
reads, another is refused until emergency access (which alerts the privacy officer); every attempt is audited and
the chain verifies; closing a case delivers a FHIR post-event message to the practice's inbox."""

from datetime import date, timedelta

from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select

from primarycare.store import tables as t
from primarycare.store.audit import verify
from primarycare.store.tokens import issue_token
from primarycare.store.users import create_user
from tests.integration.ooh_site import PASSWORD, VALID_NHS, case_body

PLAN = {
    "kind": "palliative",
    "name": "Test Patient",
    "birth_date": "1950-02-03",
    "content": {"cpr_decision": "Do not attempt CPR", "preferred_place_of_death": "Home"},
    "review_date": (date.today() + timedelta(days=60)).isoformat(),
}


def setup_practice(ooh):
    client, engine, tokens, practice = ooh
    create_user(engine, "gp", PASSWORD, "practice_user", practice)
    create_user(engine, "clin2", PASSWORD, "ooh_clinician", provider_code="OOH1")
    create_user(engine, "privacy", PASSWORD, "privacy_officer")
    with engine.connect() as conn:
        other = conn.execute(select(t.practice.c.code).where(t.practice.c.code != practice).limit(1)).scalar()
    create_user(engine, "othergp", PASSWORD, "practice_user", other)
    for name in ("gp", "clin2", "privacy", "othergp"):
        tokens[name] = {"Authorization": f"Bearer {issue_token(engine, name)}"}
    return client, engine, tokens, practice


def audit_count(engine):
    return verify(engine).records


def test_notes_are_read_only_with_a_relationship_or_emergency_access(ooh):
    client, engine, tokens, practice = setup_practice(ooh)
    url = f"/api/patients/{VALID_NHS}/notes"
    written = client.post(url, json=PLAN, headers=tokens["gp"])
    assert written.status_code == 201, written.text
    note_id = written.json()["note_id"]
    changed = {**PLAN, "content": {**PLAN["content"], "prognosis": "weeks"}}
    assert client.put(f"{url}/{note_id}", json=changed, headers=tokens["gp"]).json()["version"] == 2

    case_id = client.post("/api/cases", json=case_body(practice), headers=tokens["handler"]).json()["id"]
    before = audit_count(engine)
    assert client.get(url, headers=tokens["clin"]).status_code == 403  # not assigned yet
    client.post(f"/api/cases/{case_id}/events", json={"kind": "assigned"}, headers=tokens["clin"])
    read = client.get(url, headers=tokens["clin"])
    assert read.status_code == 200 and read.json()["basis"] == "relationship"
    assert read.json()["notes"][0]["content"]["prognosis"] == "weeks"
    assert client.get(url, headers=tokens["clin2"]).status_code == 403
    assert client.get(url, headers=tokens["handler"]).status_code == 403
    assert client.get(url, headers=tokens["comm"]).status_code == 403
    assert client.get(f"{url}?emergency_reason=short", headers=tokens["clin2"]).status_code == 422
    emergency = client.get(f"{url}?emergency_reason=unconscious, no relative present", headers=tokens["clin2"])
    assert emergency.status_code == 200 and emergency.json()["basis"] == "emergency"
    assert client.get(url, headers=tokens["clin2"]).json()["basis"] == "emergency"  # time-limited grant, still live
    assert audit_count(engine) == before + 8 - 1  # every attempt but the 422 (refused before any read)
    alerts = client.get("/api/audit/alerts", headers=tokens["privacy"]).json()
    assert len(alerts) == 1 and alerts[0]["reason"] == "unconscious, no relative present"
    assert client.get("/api/audit/alerts", headers=tokens["clin"]).status_code == 403
    # closing the case ends the relationship
    for step in ({"kind": "assessment_started"}, {"kind": "closed", "value": "advice"}):
        assert client.post(f"/api/cases/{case_id}/events", json=step, headers=tokens["clin"]).status_code == 200
    assert client.get(url, headers=tokens["clin"]).status_code == 403
    assert verify(engine).intact


def test_an_objection_to_sharing_leaves_only_emergency_access(ooh):
    client, engine, tokens, practice = setup_practice(ooh)
    url = f"/api/patients/{VALID_NHS}/notes"
    client.post(url, json={**PLAN, "objection_to_sharing": True}, headers=tokens["gp"])
    case_id = client.post("/api/cases", json=case_body(practice), headers=tokens["handler"]).json()["id"]
    client.post(f"/api/cases/{case_id}/events", json={"kind": "assigned"}, headers=tokens["clin"])
    assert client.get(url, headers=tokens["clin"]).json()["notes"] == []
    emergency = client.get(f"{url}?emergency_reason=patient cannot consent, collapsed", headers=tokens["clin"])
    assert len(emergency.json()["notes"]) == 1


def test_another_practice_cannot_write_or_read_the_patients_notes(ooh):
    client, engine, tokens, practice = setup_practice(ooh)
    url = f"/api/patients/{VALID_NHS}/notes"
    client.post(url, json=PLAN, headers=tokens["gp"])
    assert client.get(url, headers=tokens["othergp"]).status_code == 403
    assert client.post(url, json=PLAN, headers=tokens["othergp"]).status_code == 403
    assert client.get(url, headers=tokens["gp"]).json()["basis"] == "practice"
    assert client.post("/api/patients/123/notes", json=PLAN, headers=tokens["gp"]).status_code == 422
    bad = client.post(url, json={**PLAN, "content": {"colour": "blue"}}, headers=tokens["gp"])
    assert bad.status_code == 422 and "colour" in bad.json()["detail"]


def test_closing_a_case_delivers_a_fhir_message_to_the_practice(ooh, tmp_path):
    client, engine, tokens, practice = setup_practice(ooh)
    case_id = client.post("/api/cases", json=case_body(practice), headers=tokens["handler"]).json()["id"]
    for step in ({"kind": "assigned"}, {"kind": "assessment_started"}, {"kind": "closed", "value": "advice"}):
        client.post(f"/api/cases/{case_id}/events", json=step, headers=tokens["clin"])
    clocks = {
        c["clock"]: c["status"] for c in client.get(f"/api/cases/{case_id}", headers=tokens["clin"]).json()["clocks"]
    }
    assert clocks["post_event_message"] == "met"
    inbox = client.get(f"/api/practices/{practice}/messages", headers=tokens["gp"])
    assert inbox.status_code == 200 and inbox.headers["content-type"].startswith("application/fhir+json")
    searchset = Bundle.model_validate(inbox.json())
    document = Bundle.model_validate(inbox.json()["entry"][0]["resource"])
    assert searchset.total == 1 and document.type == "document"
    composition = document.entry[0].resource
    assert composition.get_resource_type() == "Composition"
    assert [s.title for s in composition.section] == [
        "Patient's reported condition",
        "Disposition",
        "Consultation summary",
        "Assessment",
        "Advice given",
    ]
    kinds = [e.resource.get_resource_type() for e in document.entry]
    assert {"Patient", "Encounter", "Practitioner", "Organization"} <= set(kinds)
    patient = next(e.resource for e in document.entry if e.resource.get_resource_type() == "Patient")
    assert patient.identifier[0].value == VALID_NHS
    codes = {e.resource.identifier[0].value for e in document.entry if e.resource.get_resource_type() == "Organization"}
    assert codes == {"OOH1", practice}
    assert client.get(f"/api/practices/{practice}/messages", headers=tokens["othergp"]).status_code == 403
    assert client.get(f"/api/practices/{practice}/messages", headers=tokens["comm"]).status_code == 403
