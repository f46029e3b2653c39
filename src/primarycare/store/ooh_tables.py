"""Out-of-hours tables: providers, cases and events, patients with special notes, emergency access, privacy
alerts, post-event messages, and the audit chain they all write to."""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from primarycare.store.metadata import metadata

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
