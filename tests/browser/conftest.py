"""A real server on a free loopback port and Debian's Chromium driven by Playwright."""

import logging
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import sync_playwright

from primarycare.demo import DEMO_PASSWORD, create_demo_providers, create_demo_users, demo_lead
from primarycare.demo_governance import create_demo_governance
from primarycare.ingest.folder import read_folder
from primarycare.store.engine import make_engine
from primarycare.store.load import save_economy
from primarycare.web.app import create_app
from primarycare.web.settings import Settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


class Captured(logging.Handler):
    """Every log record the server writes during the browser run, formatted as it would be written."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record):
        self.lines.append(self.format(record))


LOGGERS = ("", "uvicorn", "uvicorn.access", "uvicorn.error")


@pytest.fixture(scope="session")
def server(tmp_path_factory, synth_icb):
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'demo.db'}"
    engine = make_engine(url)
    economy = read_folder(synth_icb)
    save_economy(engine, economy)
    users = create_demo_users(engine)
    create_demo_governance(engine, demo_lead(engine), create_demo_providers(engine))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    schemes = str(Path(__file__).parents[2] / "examples" / "schemes")
    scenarios = str(Path(__file__).parents[2] / "examples" / "scenarios")
    app = create_app(Settings(database_url=url, demo=True, schemes_dir=schemes, scenarios_dir=scenarios))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="info")  # access logs too: checked for PII
    server_logs = Captured()  # after uvicorn has configured its loggers
    for name in LOGGERS:
        logging.getLogger(name).addHandler(server_logs)
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield {
        "base": f"http://127.0.0.1:{port}",
        "economy": economy,
        "users": users,
        "password": DEMO_PASSWORD,
        "engine": engine,
        "logs": server_logs,
        "app": app,
    }
    instance.should_exit = True
    thread.join(timeout=10)
    for name in LOGGERS:
        logging.getLogger(name).removeHandler(server_logs)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()
