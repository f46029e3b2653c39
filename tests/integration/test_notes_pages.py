"""Notes, inbox and privacy pages through HTTP: overdue reviews, versions, the inbox's filters and marks, and the
privacy officer's trail of one patient."""

import re
from datetime import date, timedelta

from primarycare.store.users import create_user
from tests.integration.ooh_site import PASSWORD, VALID_NHS, case_body
from tests.integration.test_web import sign_in


def csrf(client, path):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def test_the_practice_sees_overdue_reviews_versions_and_its_inbox(ooh):
    client, engine, tokens, practice = ooh
    create_user(engine, "gp", PASSWORD, "practice_user", practice)
    create_user(engine, "privacy", PASSWORD, "privacy_officer")
    sign_in(client, "gp")
    form = {"csrf_token": csrf(client, "/practice/notes/new?kind=care_plan"), "kind": "care_plan",
            "nhs_number": VALID_NHS, "name": "Pat Example", "plan": "frequent caller: call the daughter",
            "review_date": (date.today() - timedelta(days=1)).isoformat()}  # fmt: skip
    made = client.post("/practice/notes", data=form, follow_redirects=False)
    assert made.status_code == 303
    note_page = made.headers["location"]
    listing = client.get("/practice/notes").text
    assert 'data-testid="overdue"' in listing and "Pat Example" in listing
    edit = {
        **form,
        "note_id": note_page.rsplit("/", 1)[1],
        "plan": "call the son",
        "csrf_token": csrf(client, note_page),
    }
    assert client.post("/practice/notes", data=edit, follow_redirects=False).status_code == 303
    page = client.get(note_page).text
    assert "call the son" in page and "call the daughter" in page  # the old version stays readable
    bad = client.post(
        "/practice/notes", data={**form, "nhs_number": "123", "csrf_token": csrf(client, "/practice/notes")}
    )
    assert bad.status_code == 422 and "nhs_number" in bad.text

    case_id = client.post("/api/cases", json=case_body(practice), headers=tokens["handler"]).json()["id"]
    for step in ({"kind": "assigned"}, {"kind": "assessment_started"}, {"kind": "closed", "value": "prescription"}):
        client.post(f"/api/cases/{case_id}/events", json=step, headers=tokens["clin"])
    inbox = client.get("/practice/messages").text
    assert "Prescription issued." in inbox and "unread" in inbox
    message_id = re.search(r'action="/practice/messages/(\d+)"', inbox).group(1)
    marked = client.post(
        f"/practice/messages/{message_id}", data={"what": "read", "csrf_token": csrf(client, "/practice/messages")}
    )
    assert marked.status_code == 200 and "unread" not in marked.text
    future = (date.today() + timedelta(days=3)).isoformat()
    assert 'data-testid="no-messages"' in client.get(f"/practice/messages?since={future}").text
    assert client.get("/practice/messages?since=yesterday").status_code == 422

    client.post("/logout", data={"csrf_token": csrf(client, "/practice/notes")})
    sign_in(client, "privacy")
    assert client.get("/practice/notes").status_code == 403
    trail = client.get("/privacy/patients/1/audit").text
    assert "note.write" in trail and "note.history" in trail  # the practice writing and reading its versions
