"""Measures, groupings, alerts and contracts: computed measure values, deciles and changes (replaced on each compute),
users' saved groupings and subscriptions, the alerts outbox, and each practice's contract register and actions."""

from sqlalchemy import Column, Date, DateTime, Float, ForeignKey, Index, Integer, String, Table, Text

from primarycare.store.metadata import metadata

measure_value = Table(
    "measure_value",
    metadata,
    Column("measure", String(64), primary_key=True),
    Column("year", String(7), primary_key=True),
    Column("kind", String(16), primary_key=True),  # practice, network, commissioner
    Column("code", String(16), primary_key=True),
    Column("numerator", Float, nullable=False),
    Column("denominator", Float, nullable=False),
    Column("value", Float),
    Column("percentile", Float),
    Column("money_gbp", Float),  # the shortfall against the median in pounds, for measures with a money rule
    Index("ix_measure_value_code", "kind", "code"),
)

measure_decile = Table(
    "measure_decile",
    metadata,
    Column("measure", String(64), primary_key=True),
    Column("year", String(7), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("percentile", Integer, primary_key=True),
    Column("value", Float, nullable=False),
)

measure_change = Table(
    "measure_change",
    metadata,
    Column("measure", String(64), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("code", String(16), primary_key=True),
    Column("change", String(12), nullable=False),  # worsening, improving
    Column("year", String(7), nullable=False),
    Column("size", Float, nullable=False),
)

measure_run = Table(
    "measure_run",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("computed_at", DateTime, nullable=False),
    Column("definitions", Text, nullable=False),  # JSON: the measures as computed, so pages show what was used
    Column("practices", Integer, nullable=False),
    Column("years", String(200), nullable=False),
)

grouping = Table(
    "grouping",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

grouping_member = Table(
    "grouping_member",
    metadata,
    Column("grouping_id", Integer, ForeignKey("grouping.id", ondelete="CASCADE"), primary_key=True),
    Column("practice_code", String(6), primary_key=True),
)

alert_subscription = Table(
    "alert_subscription",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # practice, network, commissioner, measure
    Column("code", String(64), nullable=False),
    Column("email", String(254)),
    Column("created_at", DateTime, nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("address", String(254)),
    Column("kind", String(16), nullable=False),  # measure, reminder
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("dedupe_key", String(300), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("sent_at", DateTime),
)

practice_contract = Table(
    "practice_contract",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("practice_code", String(6), nullable=False, index=True),
    Column("contract_type", String(4), nullable=False),
    Column("reference", String(64), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date),
)

contract_action = Table(
    "contract_action",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("practice_code", String(6), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # variation, remedial_notice, breach_notice
    Column("term", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("deadline", Date),
    Column("status", String(20), nullable=False),
    Column("response", Text),
    Column("responded_on", Date),
    Column("outcome", Text),
    Column("gov_item_id", Integer, ForeignKey("gov_item.id", ondelete="SET NULL")),
    Column("created_by", Integer, ForeignKey("app_user.id", ondelete="SET NULL")),
    Column("notify_email", String(254)),
    Column("created_at", DateTime, nullable=False),
)
