"""A short fuzzing run in the suite (benchmarks/fuzz.py runs at least 5,000 requests): schemathesis draws requests
for every operation of the OpenAPI document, as each role and anonymously, against a world with data behind every
route; no answer may be a server error or break the documented schema."""

import pytest

from primarycare.store.engine import make_engine
from primarycare.store.tokens import issue_token
from primarycare.web.app import create_app
from primarycare.web.settings import Settings

from .access_world import ANONYMOUS, build_world
from .fuzzing import fuzz


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_no_server_error_and_no_schema_break_for_any_role(backend, request, tmp_path, synth_icb):
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    world = build_world(tmp_path, synth_icb, url)
    app = create_app(Settings(database_url=world.url, demo=True, schemes_dir="examples/schemes"))
    engine = make_engine(world.url)
    tokens = {ANONYMOUS: None, **{role: issue_token(engine, name) for role, name in world.usernames.items()}}
    engine.dispose()
    report = fuzz(app, tokens, examples=4, seed=1)
    assert report.failures == [], "\n".join(report.failures[:40])
    assert report.requests > 1000
    assert all(report.answered_by_role[role] > 0 for role in world.usernames), report.answered_by_role
    assert report.answered_by_role[ANONYMOUS] > 0  # the public decisions register
