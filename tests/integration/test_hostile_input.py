"""Every route validates its input: each path parameter, query parameter and declared form field of every route
(found by walking the app, so routes added later are covered) is sent hostile values by a user who may use the
route, and no answer is a server error. (The API's JSON bodies are fuzzed from the OpenAPI document in
test_fuzz.py.)"""

import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from primarycare.store.engine import make_engine
from primarycare.store.tokens import issue_token
from primarycare.web.app import create_app
from primarycare.web.settings import Settings

from ..app_routes import endpoints
from .access_world import ANONYMOUS, PASSWORD, build_world
from .test_access_matrix import MATRIX, NOT_CHECKED_HERE

HOSTILE = (
    "",
    "0",
    "-1",
    "99999999999999999999",
    "1e309",
    "NaN",
    "x" * 3000,
    "\x00",
    "%",
    "../../etc/passwd",
    "2023-13-45",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "E81001\n",
    "\U0001f600",
)
PREFERRED = ("admin", "commissioner", "governance_lead", "practice_user", "ooh_clinician", "privacy_officer")


def _who(route: str) -> str:
    allowed = MATRIX[route]
    return next((role for role in PREFERRED if role in allowed), "commissioner" if not allowed else ANONYMOUS)


@pytest.fixture(scope="module")
def world(tmp_path_factory, synth_icb):
    return build_world(tmp_path_factory.mktemp("hostile"), synth_icb)


def _signed_in(app, world, role: str) -> tuple[TestClient, dict, str]:
    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    if role == ANONYMOUS:
        return client, {}, csrf
    data = {"username": world.usernames[role], "password": PASSWORD, "csrf_token": csrf}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/economy").text).group(1)
    engine = make_engine(world.url)
    token = issue_token(engine, world.usernames[role])
    engine.dispose()
    return client, {"Authorization": f"Bearer {token}"}, csrf


def test_no_parameter_value_makes_a_server_error(world):
    app = create_app(Settings(database_url=world.url, demo=True, schemes_dir="examples/schemes"))
    named = ((f"{method} {path}", route) for method, path, route in endpoints(app.routes))
    routes = sorted(
        (item for item in named if item[0] in MATRIX and item[0] not in NOT_CHECKED_HERE), key=lambda i: i[0]
    )
    clients = {}
    failures, sent = [], 0
    with TestClient(app):  # one lifespan for the app: its simulation workers stay up throughout
        for name, route in routes:
            role = _who(name)
            if role not in clients:
                clients[role] = _signed_in(app, world, role)
            client, headers, csrf = clients[role]
            method, path = name.split(" ", 1)
            dependant = route.dependant
            form = [] if path.startswith("/api") else [p.name for p in dependant.body_params if p.name != "csrf_token"]
            targets = [("path", p.name) for p in dependant.path_params]
            targets += [("query", p.name) for p in dependant.query_params] + [("form", field) for field in form]
            for kind, param in targets:
                for value in HOSTILE:
                    values = {k: str(v) for k, v in world.params.items()}
                    url = path
                    query, fields = {}, {"csrf_token": csrf}
                    if kind == "path":
                        values[param] = quote(value, safe="") or "%20"
                    elif kind == "query":
                        query[param] = value
                    else:
                        fields[param] = value
                    url = re.sub(r"\{(\w+)\}", lambda m, v=values: v[m.group(1)], url)
                    api = headers if path.startswith("/api") else {}
                    if method == "GET":
                        response = client.get(url, params=query, headers=api, follow_redirects=False)
                    elif path.startswith("/api"):
                        response = client.request(method, url, params=query, headers=api, json={})
                    else:
                        response = client.request(method, url, params=query, data=fields, follow_redirects=False)
                    sent += 1
                    if response.status_code >= 500:
                        failures.append(f"{role} {name} {kind} {param}={value[:30]!r}: {response.status_code}")
    assert sent > 1000
    assert not failures, "\n".join(failures[:50])
