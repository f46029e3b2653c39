"""The schema, identical on SQLite and PostgreSQL. Every economy table is keyed by the period it was loaded for.
The out-of-hours and governance tables live beside it (ooh_tables, governance_tables) on the same metadata and are
re-exported here, so `tables.X` names every table."""

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
)

from primarycare.store.metadata import metadata


def _period() -> Column:
    return Column("period_id", Integer, ForeignKey("period.id", ondelete="CASCADE"), primary_key=True)


def _bulk_period() -> Column:
    """The period of a bulk table (hundreds of thousands of rows a year). No foreign key: PostgreSQL would check it
    row by row (2-3 s of an England load); the loader writes a period and its rows in one transaction instead."""
    return Column("period_id", Integer, primary_key=True)


# Bulk tables are clustered on their key in SQLite (WITHOUT ROWID): one b-tree to write instead of two. On PostgreSQL
# each is partitioned by period (store/partitions.py): a load fills a period's own table and indexes it once.
BULK = {"sqlite_with_rowid": False, "postgresql_partition_by": "LIST (period_id)"}


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
    Column("disabled_at", Integer),  # seconds since the epoch; a disabled user cannot sign in or use a token
)

api_token = Table(
    "api_token",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("name", String(80), nullable=False, server_default=""),
    Column("expires_at", Integer, nullable=False),  # seconds since the epoch, like the columns below
    Column("last_used_at", Integer),
    Column("revoked_at", Integer),
)

# Failed sign-ins by key ("account:NAME", "address:IP", "token:IP"): how many, the last, and any lock.
signin_throttle = Table(
    "signin_throttle",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failed_at", Integer, nullable=False),
    Column("locked_until", Integer),
)

# A signed-in browser: the cookie holds a random token, the table its SHA-256, so a copied cookie stops working
# the moment the session is ended (sign-out, password change, an administrator ending every session).
user_session = Table(
    "user_session",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("started_at", Integer, nullable=False),  # seconds since the epoch, UTC
    Column("seen_at", Integer, nullable=False),
    Column("ended_at", Integer),
    Column("ended_why", String(32)),
)


from primarycare.store.governance_tables import (  # noqa: E402  (registered on the same metadata)
    gov_attendance,
    gov_breach,
    gov_committee,
    gov_committee_member,
    gov_decision,
    gov_declaration,
    gov_gift,
    gov_interest,
    gov_item,
    gov_meeting,
    gov_person,
)
from primarycare.store.measures_tables import (  # noqa: E402
    alert_subscription,
    contract_action,
    grouping,
    grouping_member,
    measure_change,
    measure_decile,
    measure_run,
    measure_value,
    outbox,
    practice_contract,
)
from primarycare.store.ooh_tables import (  # noqa: E402
    audit_event,
    audit_head,
    emergency_access,
    ooh_base,
    ooh_case,
    ooh_case_event,
    ooh_provider,
    ooh_provider_commissioner,
    patient,
    post_event_message,
    privacy_alert,
    special_note,
    special_note_version,
)
from primarycare.store.payments_tables import payment_input  # noqa: E402
from primarycare.store.simulation_tables import simulation_practice, simulation_run  # noqa: E402

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
BULK_TABLES = (list_count, achievement, prevalence, service_participation)

__all__ = [
    "metadata",
    "ooh_provider",
    "ooh_provider_commissioner",
    "ooh_base",
    "ooh_case",
    "ooh_case_event",
    "audit_event",
    "audit_head",
    "patient",
    "special_note",
    "special_note_version",
    "emergency_access",
    "privacy_alert",
    "post_event_message",
    "gov_person",
    "gov_declaration",
    "gov_breach",
    "gov_committee",
    "gov_committee_member",
    "gov_interest",
    "gov_gift",
    "gov_meeting",
    "gov_item",
    "gov_attendance",
    "gov_decision",
    "measure_value",
    "measure_decile",
    "measure_change",
    "measure_run",
    "grouping",
    "grouping_member",
    "alert_subscription",
    "outbox",
    "practice_contract",
    "contract_action",
    "simulation_run",
    "simulation_practice",
    "payment_input",
]
