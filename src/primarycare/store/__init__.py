"""Storage: SQLAlchemy tables, Alembic migrations, all-or-nothing loading and the repositories modules read from."""
