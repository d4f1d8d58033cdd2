"""What docs/protocol.md added for device makers writing from the page alone (examples/node-light) holds
for the product's own code: the form of a reason."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hub.protocol import PropertySpec

PAGE = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


@pytest.mark.parametrize(("value", "reason"), [
    (2600, "colorTemperature must be at least 2700K, got 2600"),
    ("x", "colorTemperature must be a number, got 'x'"),
    (True, "colorTemperature must be a number, got True"),
])
def test_a_reason_quotes_the_value_and_the_bound_as_the_page_says(value: object, reason: str) -> None:
    spec = PropertySpec(name="colorTemperature", dataType="int", min=2700, max=6500, unit="K")
    with pytest.raises(ValueError, match=re.escape(reason)):
        spec.coerce(value)
    assert "`2700K`" in PAGE.read_text(encoding="utf-8")

