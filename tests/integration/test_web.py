"""The web app and JSON API through HTTP (TestClient), on SQLite and PostgreSQL."""

import re

import pytest
from fastapi.testclient import TestClient

from primarycare.ingest.folder import read_folder
from primarycare.store.engine import make_engine
from primarycare.store.load import save_economy
from primarycare.store.tokens import issue_token
from primarycare.store.users import create_user
from primarycare.web.app import create_app
from primarycare.web.settings import Settings

PASSWORD = "correct-horse-battery"


@pytest.fixture
def site(db_url, synth_icb):
    engine = make_engine(db_url)
    economy = read_folder(synth_icb)
    save_economy(engine, economy)
    own, other = economy.practices[0].code, economy.practices[1].code
    create_user(engine, "comm", PASSWORD, "commissioner")
    create_user(engine, "prac", PASSWORD, "practice_user", own)
    app = create_app(Settings(database_url=db_url, secret_key="s" * 48))
    with TestClient(app, base_url="https://testserver") as client:
        yield client, engine, own, other


def sign_in(client, username, password=PASSWORD, next_path="/economy"):
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": next_path},
        follow_redirects=False,
    )


def test_pages_need_a_signed_in_user(site):
    client, *_ = site
    response = client.get("/economy", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_sign_in_needs_the_forms_csrf_token(site):
    client, *_ = site
    client.get("/login")
    response = client.post("/login", data={"username": "comm", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 403
    assert client.get("/economy", follow_redirects=False).status_code == 303


def test_a_wrong_password_is_refused(site):
    client, *_ = site
    assert sign_in(client, "comm", "wrong-password").status_code == 401
    assert sign_in(client, "nobody").status_code == 401


def test_a_commissioner_sees_the_economy_searches_and_sorts(site):
    client, _, own, other = site
    assert sign_in(client, "comm").status_code == 303
    page = client.get("/economy")
    assert page.status_code == 200 and "Commissioners" in page.text and own in page.text and other in page.text
    assert "40 practices" in page.text and 'data-testid="networks"' in page.text
    found = client.get(f"/economy?q={other.lower()}")
    assert "1 practice<" in found.text and other in found.text and f">{own}<" not in found.text
    by_size = client.get("/economy?sort=patients&desc=true").text.split('data-testid="practices"')[1]
    sizes = [int(s.replace(",", "")) for s in re.findall(r'<td class="pc-num">([\d,]+)</td></tr>', by_size)]
    assert sizes == sorted(sizes, reverse=True) and len(sizes) == 40
    detail = client.get(f"/practices/{other}")
    assert detail.status_code == 200 and 'id="pyramid"' in detail.text and "QOF registers" in detail.text


def test_a_practice_user_sees_only_its_own_practice(site):
    client, _, own, other = site
    sign_in(client, "prac")
    overview = client.get("/economy").text
    assert "1 practice<" in overview and own in overview and other not in overview and "Commissioners" not in overview
    assert client.get(f"/practices/{own}").status_code == 200
    assert client.get(f"/practices/{other}").status_code == 403


def test_sign_out_needs_csrf_and_ends_the_session(site):
    client, *_ = site
    sign_in(client, "comm")
    assert client.post("/logout", data={"csrf_token": "nope"}).status_code == 403
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/economy").text).group(1)
    client.post("/logout", data={"csrf_token": token})
    assert client.get("/economy", follow_redirects=False).status_code == 303


def test_the_api_takes_tokens_and_keeps_practices_apart(site):
    client, engine, own, other = site
    assert client.get("/api/practices").status_code == 401
    assert client.get("/api/practices", headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    comm = {"Authorization": f"Bearer {issue_token(engine, 'comm')}"}
    prac = {"Authorization": f"Bearer {issue_token(engine, 'prac')}"}
    networks = client.get("/api/networks", headers=comm).json()
    assert sum(n["practices"] for n in networks) == 40 and client.get("/api/networks", headers=prac).status_code == 403
    summary = client.get("/api/economy/summary", headers=comm).json()
    assert summary["practices"] == 40 and isinstance(summary["registered_patients"], int)
    listing = client.get("/api/practices?limit=5&sort=name", headers=comm).json()
    assert listing["total"] == 40 and len(listing["practices"]) == 5
    detail = client.get(f"/api/practices/{other}", headers=comm).json()
    assert detail["patients"] == sum(detail["pyramid"]["male"]) + sum(detail["pyramid"]["female"])
    assert client.get("/api/practices/Z99999", headers=comm).status_code == 404
    assert client.get("/api/practices?limit=0", headers=comm).status_code == 422
    assert [p["code"] for p in client.get("/api/practices", headers=prac).json()["practices"]] == [own]
    assert client.get(f"/api/practices/{own}", headers=prac).status_code == 200
    refused = client.get(f"/api/practices/{other}", headers=prac)
    assert refused.status_code == 403 and "own practice" in refused.json()["detail"]
    assert client.get("/api/economy/summary", headers=prac).status_code == 403
    assert client.get("/api/economy/summary?year=1999-00", headers=comm).status_code == 404


def test_openapi_describes_the_api(site):
    client, *_ = site
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/practices", "/api/practices/{code}", "/api/economy/summary"} <= set(paths)


@pytest.mark.parametrize(
    "path",
    [
        "/economy?page=99999999999999999999",
        "/api/practices?offset=99999999999999999999",
        "/governance/meetings/99999999999999999999",
        "/api/governance/meetings/99999999999999999999",
    ],
)
def test_numbers_out_of_range_are_answered_4xx_with_a_message(site, path):
    client, *_ = site
    sign_in(client, "comm")
    response = client.get(path, follow_redirects=False)
    assert response.status_code in (403, 404, 422), response.status_code  # refused or out of range, never 500
    if response.status_code == 422:
        assert "range" in response.text or "less than or equal" in response.text


def test_every_response_carries_the_security_headers(site):
    client, *_ = site
    for path in ("/login", "/economy", "/api/openapi.json", "/no-such-page", "/static/primarycare.css"):
        headers = client.get(path, follow_redirects=False).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
    assert "cdn.jsdelivr.net" in client.get("/api/docs").headers["content-security-policy"]
