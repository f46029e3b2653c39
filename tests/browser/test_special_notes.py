"""In Chromium: the practice writes a palliative care plan; the clinician with the patient's case sees it, closes
the case, and the practice finds the post-event message in its inbox; a second clinician is refused, takes
emergency access with a reason, and the privacy officer sees the alert. No NHS number, name or note text reaches
the server's logs."""

from datetime import UTC, date, datetime, timedelta

import httpx
from playwright.sync_api import expect

from primarycare.store.audit import verify
from primarycare.store.tokens import issue_token
from tests.browser.test_sign_in import sign_in

NHS = "9434765919"
NAME = "Maud Brightwater"
PLAN = "Morphine and midazolam held at home"


def test_notes_from_the_practice_to_the_clinician_at_night(browser, server):
    base = server["base"]
    own = next(practice for username, _, practice in server["users"] if username == "practice")

    gp = browser.new_context().new_page()
    sign_in(gp, server, "practice")
    gp.goto(f"{base}/practice/notes/new?kind=palliative")
    gp.fill("#nhs_number", NHS)
    gp.fill("#name", NAME)
    gp.fill("#birth_date", "1941-05-06")
    gp.fill("#cpr_decision", "Do not attempt CPR")
    gp.fill("#anticipatory_medicines", PLAN)
    gp.fill("#preferred_place_of_death", "Home")
    gp.fill("#review_date", (date.today() + timedelta(days=30)).isoformat())
    gp.click("main form button[type=submit]")
    expect(gp.get_by_test_id("version-1")).to_contain_text(PLAN)

    received = datetime.now(UTC) - timedelta(minutes=4)
    case = {"source": "111", "nhs_number": NHS, "name": NAME, "practice_code": own, "dx_code": "Dx117",
            "symptoms": "pain not controlled", "received_at": received.isoformat(),
            "answered_at": (received + timedelta(seconds=15)).isoformat()}  # fmt: skip
    handler = {"Authorization": f"Bearer {issue_token(server['engine'], 'callhandler')}"}
    made = httpx.post(f"{base}/api/cases", json=case, headers=handler)
    assert made.status_code == 201, made.text
    case_id, ref = made.json()["id"], made.json()["case_ref"]

    clinician = browser.new_context().new_page()
    sign_in(clinician, server, "clinician")
    clinician.goto(f"{base}/ooh/queue")
    expect(clinician.locator(f"tr[data-case-ref='{ref}'] [data-testid=notes-flag]")).to_be_visible()
    clinician.goto(f"{base}/ooh/cases/{case_id}")
    expect(clinician.get_by_test_id("notes-refused")).to_be_visible()  # not assigned yet
    clinician.get_by_test_id("take-case").click()
    expect(clinician.get_by_test_id("note-palliative")).to_contain_text(PLAN)
    expect(clinician.get_by_test_id("notes-basis")).to_contain_text("assigned to you")
    clinician.locator("[data-testid=event-assessment_started] button").click()
    closing = clinician.locator("[data-testid=event-closed]")
    closing.locator("select").select_option("advice")
    closing.locator("button").click()
    expect(clinician.get_by_test_id("case-status")).to_contain_text("closed")

    gp.goto(f"{base}/practice/messages")
    message = gp.locator(f"[data-testid=message][data-case-ref='{ref}']")
    expect(message).to_contain_text("Advice given by telephone")
    expect(message).to_contain_text("unread")
    message.locator("button[value=acknowledged]").click()
    expect(gp.locator(f"[data-testid=message][data-case-ref='{ref}']")).to_contain_text("acknowledged")

    second = browser.new_context().new_page()
    sign_in(second, server, "clinician2")
    second.goto(f"{base}/ooh/cases/{case_id}")
    expect(second.get_by_test_id("notes-refused")).to_be_visible()
    assert PLAN not in second.content()
    second.fill("#reason", "Patient re-called, confused, carer asking about DNACPR")
    second.get_by_test_id("emergency-access").click()
    expect(second.get_by_test_id("note-palliative")).to_contain_text(PLAN)
    expect(second.get_by_test_id("notes-basis")).to_contain_text("emergency access")

    privacy = browser.new_context().new_page()
    sign_in(privacy, server, "privacy")
    privacy.goto(f"{base}/privacy/alerts")
    row = privacy.locator("[data-testid=alerts] tr", has_text="carer asking about DNACPR")
    expect(row).to_contain_text("clinician2")
    row.locator("input[name=comment]").fill("Re-call about a palliative patient: appropriate")
    row.locator("button").click()
    expect(privacy.locator("[data-testid=alerts] tr", has_text="carer asking")).to_contain_text("justified")
    assert verify(server["engine"]).intact

    # the notes' API path carries an NHS number: the access log must show it masked, and nothing else leaks
    httpx.get(f"{base}/api/patients/{NHS}/notes", headers=handler)
    logs = "\n".join(server["logs"].lines)
    assert "/api/patients/**********/notes" in logs
    for secret in (NHS, NAME, PLAN, "carer asking about DNACPR"):
        assert secret not in logs, secret
