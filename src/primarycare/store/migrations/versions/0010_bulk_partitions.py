"""bulk economy tables partitioned by period on PostgreSQL

Each of list_count, achievement, prevalence and service_participation becomes a table partitioned by period, its
existing rows moved into one partition per period (store/partitions.py). SQLite is unchanged.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

from primarycare.store import partitions
from primarycare.store import tables as t

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in t.BULK_TABLES:
        name, old = table.name, f"{table.name}_unpartitioned"
        key = partitions.primary_key(table)
        op.execute(f"ALTER TABLE {name} RENAME TO {old}")
        op.execute(f"ALTER TABLE {old} RENAME CONSTRAINT {name}_pkey TO {old}_pkey")
        op.execute(
            f"CREATE TABLE {name} (LIKE {old} INCLUDING DEFAULTS, PRIMARY KEY ({key})) PARTITION BY LIST (period_id)"
        )
        for (period_id,) in op.get_bind().exec_driver_sql(f"SELECT DISTINCT period_id FROM {old}").all():
            part = partitions.create(op.get_bind(), table, period_id, keyed=True)
            op.execute(f"INSERT INTO {part} SELECT * FROM {old} WHERE period_id = {int(period_id)}")
            partitions.attach(op.get_bind(), period_id, [table])
        op.execute(f"DROP TABLE {old}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in t.BULK_TABLES:
        name, merged = table.name, f"{table.name}_merged"
        key = partitions.primary_key(table)
        op.execute(f"CREATE TABLE {merged} (LIKE {name} INCLUDING DEFAULTS, PRIMARY KEY ({key}))")
        op.execute(f"INSERT INTO {merged} SELECT * FROM {name}")
        op.execute(f"DROP TABLE {name}")
        op.execute(f"ALTER TABLE {merged} RENAME TO {name}")
        op.execute(f"ALTER TABLE {name} RENAME CONSTRAINT {merged}_pkey TO {name}_pkey")
