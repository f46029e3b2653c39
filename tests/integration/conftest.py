"""Fixtures of the integration tests (beside tests/conftest.py's economies and databases)."""

from tests.integration.ooh_site import ooh  # noqa: F401  (the out-of-hours site fixture)
