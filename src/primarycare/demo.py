"""The demo: one user per role over a loaded synthetic economy. Demo credentials work only in demo mode."""

from pathlib import Path

from sqlalchemy import Engine

from primarycare.store.economy import find_period, practice_overview
from primarycare.store.users import create_user

DEMO_PASSWORD = "demo-password"
DEMO_USERS = (
    ("commissioner", "commissioner"),
    ("governance", "governance_lead"),
    ("practice", "practice_user"),
    ("callhandler", "ooh_call_handler"),
    ("clinician", "ooh_clinician"),
    ("privacy", "privacy_officer"),
    ("admin", "admin"),
)


def create_demo_users(engine: Engine) -> list[tuple[str, str, str | None]]:
    """(username, role, practice) for each demo user; the practice user belongs to the first practice by code."""
    with engine.connect() as conn:
        period_id = find_period(conn)[0]
        _, first = practice_overview(conn, period_id, limit=1)
    practice_code = first[0]["code"]
    made = []
    for username, role in DEMO_USERS:
        practice = practice_code if role == "practice_user" else None
        create_user(engine, username, DEMO_PASSWORD, role, practice, replace=True)
        made.append((username, role, practice))
    return made


def build_demo(folder: Path, *, practices: int, seed: int) -> tuple[str, list[tuple[str, str, str | None]]]:
    """Two synthetic years (so QOF aspiration payments show) loaded into SQLite under ``folder``, and the demo
    users; returns the database URL and the users."""
    from primarycare.ingest.folder import read_folder
    from primarycare.ingest.synth.files import write_synthetic
    from primarycare.store.engine import make_engine
    from primarycare.store.load import save_economy

    url = f"sqlite:///{(Path(folder) / 'primarycare.db').resolve()}"
    engine = make_engine(url)
    for year in ("2022-23", "2023-24"):
        data = Path(folder) / "data" / year
        write_synthetic(data, practices=practices, seed=seed, year=year)
        save_economy(engine, read_folder(data))
    return url, create_demo_users(engine)
