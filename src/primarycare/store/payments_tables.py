"""The payments inputs kept for a year (store/payment_inputs.py): each file as uploaded."""

from sqlalchemy import Column, DateTime, LargeBinary, String, Table

from primarycare.store.metadata import metadata

payment_input = Table(
    "payment_input",
    metadata,
    Column("year", String(7), primary_key=True),  # not a period's key: a re-load of the year keeps its inputs
    Column("kind", String(32), primary_key=True),
    Column("file_name", String(200), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("uploaded_by", String(64), nullable=False),
    Column("uploaded_at", DateTime, nullable=False),
)
