"""`genie certify` against the Node.js light of examples/node-light: a device written elsewhere, from the
protocol page alone, passes every case (the long-duration one, which needs --soak, is reported not run)."""

from __future__ import annotations

import json
import shlex

import pytest

from tests.cli import genie
from tests.examples.node import EXAMPLE, LIGHT, require_node

pytestmark = pytest.mark.e2e


async def test_genie_certify_passes_the_node_light() -> None:
    node = require_node()
    command = shlex.join([node, str(EXAMPLE / "light.js")])
    code, out, err = await genie("certify", "--device", LIGHT, "--exec", command, "--wait", "30", "--json",
                                 timeout=180)
    assert out, err
    result = json.loads(out)
    outcomes = {case["id"]: case["outcome"] for case in result["cases"]}
    failed = {case["id"]: case["reason"] for case in result["cases"] if case["outcome"] == "fail"}
    assert failed == {}, err[-3000:]
    assert code == 0 and result["passed"], err[-3000:]
    assert outcomes.pop("soak") == "not-run"  # only with --soak
    assert len(outcomes) >= 10 and set(outcomes.values()) == {"pass"}, outcomes
    for case in ("registration", "last-will", "discovery", "actions-out-of-range", "reconnect", "topic-discipline"):
        assert outcomes[case] == "pass", case
    assert "online as node-light" in err  # certify ran this program, not a device of its own
