"""OOH pages through HTTP: the queue's order and filters, the new-case form with CSRF and its errors, the report's
CSV downloads and print view, and who may open them."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from primarycare.economy.calendar import month_of
from primarycare.store.cases import case_count
from tests.integration.ooh_site import case_body
from tests.integration.test_web import sign_in


def csrf(client, path):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def test_the_queue_puts_the_nearest_deadline_first_and_filters(ooh):
    client, engine, tokens, practice = ooh
    now = datetime.now(UTC)
    later = case_body(practice, dx_code="Dx13", received_at=(now - timedelta(minutes=5)).isoformat(),
                      answered_at=(now - timedelta(minutes=5)).isoformat(), passed_at=None)  # fmt: skip
    sooner = case_body(practice, dx_code="Dx11", received_at=(now - timedelta(minutes=2)).isoformat(),
                       answered_at=(now - timedelta(minutes=2)).isoformat(), passed_at=None)  # fmt: skip
    refs = {}
    for name, body in (("later", later), ("sooner", sooner)):
        refs[name] = client.post("/api/cases", json=body, headers=tokens["handler"]).json()["case_ref"]
    sign_in(client, "handler")
    page = client.get("/ooh/queue").text
    assert page.index(refs["sooner"]) < page.index(refs["later"])  # 20 min emergency before 60 min less urgent
    only = client.get("/ooh/queue/rows?priority=less_urgent").text
    assert refs["later"] in only and refs["sooner"] not in only
    waiting = client.get("/ooh/queue/rows?waiting=face_to_face").text
    assert refs["later"] not in waiting
    assert client.get("/ooh/queue/rows?priority=" + "x" * 200).status_code == 422


def test_the_new_case_form_checks_every_field_and_keeps_what_was_typed(ooh):
    client, engine, tokens, practice = ooh
    sign_in(client, "handler")
    form = {"csrf_token": csrf(client, "/ooh/cases/new"), "source": "direct", "practice_code": practice,
            "nhs_number": "1234567890", "name": "Sam Caller", "priority": "urgent"}  # fmt: skip
    refused = client.post("/ooh/cases", data=form)
    assert refused.status_code == 422 and "nhs_number" in refused.text and "Sam Caller" in refused.text
    with engine.connect() as conn:
        assert case_count(conn) == 0
    assert client.post("/ooh/cases", data={**form, "csrf_token": "forged"}).status_code == 403
    skipped = client.post("/ooh/cases", data={**form, "nhs_number": "943 476 5919", "received_at": "2026-03-29T01:30"})
    assert skipped.status_code == 422 and "the clocks go forward" in skipped.text  # an hour that never happened
    made = client.post("/ooh/cases", data={**form, "nhs_number": "943 476 5919"}, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"].startswith("/ooh/cases/")
    page = client.get(made.headers["location"]).text
    assert "Sam Caller" in page and "9434765919" in page


def test_the_report_downloads_and_prints(ooh):
    client, engine, tokens, practice = ooh
    body = case_body(practice)
    client.post("/api/cases", json=body, headers=tokens["handler"])
    sign_in(client, "comm")
    month = month_of(datetime.fromisoformat(body["received_at"]))  # the UK month it was received in
    compliance = client.get(f"/ooh/reports/compliance.csv?provider=OOH1&month={month}")
    rows = list(csv.DictReader(io.StringIO(compliance.text)))
    assert [r["CLOCK"] for r in rows] == [
        "call_answered",
        "transfer_999",
        "assessment",
        "face_to_face",
        "post_event_message",
    ]
    assert sum(int(r["MET"]) + int(r["BREACHED"]) + int(r["RUNNING"]) + int(r["NOT_APPLICABLE"]) for r in rows) == 5
    demand = list(csv.reader(io.StringIO(client.get(f"/ooh/reports/demand.csv?provider=OOH1&month={month}").text)))
    assert len(demand) == 169 and sum(int(n) for _, n in demand[1:]) == 1
    breaches = client.get(f"/ooh/reports/breaches.csv?provider=OOH1&month={month}").text
    assert breaches.startswith("CASE_REF,CLOCK,PRIORITY,DX_CODE,DEADLINE,ENDED_AT,MINUTES_LATE")
    assert "Test Patient" not in client.get(f"/ooh/reports?provider=OOH1&month={month}").text
    assert client.get(f"/ooh/reports/print?provider=OOH1&month={month}").status_code == 200
    assert client.get("/ooh/reports?month=2026-13").status_code == 422
    assert client.get("/ooh/reports/other.csv?provider=OOH1").status_code == 404
    assert client.get("/ooh/reports?provider=OOH2").status_code == 403


def test_a_practice_user_sees_no_ooh_page(ooh):
    client, *_ = ooh
    sign_in(client, "prac")
    for path in ("/ooh/queue", "/ooh/reports", "/ooh/cases/new", "/ooh/cases/1"):
        assert client.get(path).status_code in (403, 404), path
