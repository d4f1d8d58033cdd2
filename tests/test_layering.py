"""The boundaries of the architecture, checked on the source: who may import whom."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imports_of(package: str) -> dict[str, set[str]]:
    """Module path -> every absolute module name it imports."""
    found: dict[str, set[str]] = {}
    where = ROOT / package
    assert where.exists(), where
    for path in [where] if where.is_file() else sorted(where.rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{path}: relative import"
                names.add(node.module or "")
        found[str(path.relative_to(ROOT))] = names
    return found


def offenders(package: str, allowed: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for module, names in imports_of(package).items():
        for name in names:
            if name.startswith(forbidden) and not name.startswith(allowed):
                bad.append(f"{module} imports {name}")
    return bad


@pytest.mark.parametrize(
    ("package", "allowed", "forbidden"),
    [
        # the contract is a leaf
        ("hub/protocol", ("hub.protocol", "hub.language", "hub.errors"), ("hub", "devices", "genie")),
        # devices meet the hub only on the broker; they share its clock, and a home file carries the hub's
        # scenes and routines (validated with the same models)
        ("devices", ("hub.protocol", "hub.clock", "hub.language", "hub.errors", "hub.automation.models"),
         ("hub", "genie")),
        # data, like the contract (a schedule's next time is the time parser's own arithmetic)
        ("hub/automation/models.py", ("hub.protocol", "hub.language", "hub.nlu.when"), ("hub", "devices", "genie")),
        ("hub/clock.py", (), ("hub", "devices", "genie")),
        ("hub/language.py", (), ("hub", "devices", "genie")),  # the language set: a leaf too
        ("hub/errors.py", (), ("hub", "devices", "genie")),  # the error root: a leaf too
        ("hub", ("hub",), ("devices", "genie")),  # the hub never imports a device maker's code
    ],
)
def test_layering(package: str, allowed: tuple[str, ...], forbidden: tuple[str, ...]) -> None:
    assert imports_of(package), f"{package}: no modules found"
    assert offenders(package, allowed, forbidden) == []


def test_nlu_is_pure() -> None:
    """Understanding is synchronous and knows nothing of MQTT, the store or asyncio."""
    for module, names in imports_of("hub/nlu").items():
        assert not {"asyncio", "aiomqtt", "paho", "sqlite3", "hub.protocol.mqtt", "hub.store"} & names, module
