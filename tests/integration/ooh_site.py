"""Shared by the out-of-hours integration tests: a loaded economy with two providers, their staff and their
commissioners, and a 111 case body."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from primarycare.ingest.folder import read_folder
from primarycare.store.cases import add_provider
from primarycare.store.engine import make_engine
from primarycare.store.load import save_economy
from primarycare.store.tokens import issue_token
from primarycare.store.users import create_user
from primarycare.web.app import create_app
from primarycare.web.settings import Settings

PASSWORD = "correct-horse-battery"
VALID_NHS = "9434765919"


@pytest.fixture
def ooh(db_url, synth_icb):
    engine = make_engine(db_url)
    economy = read_folder(synth_icb)
    save_economy(engine, economy)
    first, second = economy.commissioners[0].code, economy.commissioners[1].code
    add_provider(engine, "OOH1", "First OOH", [first], ["North base"])
    add_provider(engine, "OOH2", "Second OOH", [second])
    users = {
        "handler": ("ooh_call_handler", {"provider_code": "OOH1"}),
        "clin": ("ooh_clinician", {"provider_code": "OOH1"}),
        "other": ("ooh_clinician", {"provider_code": "OOH2"}),
        "comm": ("commissioner", {"commissioner_code": first}),
        "comm2": ("commissioner", {"commissioner_code": second}),
        "prac": ("practice_user", {}),
    }
    tokens = {}
    for name, (role, links) in users.items():
        practice = economy.practices[0].code if role == "practice_user" else None
        create_user(engine, name, PASSWORD, role, practice, **links)
        tokens[name] = {"Authorization": f"Bearer {issue_token(engine, name)}"}
    practice = next(p.code for p in economy.practices if p.commissioner_code == first)
    app = create_app(Settings(database_url=db_url, secret_key="s" * 48))
    with TestClient(app, base_url="https://testserver") as client:
        yield client, engine, tokens, practice


def case_body(practice, **changes):
    received = datetime.now(UTC) - timedelta(minutes=10)
    body = {
        "source": "111",
        "nhs_number": VALID_NHS,
        "name": "Test Patient",
        "birth_date": "1950-02-03",
        "sex": "female",
        "postcode": "LS1 4AP",
        "practice_code": practice,
        "dx_code": "Dx12",
        "symptoms": "breathless",
        "received_at": received.isoformat(),
        "answered_at": (received + timedelta(seconds=30)).isoformat(),
        "passed_at": (received + timedelta(minutes=8)).isoformat(),
    }
    return {**body, **changes}
