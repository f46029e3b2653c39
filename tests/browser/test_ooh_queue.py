"""In Chromium: a 111 case appears in the call handler's live queue, a clinician takes it, records the assessment
and a base visit and closes it, and the commissioner's report for the month counts it."""

from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import expect

from primarycare.economy.calendar import month_of
from primarycare.store.tokens import issue_token
from tests.browser.test_sign_in import sign_in


def test_a_111_case_from_queue_to_the_commissioners_report(browser, server):
    base = server["base"]
    practice = server["economy"].practices[3].code
    received = datetime.now(UTC) - timedelta(minutes=3)
    month = month_of(received)  # the UK month the case is received in
    commissioner_api = {"Authorization": f"Bearer {issue_token(server['engine'], 'commissioner')}"}
    report_url = f"{base}/api/reports/quality?provider=OOH01&month={month}"
    before = httpx.get(report_url, headers=commissioner_api).json()

    handler = browser.new_context().new_page()
    sign_in(handler, server, "callhandler")
    handler.goto(f"{base}/ooh/queue")
    expect(handler.get_by_test_id("queue")).to_be_visible()

    case = {
        "source": "111",
        "nhs_number": "9434765919",
        "name": "Pat Example",
        "practice_code": practice,
        "dx_code": "Dx12",
        "symptoms": "fever and cough",
        "received_at": received.isoformat(),
        "answered_at": (received + timedelta(seconds=20)).isoformat(),
    }
    nhs111 = {"Authorization": f"Bearer {issue_token(server['engine'], 'callhandler')}"}
    made = httpx.post(f"{base}/api/cases", json=case, headers=nhs111)
    assert made.status_code == 201, made.text
    ref, case_id = made.json()["case_ref"], made.json()["id"]
    row = handler.locator(f"tr[data-case-ref='{ref}']")
    expect(row).to_be_visible(timeout=15_000)  # the queue refreshed itself, no reload
    expect(row).to_contain_text("urgent")
    expect(row).to_contain_text("assessment")

    clinician = browser.new_context().new_page()
    sign_in(clinician, server, "clinician")
    clinician.goto(f"{base}/ooh/queue")
    clinician.click(f"tr[data-case-ref='{ref}'] a")
    expect(clinician.get_by_test_id("case-ref")).to_contain_text(ref)
    clinician.get_by_test_id("take-case").click()
    expect(clinician.get_by_test_id("case-assigned")).to_have_text("you")
    clinician.locator("[data-testid=event-assessment_started] button").click()
    expect(clinician.locator("tr[data-clock=assessment]")).to_contain_text("met")
    for kind in ("face_to_face_booked", "face_to_face_started"):
        form = clinician.locator(f"[data-testid=event-{kind}]")
        form.locator("select").select_option("base")
        form.locator("button").click()
        expect(clinician.locator(f"[data-testid=event-{kind}]")).to_have_count(0)
    expect(clinician.locator("tr[data-clock=face_to_face]")).to_contain_text("met")
    closing = clinician.locator("[data-testid=event-closed]")
    closing.locator("select").select_option("base_visit")
    closing.locator("button").click()
    expect(clinician.get_by_test_id("case-status")).to_contain_text("closed: base visit")
    expect(handler.locator(f"tr[data-case-ref='{ref}']")).to_have_count(0, timeout=15_000)  # gone from the queue

    commissioner = browser.new_context().new_page()
    sign_in(commissioner, server, "commissioner")
    commissioner.goto(f"{base}/ooh/reports?provider=OOH01&month={month}")
    cases_before = before["cases"]
    expect(commissioner.get_by_test_id("report-cases")).to_contain_text(f"{cases_before + 1} case")
    met_before = {row["clock"]: row["met"] for row in before["compliance"]}
    expect(commissioner.get_by_test_id("met-assessment")).to_have_text(str(met_before["assessment"] + 1))
    expect(commissioner.get_by_test_id("met-face_to_face")).to_have_text(str(met_before["face_to_face"] + 1))
    commissioner.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('trend-chart'))")
    assert "Pat Example" not in commissioner.content()  # no patient names in the commissioner's report
    after = httpx.get(f"{base}/api/cases/{case_id}", headers=commissioner_api).json()
    assert after["status"] == "closed" and "patient" not in after
