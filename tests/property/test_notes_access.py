"""Hypothesis: for any sequence of cases, assignments, closures and read attempts by any users, no note is ever
returned without a live relationship (an open case assigned to the reader, and no objection to sharing) or a
recorded emergency access, and every attempt leaves exactly one audit record."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from primarycare.access.roles import User
from primarycare.store import tables as t
from primarycare.store.audit import verify
from primarycare.store.cases import add_provider, insert_cases, record_event
from primarycare.store.engine import make_engine
from primarycare.store.migrate import upgrade
from primarycare.store.notes import read_notes, write_note
from primarycare.store.users import create_user
from primarycare.urgentcare.case import Case, Event, EventRefused, Patient
from primarycare.urgentcare.notes import NoteDraft
from primarycare.urgentcare.rules import load_rules

RULES = load_rules()
PATIENTS = {"9434765919": False, "9999999484": True}  # NHS number -> the patient objects to sharing
ROLES = {
    "clin_a": ("ooh_clinician", {"provider_code": "P1"}),
    "clin_b": ("ooh_clinician", {"provider_code": "P1"}),
    "clin_c": ("ooh_clinician", {"provider_code": "P2"}),
    "handler": ("ooh_call_handler", {"provider_code": "P1"}),
    "gp": ("practice_user", {"practice_code": "A81001"}),
    "other_gp": ("practice_user", {"practice_code": "A81002"}),
    "comm": ("commissioner", {}),
}
operations = st.lists(
    st.one_of(
        st.tuples(st.just("open"), st.sampled_from(sorted(PATIENTS)), st.sampled_from(["P1", "P2"])),
        st.tuples(st.just("assign"), st.integers(0, 5), st.sampled_from(["clin_a", "clin_b", "clin_c"])),
        st.tuples(st.just("close"), st.integers(0, 5)),
        st.tuples(st.just("read"), st.sampled_from(sorted(ROLES)), st.sampled_from(sorted(PATIENTS)), st.booleans()),
        st.tuples(st.just("wait"), st.integers(1, 90)),
    ),
    max_size=25,
)


def site(url):
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:  # a commissioner for the providers to serve
        period = conn.execute(insert(t.period).values(year="2023-24", era="icb", extract_date="01JAN2024",
                                                      loaded_at=datetime.now(UTC))).inserted_primary_key[0]  # fmt: skip
        conn.execute(insert(t.commissioner).values(period_id=period, code="C1", name="C1", parent_code="Q",
                                                   parent_name="Q"))  # fmt: skip
    add_provider(engine, "P1", "One", ["C1"])
    add_provider(engine, "P2", "Two", ["C1"])
    users = {}
    for name, (role, links) in ROLES.items():
        practice = links.pop("practice_code", None)
        users[name] = create_user(engine, name, "long-enough-password", role, practice, **links)
        if practice:
            links["practice_code"] = practice
    for number, objects in PATIENTS.items():
        draft = NoteDraft("palliative", {"cpr_decision": "DNACPR"}, date(2030, 1, 1), objects)
        patient = {"nhs_number": number, "name": "P", "birth_date": None, "practice_code": "A81001"}
        write_note(engine, users["gp"], draft, patient=None, new_patient=patient)
    return engine, users


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
def test_no_note_without_a_live_relationship_or_emergency_access(tmp_path_factory, ops):
    engine, users = site(f"sqlite:///{tmp_path_factory.mktemp('notes') / 'n.db'}")
    now = datetime(2026, 11, 25, 20, tzinfo=UTC)
    cases: list[tuple[int, str, str]] = []  # (id, nhs number, provider)
    assigned: dict[int, str] = {}
    closed: set[int] = set()
    emergency_until: dict[tuple[str, str], datetime] = {}
    audited = verify(engine).records
    for op in ops:
        now += timedelta(minutes=1)
        if op[0] == "open":
            case = Case(ref=f"R{len(cases)}", provider_code=op[2], source="direct", patient=Patient(op[1]),
                        practice_code="A81001", dx_code=None, dx_priority="urgent", received_at=now)  # fmt: skip
            (case_id,) = insert_cases(engine, [case], RULES.national)
            cases.append((case_id, op[1], op[2]))
        elif op[0] in ("assign", "close") and op[1] < len(cases):
            case_id, _, provider = cases[op[1]]
            who = users[op[2]] if op[0] == "assign" else users["clin_a"]
            event = Event("assigned" if op[0] == "assign" else "closed", now, None if op[0] == "assign" else "advice",
                          who.id)  # fmt: skip
            try:
                record_event(engine, case_id, event, now, RULES.national)
            except EventRefused:
                assert case_id in closed
                continue
            if op[0] == "assign":
                assigned[case_id] = op[2]
            else:
                closed.add(case_id)
        elif op[0] == "wait":
            now += timedelta(minutes=op[1])
        elif op[0] == "read":
            _, name, number, emergency = op
            user: User = users[name]
            reason = "patient collapsed, cannot consent" if emergency else ""
            result = read_notes(engine, user, number, now, reason)
            audited += 1
            assert verify(engine).records == audited  # exactly one record per attempt
            relationship = any(
                n == number and p == user.provider_code and assigned.get(c) == name and c not in closed
                for c, n, p in cases
            )
            live = emergency_until.get((name, number), now) > now
            if result.decision.basis == "emergency" and emergency and not live:
                emergency_until[(name, number)] = now + timedelta(hours=1)
                live = True
            own_practice = user.role == "practice_user" and user.practice_code == "A81001"
            if result.notes:
                allowed = own_practice or live or (relationship and not PATIENTS[number])
                assert allowed, (name, number, result.decision)
            if user.role not in ("ooh_clinician", "practice_user"):
                assert not result.notes
    assert verify(engine).intact
