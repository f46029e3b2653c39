"""The demo: one user per role over a loaded synthetic economy, one OOH provider per commissioner with synthetic
cases up to now. Demo credentials work only in demo mode."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from primarycare.demo_governance import create_demo_governance
from primarycare.demo_measures import create_demo_contracts
from primarycare.economy.calendar import is_bank_holiday, month_bounds, month_of, uk_local
from primarycare.store.economy import find_period, practice_overview, read_economy
from primarycare.store.users import create_user, user_id

DEMO_PASSWORD = "demo-password"
DEMO_YEARS = ("2021-22", "2022-23", "2023-24")
DEMO_USERS = (
    ("commissioner", "commissioner"),
    ("governance", "governance_lead"),
    ("practice", "practice_user"),
    ("callhandler", "ooh_call_handler"),
    ("clinician", "ooh_clinician"),
    ("clinician2", "ooh_clinician"),
    ("practice2", "practice_user"),
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
        _, practices = practice_overview(conn, period_id, limit=2)
    own = {"practice": practices[0]["code"], "practice2": practices[1]["code"]}
    made = []
    for username, role in DEMO_USERS:
        links = {
            "practice_code": own.get(username),
            "provider_code": providers[0].code if role in ("ooh_call_handler", "ooh_clinician") else None,
            "commissioner_code": providers[0].commissioners[0] if role == "commissioner" else None,
        }
        create_user(engine, username, DEMO_PASSWORD, role, replace=True, **links)
        made.append((username, role, links["practice_code"] or links["provider_code"] or links["commissioner_code"]))
    return made


def create_demo_notes(
    engine: Engine, users: list[tuple[str, str, str | None]], *, seed: int, now: datetime | None = None
) -> int:
    """Palliative patients with notes at the first practices of the first provider's commissioner, written by the
    demo practice users; a 111 case open for three of them (one assigned to the demo clinician); and post-event
    messages in the practices' inboxes for the first provider's cases closed in the last fortnight."""

    import numpy as np

    from primarycare.access.roles import User
    from primarycare.ingest.synth.cases import PALLIATIVE_PLANS, synthetic_nhs_number
    from primarycare.store import cases as store
    from primarycare.store.notes import write_note
    from primarycare.urgentcare.case import Case, Patient
    from primarycare.urgentcare.intake import new_ref
    from primarycare.urgentcare.message import MessageInvalid, Party, post_event_message
    from primarycare.urgentcare.notes import NoteDraft
    from primarycare.urgentcare.rules import load_rules

    now = now or datetime.now(UTC)
    rng = np.random.default_rng(seed)
    rules = load_rules()
    provider = create_demo_providers(engine)[0]
    targets = rules.targets_for(provider.commissioners)
    authors = {}
    for username, role, practice in users:
        if role == "practice_user":
            authors[practice] = User(user_id(engine, username), username, role, practice)
    clinician = user_id(engine, "clinician")
    names = ("Joan Carter", "Walter Mills", "Edith Shaw", "Arthur Webb")
    opened = []
    for number, (practice, author) in enumerate(sorted(authors.items()) * 2):
        nhs = synthetic_nhs_number(rng)
        plan = PALLIATIVE_PLANS[number % len(PALLIATIVE_PLANS)]
        review = now + timedelta(days=60 if number != 2 else -5)  # one review overdue, at the first practice
        draft = NoteDraft("palliative", plan, review.date())
        born = datetime(1935 + number, 3, 1).date()
        patient = {"nhs_number": nhs, "name": names[number], "birth_date": born, "practice_code": practice}
        write_note(engine, author, draft, patient=None, new_patient=patient, now=now - timedelta(days=20))
        if number < 3:
            received = now - timedelta(minutes=12 + 9 * number)
            opened.append(
                Case(
                    ref=new_ref(received),
                    provider_code=provider.code,
                    source="111",
                    patient=Patient(nhs, names[number], born, "female" if number % 2 == 0 else "male"),
                    practice_code=practice,
                    dx_code="Dx117",
                    dx_priority=rules.disposition("Dx117").priority,
                    received_at=received,
                    answered_at=received + timedelta(seconds=25),
                    passed_at=received + timedelta(minutes=6),
                    symptoms="Palliative patient: pain not controlled, family distressed",
                    assigned_to=clinician if number == 0 else None,
                    assigned_at=received + timedelta(minutes=8) if number == 0 else None,
                )
            )
    store.insert_cases(engine, opened, targets)
    with engine.connect() as conn:
        recent = [
            s
            for s in store.find_cases(conn, [provider.code], status="closed", received_from=now - timedelta(days=14))
            if s.case.message_delivered_at is not None
        ]
        practice_names = {code: store.practice_name(conn, code) for code in {s.case.practice_code for s in recent}}
    messages = []
    for stored in recent:
        case = stored.case
        described = rules.disposition(case.dx_code).meaning if case.dx_code else "Direct call to the OOH service"
        try:
            bundle = post_event_message(
                case,
                provider=Party(provider.code, provider.name),
                practice=Party(case.practice_code, practice_names[case.practice_code]),
                clinician="OOH clinician",
                disposition=f"{case.dx_code or 'direct'}: {described}",
                written_at=case.message_delivered_at,
            )
        except MessageInvalid:
            continue
        messages.append((stored.id, case.practice_code, bundle, case.message_delivered_at))
    store.insert_messages(engine, messages)
    return len(messages)


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
    """Three synthetic years (QOF aspiration payments, and measures with a series to detect changes in) loaded into
    SQLite under ``folder``, the demo users, OOH providers with their cases, governance, contract actions and the
    measures computed; returns the database URL and the users."""
    from primarycare.ingest.folder import read_folder
    from primarycare.ingest.synth.files import write_synthetic
    from primarycare.store.engine import make_engine
    from primarycare.store.load import save_economy

    database = Path(folder) / "primarycare.db"
    database.unlink(missing_ok=True)  # the demo starts afresh: its cases run up to now
    url = f"sqlite:///{database.resolve()}"
    engine = make_engine(url)
    for year in DEMO_YEARS:
        data = Path(folder) / "data" / year
        write_synthetic(data, practices=practices, seed=seed, year=year, vary_by_year=True)
        save_economy(engine, read_folder(data))
    users = create_demo_users(engine)
    create_demo_cases(engine, seed=seed)
    create_demo_notes(engine, users, seed=seed)
    member = user_id(engine, "practice")
    meetings = create_demo_governance(engine, demo_lead(engine), create_demo_providers(engine), member_user=member)
    store_demo_simulation(engine, seed=seed)
    create_demo_contracts(engine, meetings)
    return url, users


def store_demo_simulation(engine: Engine, *, seed: int) -> int:
    """The baseline scenario on the latest demo year, stored, so the measures show each practice's failed access."""
    from datetime import UTC

    from primarycare.simulation.api import Model
    from primarycare.simulation.parameters import load_scenario
    from primarycare.store.economy import read_economy
    from primarycare.store.simulation import save_run

    economy = read_economy(engine, with_qof=True)  # the palliative care registers
    scenario = load_scenario(Path(__file__).parents[2] / "examples" / "scenarios" / "baseline.yaml")
    model = Model(economy, scenario)
    results = model.run(2, seed)
    at = datetime.now(UTC).replace(tzinfo=None)
    return save_run(engine, results, year=economy.year, seed=seed, warmup_weeks=model.warmup_weeks, at=at)


def demo_lead(engine: Engine):
    from primarycare.access.roles import User

    return User(user_id(engine, "governance"), "governance", "governance_lead")
