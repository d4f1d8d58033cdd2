"""Fixtures of the NLU tests: the demo home's catalog, built from real device registrations."""

from __future__ import annotations

import pytest

from devices.categories import device_class
from devices.home import load_home
from hub.conversation import build_catalog
from hub.directory import Directory
from hub.nlu import Catalog


@pytest.fixture(scope="session")
def demo_directory() -> Directory:
    """A directory holding every device of the demo home, as each one registers itself."""
    directory = Directory()
    for config in load_home().device_configs():
        directory.register(device_class(config.category)(config).info())
    return directory


@pytest.fixture(scope="session")
def catalog(demo_directory: Directory) -> Catalog:
    """The parser's slot lists (device and room names in zh, en, fr) of the demo home."""
    return build_catalog(demo_directory)
