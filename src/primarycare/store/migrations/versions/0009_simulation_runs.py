"""stored simulation runs and their per-practice results

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "simulation_run",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("scenario", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("year", sa.String(length=7), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("replications", sa.Integer(), nullable=False),
        sa.Column("warmup_weeks", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_simulation_run_year", "simulation_run", ["year"])
    op.create_table(
        "simulation_practice",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("practice_code", sa.String(length=16), nullable=False),
        sa.Column("same_day_needs", sa.Float(), nullable=False),
        sa.Column("failed_access", sa.Float(), nullable=False),
        sa.Column("ae_after_failed_access", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["simulation_run.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "practice_code"),
    )


def downgrade() -> None:
    op.drop_table("simulation_practice")
    op.drop_index("ix_simulation_run_year", table_name="simulation_run")
    op.drop_table("simulation_run")
