"""Governance tables: people, committees, registers, declarations, breaches, meetings, items, decisions."""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)

from primarycare.store.metadata import metadata

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
