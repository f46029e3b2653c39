"""The demo: one user per role over a loaded synthetic economy, one OOH provider per commissioner with synthetic
cases up to now. Demo credentials work only in demo mode."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from primarycare.economy.calendar import is_bank_holiday, month_bounds, month_of, uk_local
from primarycare.store.economy import find_period, practice_overview, read_economy
from primarycare.store.users import create_user

DEMO_PASSWORD = "demo-password"
DEMO_USERS = (
    ("commissioner", "commissioner"),
    ("governance", "governance_lead"),
    ("practice", "practice_user"),
    ("callhandler", "ooh_call_handler"),
    ("clinician", "ooh_clinician"),
    ("clinician2", "ooh_clinician"),
    ("privacy", "privacy_officer"),
    ("admin", "admin"),
)


def create_demo_providers(engine: Engine) -> list:
    """One OOH provider per commissioner of the latest year (kept if they exist already), with two bases each."""
    from primarycare.store.cases import add_provider, providers

    with engine.connect() as conn:
        existing = providers(conn)
    if existing:
        return existing
    economy = read_economy(engine)
    made = []
    for number, commissioner in enumerate(economy.commissioners, start=1):
        name = commissioner.name.removesuffix(" ICB").removesuffix(" CCG")
        bases = (f"{name} Urgent Care Centre", f"{name} Community Hospital")
        made.append(add_provider(engine, f"OOH{number:02d}", f"{name} Out of Hours", [commissioner.code], bases))
    return made


def create_demo_users(engine: Engine) -> list[tuple[str, str, str | None]]:
    """(username, role, practice or provider) for each demo user. The practice user belongs to the first practice
    by code; the OOH staff to the first provider; the commissioner to that provider's commissioner."""
    providers = create_demo_providers(engine)
    with engine.connect() as conn:
        period_id = find_period(conn)[0]
        _, first = practice_overview(conn, period_id, limit=1)
    practice_code = first[0]["code"]
    made = []
    for username, role in DEMO_USERS:
        links = {
            "practice_code": practice_code if role == "practice_user" else None,
            "provider_code": providers[0].code if role in ("ooh_call_handler", "ooh_clinician") else None,
            "commissioner_code": providers[0].commissioners[0] if role == "commissioner" else None,
        }
        create_user(engine, username, DEMO_PASSWORD, role, replace=True, **links)
        made.append((username, role, links["practice_code"] or links["provider_code"] or links["commissioner_code"]))
    return made


def demo_case_window(now: datetime) -> datetime:
    """From the start of the month of the latest bank holiday (at most about four months back), so the demo's
    reports show a bank holiday, to now."""
    local = uk_local(now).date()
    for back in range(0, 125):
        day = local - timedelta(days=back)
        if is_bank_holiday(day):
            return month_bounds(month_of(datetime(day.year, day.month, day.day, 12, tzinfo=UTC)))[0]
    return month_bounds(month_of(now))[0]


def create_demo_cases(engine: Engine, *, seed: int, now: datetime | None = None) -> int:
    from primarycare.ingest.synth.cases import registered, synthetic_cases, waiting_now
    from primarycare.store.cases import insert_cases
    from primarycare.urgentcare.rules import load_rules

    now = now or datetime.now(UTC)
    rules = load_rules()
    economy = read_economy(engine)
    total = 0
    for number, provider in enumerate(create_demo_providers(engine)):
        cases = synthetic_cases(
            provider_code=provider.code,
            registered=registered(economy, provider.commissioners),
            start=demo_case_window(now),
            now=now,
            rules=rules,
            seed=seed * 1000 + number,
        )
        cases += waiting_now(cases, now=now, count=6, seed=seed * 1000 + number) if cases else []
        insert_cases(engine, cases, rules.targets_for(provider.commissioners))
        total += len(cases)
    return total


def build_demo(folder: Path, *, practices: int, seed: int) -> tuple[str, list[tuple[str, str, str | None]]]:
    """Two synthetic years (so QOF aspiration payments show) loaded into SQLite under ``folder``, the demo users,
    and OOH providers with their cases; returns the database URL and the users."""
    from primarycare.ingest.folder import read_folder
    from primarycare.ingest.synth.files import write_synthetic
    from primarycare.store.engine import make_engine
    from primarycare.store.load import save_economy

    database = Path(folder) / "primarycare.db"
    database.unlink(missing_ok=True)  # the demo starts afresh: its cases run up to now
    url = f"sqlite:///{database.resolve()}"
    engine = make_engine(url)
    for year in ("2022-23", "2023-24"):
        data = Path(folder) / "data" / year
        write_synthetic(data, practices=practices, seed=seed, year=year)
        save_economy(engine, read_folder(data))
    users = create_demo_users(engine)
    create_demo_cases(engine, seed=seed)
    return url, users
