"""sign-in throttling, disabled users, named and expiring API tokens

Revision ID: 0008
Revises: 0007
"""

import time

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TOKEN_DAYS = 90  # tokens issued before this revision expire this long after it


def upgrade() -> None:
    op.create_table(
        "signin_throttle",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("disabled_at", sa.Integer(), nullable=True))
    with op.batch_alter_table("api_token") as batch:
        batch.add_column(sa.Column("name", sa.String(length=80), nullable=False, server_default=""))
        batch.add_column(sa.Column("expires_at", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("last_used_at", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("revoked_at", sa.Integer(), nullable=True))
    expires = int(time.time()) + TOKEN_DAYS * 86400
    op.execute(sa.text("UPDATE api_token SET expires_at = :e, name = 'issued before names'").bindparams(e=expires))
    with op.batch_alter_table("api_token") as batch:
        batch.alter_column("expires_at", existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("api_token") as batch:
        for column in ("revoked_at", "last_used_at", "expires_at", "name"):
            batch.drop_column(column)
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("disabled_at")
    op.drop_table("signin_throttle")
