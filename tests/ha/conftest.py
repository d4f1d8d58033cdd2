"""The real Home Assistant tests: their marker (``-m ha`` runs only them, ``-m "not ha"`` leaves them out)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``ha`` marker (the suite runs with --strict-markers)."""
    config.addinivalue_line("markers", "ha: drives a real Home Assistant ($GENIE_HA_VENV; GENIE_REQUIRE_HA=1 in CI)")
