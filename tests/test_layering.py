"""The boundaries of the architecture, checked on the source: who may import whom."""

from __future__ import annotations

import ast
import subprocess
import sys
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


LEAVES = ("hub.clock", "hub.language", "hub.errors")
"""Modules of the hub that import nothing of the project: any part may use them."""
OUTER = ("hub.service", "hub.web", "hub.interop", "hub.broker", "hub.client", "hub.security", "hub.shards")
"""What runs the hub and meets the outside world: nothing of the turn itself may import it."""


@pytest.mark.parametrize(
    ("package", "allowed", "forbidden"),
    [
        # the leaves
        ("hub/clock.py", (), ("hub", "devices", "genie")),
        ("hub/language.py", (), ("hub", "devices", "genie")),
        ("hub/errors.py", (), ("hub", "devices", "genie")),
        # the contract is a leaf too, but for the leaves
        ("hub/protocol", ("hub.protocol", *LEAVES), ("hub", "devices", "genie")),
        # devices meet the hub only on the broker: the protocol and the leaves, never the hub's understanding,
        # automation or conversation (a home file's scenes and routines are carried as written)
        ("devices", ("hub.protocol", *LEAVES), ("hub", "genie")),
        # understanding: words in, meanings out; it knows nothing of devices' state, the automation or the turn
        ("hub/nlu", ("hub.nlu", "hub.protocol", *LEAVES), ("hub", "devices", "genie")),
        # scenes, timers and routines as data (a schedule's next time is the time reader's own arithmetic)
        ("hub/automation/models.py", ("hub.protocol", "hub.nlu.when.model", *LEAVES), ("hub", "devices", "genie")),
        # the automation keeps, stores and fires: it reads no words and never reaches into the turn
        ("hub/automation", ("hub.automation", "hub.protocol", "hub.directory", "hub.store", "hub.nlu.when.model",
                         *LEAVES),
         ("hub", "devices", "genie")),
        # the turn: reading, scenes and timers, orders; never the service, the web, the broker or the store
        ("hub/conversation", ("hub.conversation", "hub.nlu", "hub.automation", "hub.directory", "hub.lockout",
                              "hub.protocol",
                              *LEAVES), ("hub", "devices", "genie")),
        # shards run hubs, each on a view of one shared session: the hub, its store, the protocol; nothing outer
        ("hub/shards", ("hub.shards", "hub.service", "hub.store", "hub.automation.models", "hub.protocol", *LEAVES),
         ("hub", "devices", "genie")),
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


def test_the_turn_imports_nothing_outer() -> None:
    """The conversation, the understanding and the automation never import what runs the hub."""
    for package in ("hub/conversation", "hub/nlu", "hub/automation"):
        assert offenders(package, (), OUTER) == [], package


def test_a_device_process_never_loads_the_hubs_understanding() -> None:
    """What a device process imports (runner, home file, categories, registry) loads no part of the hub
    but the protocol and the leaves: not ``hub.nlu``, not the automation, not the conversation."""
    code = ("import sys, devices.runner, devices.home, devices.categories, devices.registry\n"
            "print(sorted({m.rsplit('.', 1)[0] if m.count('.') > 1 else m for m in sys.modules "
            "if m.startswith('hub.')}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True,
                          cwd=ROOT)
    loaded = set(ast.literal_eval(done.stdout.strip()))
    assert loaded, "the walk found nothing: the device modules import the protocol"
    assert loaded <= {"hub.protocol", *LEAVES}, loaded

