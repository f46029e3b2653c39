"""Who may use each route: every route the app serves (pages and API, found by walking the app, so a route added
later without an entry here fails), requested by an anonymous client and by a user of every role, with real ids
from a world where something stands behind each route; each route that takes a practice code is asked for the
user's own practice and for another. Writes carry a valid body, so a refusal is the role's, not the body's.

Outcomes: "ok" (2xx, or a redirect anywhere but the sign-in page), "sign-in" (401, or a redirect to /login) and
"refused" (403, or 404 where a route does not reveal what exists). No route may answer 5xx."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from primarycare.access.roles import ROLES
from primarycare.store.engine import make_engine
from primarycare.store.tokens import issue_token
from primarycare.web.app import create_app
from primarycare.web.settings import Settings

from ..app_routes import endpoints
from .access_world import ANONYMOUS, PASSWORD, build_world, fresh_action, fresh_case, fresh_input, fresh_item

EVERYONE = frozenset({ANONYMOUS, *ROLES})
SIGNED_IN = frozenset(ROLES)
BUT_PRACTICES = SIGNED_IN - {"practice_user"}
MONEY = frozenset({"commissioner", "governance_lead", "practice_user", "admin"})  # payments, measures, alerts
OOH = frozenset({"commissioner", "ooh_call_handler", "ooh_clinician", "admin"})
OOH_STAFF = frozenset({"ooh_call_handler", "ooh_clinician"})
LEAD = frozenset({"governance_lead", "admin"})
COMMISSIONING = frozenset({"commissioner", "governance_lead", "admin"})
PRACTICE = frozenset({"practice_user"})
CLINICIAN = frozenset({"ooh_clinician"})
PRIVACY = frozenset({"privacy_officer"})
COMMISSIONER = frozenset({"commissioner"})
CONTRACTING = frozenset({"commissioner", "admin"})
NOBODY = frozenset()

# route -> the roles it answers "ok"; everyone else is sent to sign in (anonymous) or refused (signed in).
MATRIX: dict[str, frozenset[str]] = {
    "GET /": EVERYONE,  # a redirect: to the economy, or to sign in from there
    "GET /ooh": EVERYONE,  # a redirect to the queue
    "GET /login": EVERYONE,
    "POST /login": EVERYONE,  # checked in test_signin and test_web
    "POST /logout": EVERYONE,  # checked in test_web
    "GET /public/decisions": EVERYONE,
    "GET /public/interests": EVERYONE,
    "GET /public/{register}.csv": EVERYONE,
    "GET /api/governance/decisions": EVERYONE,
    "GET /economy": SIGNED_IN,
    "GET /practices/{code}": SIGNED_IN,
    "GET /api/years": SIGNED_IN,
    "GET /api/practices": SIGNED_IN,
    "GET /api/practices/{code}": SIGNED_IN,
    "GET /api/economy/summary": BUT_PRACTICES,
    "GET /api/commissioners": BUT_PRACTICES,
    "GET /api/networks": BUT_PRACTICES,
    "GET /payments": MONEY,  # a practice user is sent to its own practice's page
    "GET /payments/{table}.csv": MONEY,
    "GET /payments/practices/{code}": MONEY,
    "GET /payments/practices/{code}.csv": MONEY,
    "GET /api/payments/compare": MONEY,
    "GET /api/payments/practices/{code}": MONEY,
    "GET /payments/reconcile": COMMISSIONING,
    "POST /payments/reconcile": COMMISSIONING,
    "GET /payments/reconcile/demo-paid.csv": COMMISSIONING,  # demo mode, as here; 404 outside it
    "GET /payments/inputs": COMMISSIONING,
    "POST /payments/inputs": CONTRACTING,
    "POST /payments/inputs/remove": CONTRACTING,
    "GET /payments/inputs/{kind}": COMMISSIONING,
    "GET /simulation": COMMISSIONING,
    "POST /simulation": COMMISSIONING,
    "POST /simulation/sensitivity": COMMISSIONING,
    "GET /simulation/jobs/{job_id}": NOBODY,  # no job has run: 404 to those who may look, 403 to the rest
    "GET /simulation/jobs/{job_id}/ae_arrivals_by_hour_of_week.csv": NOBODY,
    "GET /api/simulation/jobs/{job_id}": NOBODY,
    "GET /ooh/queue": OOH,
    "GET /ooh/queue/rows": OOH,
    "GET /ooh/cases/new": OOH,
    "GET /ooh/cases/{case_id}": OOH,
    "GET /ooh/reports": OOH,
    "GET /ooh/reports/print": OOH,
    "GET /ooh/reports/{table}.csv": OOH,
    "GET /api/cases": OOH,
    "GET /api/cases/{case_id}": OOH,
    "GET /api/reports/quality": OOH,
    "POST /ooh/cases": OOH_STAFF,
    "POST /api/cases": OOH_STAFF,
    "POST /ooh/cases/{case_id}/events": OOH_STAFF,
    "POST /api/cases/{case_id}/events": OOH_STAFF,
    "POST /ooh/cases/{case_id}/emergency-access": CLINICIAN,
    "GET /api/patients/{nhs_number}/notes": PRACTICE | CLINICIAN,
    "POST /api/patients/{nhs_number}/notes": PRACTICE,
    "PUT /api/patients/{nhs_number}/notes/{note_id}": PRACTICE,
    "GET /practice/notes": PRACTICE,
    "GET /practice/notes/new": PRACTICE,
    "GET /practice/notes/{note_id}": PRACTICE,
    "POST /practice/notes": PRACTICE,
    "GET /practice/messages": PRACTICE,
    "POST /practice/messages/{message_id}": PRACTICE,
    "GET /api/practices/{ods}/messages": PRACTICE,
    "GET /privacy/alerts": PRIVACY,
    "POST /privacy/alerts/{alert_id}": PRIVACY,
    "GET /privacy/patients/{patient_id}/audit": PRIVACY,
    "GET /api/audit/alerts": PRIVACY,
    "GET /governance": LEAD,
    "GET /governance/registers": LEAD,
    "GET /governance/meetings/{meeting_id}": LEAD,
    "GET /api/governance/registers": LEAD,
    "GET /api/governance/meetings/{meeting_id}": LEAD,
    "POST /governance/meetings": LEAD,
    "POST /api/governance/meetings": LEAD,
    "POST /governance/meetings/{meeting_id}/items": LEAD,
    "POST /api/governance/meetings/{meeting_id}/items": LEAD,
    "POST /governance/items/{item_id}/attendance": LEAD,
    "PUT /api/governance/items/{item_id}/attendance": LEAD,
    "POST /governance/items/{item_id}/status": LEAD,
    "POST /governance/items/{item_id}/decision": LEAD,
    "POST /api/governance/items/{item_id}/decision": LEAD,
    "POST /api/governance/decisions/{decision_id}/corrections": LEAD,
    "POST /governance/interests": LEAD | PRACTICE,  # a lead for any member; a member (the practice user) for itself
    "POST /api/governance/interests": LEAD | PRACTICE,
    "POST /governance/gifts": LEAD | PRACTICE,
    "POST /api/governance/gifts": LEAD | PRACTICE,
    "POST /governance/declarations": LEAD | PRACTICE,
    "POST /api/governance/declarations": LEAD | PRACTICE,
    "POST /governance/breaches": LEAD,
    "GET /governance/me": PRACTICE,
    "GET /measures": MONEY,
    "GET /measures/{measure_id}": MONEY,
    "GET /measures/{measure_id}/values.csv": MONEY,
    "GET /measures/{measure_id}/deciles.csv": MONEY,
    "GET /api/measures": MONEY,
    "GET /api/measures/{measure_id}": MONEY,
    "GET /api/measures/{measure_id}/values": MONEY,
    "GET /attention": MONEY,
    "GET /attention/{kind}/{code}": MONEY,
    "GET /api/attention/{kind}/{code}": MONEY,
    "GET /practices/{code}/summary": MONEY,
    "GET /api/practices/{code}/measures": MONEY,
    "GET /groupings": COMMISSIONING,
    "POST /groupings": COMMISSIONING,
    "POST /groupings/{grouping_id}/delete": COMMISSIONER,  # a user's own grouping: the others get 404
    "GET /subscriptions": MONEY,
    "POST /subscriptions": MONEY,
    "POST /subscriptions/{subscription_id}/delete": COMMISSIONER,
    "GET /outbox": MONEY,
    "GET /api/alerts": MONEY,
    "GET /contracts": MONEY,
    "GET /contracts/{code}": MONEY,
    "POST /contracts/{code}/contract": CONTRACTING,
    "POST /contracts/{code}/actions": CONTRACTING,
    "POST /contracts/{code}/actions/{action_id}": CONTRACTING,  # the commissioner records the practice's answer
}
# Writes that change what they touch get a fresh object for each request, so each role meets the same state.
FRESH = {
    "POST /ooh/cases/{case_id}/events": lambda w, p: {"case_id": fresh_case(w.url, p["code"], p["nhs_number"])},
    "POST /api/cases/{case_id}/events": lambda w, p: {"case_id": fresh_case(w.url, p["code"], p["nhs_number"])},
    "POST /ooh/cases/{case_id}/emergency-access": lambda w, p: {
        "case_id": fresh_case(w.url, p["code"], p["nhs_number"])
    },
    "GET /ooh/reports/{table}.csv": lambda w, p: {"table": "compliance"},
    "POST /payments/inputs/remove": lambda w, p: fresh_input(w.url, p["code"]),
    "GET /payments/inputs/{kind}": lambda w, p: fresh_input(w.url, p["code"]),
    "POST /contracts/{code}/actions/{action_id}": lambda w, p: {"action_id": fresh_action(w.url, p["code"])},
    **{
        f"{method} {path}": lambda w, p: {"item_id": fresh_item(w.url, p["meeting_id"], p["code"])}
        for method, path in [
            ("POST", "/governance/items/{item_id}/attendance"),
            ("PUT", "/api/governance/items/{item_id}/attendance"),
            ("POST", "/governance/items/{item_id}/status"),
            ("POST", "/governance/items/{item_id}/decision"),
            ("POST", "/api/governance/items/{item_id}/decision"),
        ]
    },
}
# Where the allowed answer is not a success: the upload is read (the role passed) and its problems shown.
ALLOWED_ANSWER = {
    "POST /payments/reconcile": "other 422",
    # nobody attended the fresh item: the quorum rule answers, after the role has passed
    "POST /api/governance/items/{item_id}/decision": "other 409",
}
NOT_CHECKED_HERE = {"POST /login", "POST /logout"}  # they sign in and out: their own tests cover them
# Routes every role is refused for another practice's code, not only a practice user.
OWN_PRACTICE_ONLY = {"GET /api/practices/{ods}/messages"}


def _forms(p: dict, today: date) -> dict[str, dict]:
    """A valid body for each write, as a form (pages) or JSON (API)."""
    soon = (today + timedelta(days=30)).isoformat()
    patient = {"nhs_number": p["nhs_number"], "name": "Matrix Patient", "birth_date": "1950-01-01", "sex": "female"}
    now = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    note = {"kind": "care_plan", "content": {"plan": "Matrix plan"}, "review_date": soon}
    interest = {"person_id": p["person_id"], "type": "financial", "organisation_kind": "outside"}
    interest |= {"organisation_code": "ACME"}
    interest |= {"description": "Shares in a supplier", "start": today.isoformat()}
    gift = {"person_id": p["person_id"], "organisation_kind": "outside", "organisation_code": "ACME"}
    gift |= {"kind": "hospitality"}
    gift |= {"value_gbp": 30.0, "received_on": today.isoformat(), "description": "Lunch"}
    return {
        "POST /payments/reconcile": {"files": {"paid": ("paid.csv", b"PRACTICE_CODE\nnot a paid file\n")}},
        "POST /payments/inputs": {
            "data": {"kind": "indices"},
            "files": {"file": ("indices.csv", f"PRACTICE_CODE,NEEDS\n{p['code']},1.02\n".encode())},
        },
        "POST /payments/inputs/remove": {"data": {"kind": "indices"}},
        "POST /simulation": {"data": {"scenario": "baseline", "replications": 2}},
        "POST /simulation/sensitivity": {"data": {"scenario": "baseline", "replications": 1}},
        "POST /ooh/cases": {"data": {"source": "111", "practice_code": p["code"], "dx_code": "Dx117"} | patient},
        "POST /api/cases": {
            "json": {"source": "111", "practice_code": p["code"], "dx_code": "Dx117", "received_at": now} | patient
        },
        "POST /ooh/cases/{case_id}/events": {"data": {"kind": "call_answered"}},
        "POST /api/cases/{case_id}/events": {"json": {"kind": "call_answered"}},
        "POST /ooh/cases/{case_id}/emergency-access": {"data": {"reason": "Unconscious, no relative present"}},
        "POST /api/patients/{nhs_number}/notes": {"json": note},
        "PUT /api/patients/{nhs_number}/notes/{note_id}": {"json": note},
        "POST /practice/notes": {
            "data": {"nhs_number": p["nhs_number"], "kind": "care_plan", "plan": "Matrix", "review_date": soon}
        },
        "POST /practice/messages/{message_id}": {"data": {"what": "read"}},
        "POST /privacy/alerts/{alert_id}": {"data": {"outcome": "justified", "comment": "Reviewed"}},
        "POST /governance/meetings": {"data": {"committee_id": p["committee_id"], "held_on": soon, "title": "M"}},
        "POST /api/governance/meetings": {
            "json": {"committee_id": int(p["committee_id"]), "held_on": soon, "title": "M"}
        },
        "POST /governance/meetings/{meeting_id}/items": {
            "data": {"title": "Item", "subject_kind": "practice", "subject_code": p["code"]}
        },
        "POST /api/governance/meetings/{meeting_id}/items": {
            "json": {"title": "Item", "subject_kind": "practice", "subject_code": p["code"]}
        },
        "POST /governance/items/{item_id}/attendance": {"data": {"meeting_id": p["meeting_id"]}},
        "PUT /api/governance/items/{item_id}/attendance": {"json": {"present": []}},
        "POST /governance/items/{item_id}/status": {"data": {"status": "deferred", "meeting_id": p["meeting_id"]}},
        "POST /governance/items/{item_id}/decision": {"data": {"decision": "Approved", "meeting_id": p["meeting_id"]}},
        "POST /api/governance/items/{item_id}/decision": {"json": {"decision": "Approved"}},
        "POST /api/governance/decisions/{decision_id}/corrections": {"json": {"decision": "Corrected"}},
        "POST /governance/interests": {"data": interest},
        "POST /api/governance/interests": {"json": interest | {"person_id": int(p["person_id"])}},
        "POST /governance/gifts": {"data": gift},
        "POST /api/governance/gifts": {"json": gift | {"person_id": int(p["person_id"])}},
        "POST /governance/declarations": {"data": {"person_id": p["person_id"], "nil_return": "yes"}},
        "POST /api/governance/declarations": {"json": {"person_id": int(p["person_id"]), "nil_return": True}},
        "POST /governance/breaches": {
            "data": {"commissioner_code": p["commissioner_code"], "person_id": p["person_id"]}
            | {"occurred_on": today.isoformat(), "description": "Voted while conflicted", "action_taken": "Noted"}
        },
        "POST /groupings": {"data": {"name": "Matrix", "codes": p["code"]}},
        "POST /groupings/{grouping_id}/delete": {"data": {}},
        "POST /subscriptions": {"data": {"kind": "practice", "code": p["code"]}},
        "POST /subscriptions/{subscription_id}/delete": {"data": {}},
        "POST /contracts/{code}/contract": {
            "data": {"contract_type": "GMS", "reference": "M-1", "start_date": "2004-04-01"}
        },
        "POST /contracts/{code}/actions": {
            "data": {"kind": "variation", "term": "Hours", "description": "Later", "issued_on": today.isoformat()}
        },
        "POST /contracts/{code}/actions/{action_id}": {"data": {"to": "responded", "text": "Agreed"}},
    }


def outcome(response) -> str:
    status, location = response.status_code, response.headers.get("location", "")
    if status >= 500:
        return f"server error {status}"
    if status == 401 or (300 <= status < 400 and location.startswith("/login")):
        return "sign-in"
    if status < 400:
        return "ok"
    return "refused" if status in (403, 404) else f"other {status}"


@pytest.fixture(scope="module")
def world(tmp_path_factory, synth_icb):
    return build_world(tmp_path_factory.mktemp("matrix"), synth_icb)


@pytest.fixture(scope="module")
def app(world):
    return create_app(Settings(database_url=world.url, demo=True, schemes_dir="examples/schemes"))


def test_every_route_has_an_entry(app):
    served = {f"{method} {path}" for method, path, _ in endpoints(app.routes)} - {
        "GET /api/openapi.json",
        "GET /api/docs",
        "GET /docs/oauth2-redirect",
    }
    assert served - MATRIX.keys() == set(), "routes with no entry in the access matrix"
    assert MATRIX.keys() - served == set(), "entries for routes the app no longer serves"


def _client(world, role: str) -> tuple[TestClient, dict, str]:
    app = create_app(Settings(database_url=world.url, demo=True, schemes_dir="examples/schemes"))
    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    client.__enter__()
    headers, csrf = {}, re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    if role != ANONYMOUS:
        form = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        username = world.usernames[role]
        signed = {"username": username, "password": PASSWORD, "csrf_token": token}
        assert client.post("/login", data=signed, follow_redirects=False).status_code == 303
        headers = {"Authorization": f"Bearer {issue_token(make_engine(world.url), username)}"}
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/economy").text).group(1)
    return client, headers, csrf


def _request(client, headers, csrf, route: str, params: dict, bodies: dict):
    method, path = route.split(" ", 1)
    url = re.sub(r"\{(\w+)\}", lambda m: str(params[m.group(1)]), path)
    api = path.startswith("/api")
    if method == "GET":
        return client.get(url, headers=headers if api else {}, follow_redirects=False)
    body = dict(bodies[route])
    if api:
        return client.request(method, url, headers=headers, follow_redirects=False, **body)
    body["data"] = {**body.get("data", {}), "csrf_token": csrf}
    return client.request(method, url, follow_redirects=False, **body)


def _expected(route: str, role: str, other: bool) -> str:
    allowed = role in MATRIX[route] and not (other and (role == "practice_user" or route in OWN_PRACTICE_ONLY))
    if allowed:
        return ALLOWED_ANSWER.get(route, "ok")
    return "sign-in" if role == ANONYMOUS else "refused"


def test_each_role_gets_exactly_its_routes(world):
    params = dict(world.params)
    bodies = _forms(params, date.today())
    routes = sorted(MATRIX.keys() - NOT_CHECKED_HERE, key=lambda r: (not r.startswith("GET"), r))
    wrong = []
    for role in (ANONYMOUS, *ROLES):
        client, headers, csrf = _client(world, role)
        try:
            for route in routes:
                practice_scoped = "{code}" in route or "{ods}" in route
                for other in (False, True) if practice_scoped else (False,):
                    asked = {**params, "code": world.other_practice, "ods": world.other_practice} if other else params
                    if route in FRESH:
                        asked = {**asked, **FRESH[route](world, asked)}
                    response = _request(client, headers, csrf, route, asked, bodies)
                    got = outcome(response)
                    want = _expected(route, role, other)
                    if got != want:
                        where = f"{role:>16} {route}{' (another practice)' if other else ''}"
                        wrong.append(f"{where}: {got}, not {want}: {response.text[:200]!r}")
        finally:
            client.__exit__(None, None, None)
    assert not wrong, "\n".join(wrong)


def test_an_action_is_not_moved_through_another_practices_register(world):
    """An id from one practice's register, posted through another practice's page, is not found (and not moved)."""
    action = fresh_action(world.url, world.params["code"])
    client, _, csrf = _client(world, "commissioner")
    try:
        data = {"to": "responded", "text": "Agreed", "csrf_token": csrf}
        wrong = client.post(f"/contracts/{world.other_practice}/actions/{action}", data=data, follow_redirects=False)
        assert wrong.status_code == 404
        right = client.post(f"/contracts/{world.params['code']}/actions/{action}", data=data, follow_redirects=False)
        assert right.status_code == 303  # still open, so the right page may record the response
    finally:
        client.__exit__(None, None, None)
