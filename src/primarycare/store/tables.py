"""The schema, identical on SQLite and PostgreSQL. Every economy table is keyed by the period it was loaded for."""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()


def _period() -> Column:
    return Column("period_id", Integer, ForeignKey("period.id", ondelete="CASCADE"), primary_key=True)


def _bulk_period() -> Column:
    """The period of a bulk table (hundreds of thousands of rows a year). No foreign key: PostgreSQL would check it
    row by row (2-3 s of an England load); the loader writes a period and its rows in one transaction instead."""
    return Column("period_id", Integer, primary_key=True)


# Bulk tables are clustered on their key in SQLite (WITHOUT ROWID): one b-tree to write instead of two.
BULK = {"sqlite_with_rowid": False}


period = Table(
    "period",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("year", String(7), nullable=False, unique=True),
    Column("era", String(3), nullable=False),
    Column("extract_date", String(9), nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)

commissioner = Table(
    "commissioner",
    metadata,
    _period(),
    Column("code", String(16), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("parent_code", String(16), nullable=False),
    Column("parent_name", String(200), nullable=False),
    Column("co_commissioning_level", String(24)),
)

network = Table(
    "network",
    metadata,
    _period(),
    Column("code", String(16), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("commissioner_code", String(16), nullable=False),
)

practice = Table(
    "practice",
    metadata,
    _period(),
    Column("code", String(6), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("postcode", String(10), nullable=False),
    Column("commissioner_code", String(16), nullable=False),
    Column("network_code", String(16)),
    Column("contract_type", String(4)),
    Column("ooh_opted_out", Boolean),
    Column("status", String(1), nullable=False),
)

list_count = Table(
    "list_count",
    metadata,
    _bulk_period(),
    Column("practice_code", String(6), primary_key=True),
    Column("sex", String(6), primary_key=True),
    Column("age_band", String(5), primary_key=True),
    Column("patients", Integer, nullable=False),
    **BULK,
)

indicator = Table(
    "indicator",
    metadata,
    _period(),
    Column("indicator_code", String(16), primary_key=True),
    Column("description", String(500)),
    Column("point_value", Float, nullable=False),
    Column("group_code", String(16), nullable=False),
    Column("group_description", String(200)),
    Column("domain_code", String(8), nullable=False),
    Column("domain_description", String(200)),
    Column("patient_list_type", String(8)),
)

achievement = Table(
    "achievement",
    metadata,
    _bulk_period(),
    Column("practice_code", String(6), primary_key=True),
    Column("indicator_code", String(16), primary_key=True),
    Column("register", Float),
    Column("numerator", Float),
    Column("denominator", Float),
    Column("pcas", Float),
    Column("achieved_points", Float),
    Column("newly_diagnosed", Float),
    **BULK,
)

prevalence = Table(
    "prevalence",
    metadata,
    _bulk_period(),
    Column("practice_code", String(6), primary_key=True),
    Column("group_code", String(16), primary_key=True),
    Column("patient_list_type", String(8), nullable=False),
    Column("register", Integer, nullable=False),
    Column("practice_list_size", Integer, nullable=False),
    **BULK,
)

service_participation = Table(
    "service_participation",
    metadata,
    _bulk_period(),
    Column("practice_code", String(6), primary_key=True),
    Column("service_code", String(32), primary_key=True),
    Column("items", Integer),
    **BULK,
)

app_user = Table(
    "app_user",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(32), nullable=False),
    Column("practice_code", String(6)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("provider_code", String(16)),
    Column("commissioner_code", String(16)),
)

api_token = Table(
    "api_token",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Out of hours. Instants are stored as naive UTC (the same on SQLite and PostgreSQL) and shown in UK local time.
ooh_provider = Table(
    "ooh_provider",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

ooh_provider_commissioner = Table(
    "ooh_provider_commissioner",
    metadata,
    Column("provider_code", String(16), ForeignKey("ooh_provider.code", ondelete="CASCADE"), primary_key=True),
    Column("commissioner_code", String(16), primary_key=True),
)

ooh_base = Table(
    "ooh_base",
    metadata,
    Column("provider_code", String(16), ForeignKey("ooh_provider.code", ondelete="CASCADE"), primary_key=True),
    Column("name", String(100), primary_key=True),
)

ooh_case = Table(
    "ooh_case",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("provider_code", String(16), ForeignKey("ooh_provider.code"), nullable=False),
    Column("case_ref", String(40), nullable=False),
    Column("source", String(6), nullable=False),
    Column("nhs_number", String(10)),
    Column("patient_name", String(200), nullable=False),
    Column("birth_date", Date),
    Column("sex", String(8), nullable=False),
    Column("postcode", String(10), nullable=False),
    Column("practice_code", String(6), nullable=False),
    Column("dx_code", String(8)),
    Column("dx_priority", String(12), nullable=False),
    Column("ambulance_disposition", Boolean, nullable=False),
    Column("symptoms", Text, nullable=False),
    Column("base", String(100)),
    Column("received_at", DateTime, nullable=False),
    Column("passed_at", DateTime),
    Column("answered_at", DateTime),
    Column("transfer_999_at", DateTime),
    Column("assessment_started_at", DateTime),
    Column("priority_set", String(12)),
    Column("priority_set_at", DateTime),
    Column("face_to_face_type", String(4)),
    Column("face_to_face_booked_at", DateTime),
    Column("face_to_face_started_at", DateTime),
    Column("assigned_to", Integer, ForeignKey("app_user.id", ondelete="SET NULL")),
    Column("assigned_at", DateTime),
    Column("closed_at", DateTime),
    Column("outcome", String(16)),
    Column("closed_by", Integer, ForeignKey("app_user.id", ondelete="SET NULL")),
    Column("message_delivered_at", DateTime),
    Column("version", Integer, nullable=False),
    Column("next_deadline", DateTime),  # the queue's order: see urgentcare.clocks.next_deadline
    UniqueConstraint("provider_code", "case_ref", name="uq_ooh_case_ref"),
    Index("ix_ooh_case_open", "provider_code", "closed_at", "next_deadline"),
    Index("ix_ooh_case_received", "provider_code", "received_at"),
)

ooh_case_event = Table(
    "ooh_case_event",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("ooh_case.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(24), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("value", String(24)),
    Column("user_id", Integer, ForeignKey("app_user.id", ondelete="SET NULL")),
    Column("recorded_at", DateTime, nullable=False),
)

# One audit chain for every module (store/audit.py). Records are never updated or deleted.
audit_event = Table(
    "audit_event",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", DateTime, nullable=False),
    Column("user_id", Integer),
    Column("username", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("action", String(40), nullable=False),
    Column("patient_id", Integer, index=True),
    Column("subject", String(80), nullable=False),
    Column("reason", Text, nullable=False),
    Column("outcome", String(40), nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

# Patients with special notes (the practice registers them when it writes a note); OOH cases find them by NHS number.
patient = Table(
    "patient",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nhs_number", String(10), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("birth_date", Date),
    Column("practice_code", String(6), nullable=False, index=True),
    Column("created_at", DateTime, nullable=False),
)

special_note = Table(
    "special_note",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("patient_id", Integer, ForeignKey("patient.id"), nullable=False, index=True),
    Column("kind", String(24), nullable=False),
    Column("current_version", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

special_note_version = Table(
    "special_note_version",
    metadata,
    Column("note_id", Integer, ForeignKey("special_note.id"), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("author_id", Integer, ForeignKey("app_user.id", ondelete="SET NULL")),
    Column("written_at", DateTime, nullable=False),
    Column("review_date", Date, nullable=False),
    Column("objection_to_sharing", Boolean, nullable=False),
    Column("content", Text, nullable=False),  # JSON: the kind's fields
)

emergency_access = Table(
    "emergency_access",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False),
    Column("patient_id", Integer, ForeignKey("patient.id"), nullable=False),
    Column("reason", Text, nullable=False),
    Column("granted_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Index("ix_emergency_access_user_patient", "user_id", "patient_id"),
)

privacy_alert = Table(
    "privacy_alert",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("emergency_access_id", Integer, ForeignKey("emergency_access.id"), nullable=False),
    Column("user_id", Integer, ForeignKey("app_user.id", ondelete="SET NULL")),
    Column("patient_id", Integer, ForeignKey("patient.id"), nullable=False),
    Column("reason", Text, nullable=False),
    Column("raised_at", DateTime, nullable=False),
    Column("reviewed_at", DateTime),
    Column("reviewed_by", Integer, ForeignKey("app_user.id", ondelete="SET NULL")),
    Column("outcome", String(16)),
    Column("comment", Text),
)

post_event_message = Table(
    "post_event_message",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("ooh_case.id"), nullable=False, unique=True),
    Column("practice_code", String(6), nullable=False),
    Column("bundle", Text, nullable=False),  # the FHIR R4 document Bundle, JSON
    Column("delivered_at", DateTime, nullable=False),
    Column("read_at", DateTime),
    Column("acknowledged_at", DateTime),
    Index("ix_post_event_message_practice", "practice_code", "delivered_at"),
)

# Governance: people on a commissioner's committees, their registers, meetings, items, votes and decisions.
gov_person = Table(
    "gov_person",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("commissioner_code", String(16), nullable=False),
    Column("name", String(200), nullable=False),
    Column("role", String(32), nullable=False),
    Column("decision_maker", Boolean, nullable=False),
    Column("user_id", Integer, ForeignKey("app_user.id", ondelete="SET NULL")),
)

gov_declaration = Table(
    "gov_declaration",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", Integer, ForeignKey("gov_person.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("declared_on", Date, nullable=False),
    Column("nil_return", Boolean, nullable=False),
)

gov_breach = Table(
    "gov_breach",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("commissioner_code", String(16), nullable=False),
    Column("person_id", Integer, ForeignKey("gov_person.id", ondelete="SET NULL")),
    Column("occurred_on", Date, nullable=False),
    Column("description", Text, nullable=False),
    Column("action_taken", Text, nullable=False),
    Column("reported_on", Date, nullable=False),
)

gov_committee = Table(
    "gov_committee",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("commissioner_code", String(16), nullable=False),
    Column("name", String(200), nullable=False),
    Column("quorum", Text, nullable=False),  # JSON: minimum, require_roles, majority_roles
)

gov_committee_member = Table(
    "gov_committee_member",
    metadata,
    Column("committee_id", Integer, ForeignKey("gov_committee.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", Integer, ForeignKey("gov_person.id", ondelete="CASCADE"), primary_key=True),
)

gov_interest = Table(
    "gov_interest",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", Integer, ForeignKey("gov_person.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("type", String(32), nullable=False),
    Column("organisation_kind", String(16), nullable=False),
    Column("organisation_code", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("start", Date, nullable=False),
    Column("end", Date),
    Column("declared_on", Date, nullable=False),
)

gov_gift = Table(
    "gov_gift",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", Integer, ForeignKey("gov_person.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("organisation_kind", String(16), nullable=False),
    Column("organisation_code", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("value_gbp", Float, nullable=False),
    Column("received_on", Date, nullable=False),
    Column("description", Text, nullable=False),
    Column("from_supplier", Boolean, nullable=False),
)

gov_meeting = Table(
    "gov_meeting",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("committee_id", Integer, ForeignKey("gov_committee.id", ondelete="CASCADE"), nullable=False),
    Column("held_on", Date, nullable=False),
    Column("title", String(200), nullable=False),
)

gov_item = Table(
    "gov_item",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("meeting_id", Integer, ForeignKey("gov_meeting.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("title", String(300), nullable=False),
    Column("subject_kind", String(16), nullable=False),
    Column("subject_code", String(200), nullable=False),
    Column("status", String(16), nullable=False),  # open, decided, deferred, referred
)

gov_attendance = Table(
    "gov_attendance",
    metadata,
    Column("item_id", Integer, ForeignKey("gov_item.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", Integer, ForeignKey("gov_person.id", ondelete="CASCADE"), primary_key=True),
    Column("present", Boolean, nullable=False),
    Column("action", String(20), nullable=False),  # the chair's decision: none, discuss_not_vote, leave_room
    Column("vote", String(8)),
)

gov_decision = Table(
    "gov_decision",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_id", Integer, ForeignKey("gov_item.id"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("supersedes_id", Integer, ForeignKey("gov_decision.id")),
    Column("decision", Text, nullable=False),
    Column("record", Text, nullable=False),  # JSON: subject, who took part, conflicts and how each was managed, tally
    Column("published_at", DateTime, nullable=False),
)

ECONOMY_TABLES = (
    commissioner,
    network,
    practice,
    list_count,
    indicator,
    achievement,
    prevalence,
    service_participation,
)
