"""What docs/protocol.md added for device makers writing from the page alone (examples/node-light) holds
for the product's own code: the form of a reason, the colour names and their values."""

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



def test_the_pages_colour_list_is_the_codes_in_its_order() -> None:
    text = " ".join(PAGE.read_text(encoding="utf-8").split())
    listed = text[text.index("The colour names, in the order a reason lists them"):]
    listed = listed[:listed.index("Warm `#FFB46B`") + len("Warm `#FFB46B`")]
    pairs = re.findall(r"([A-Z][a-z]+) `(#[0-9A-F]{6})`", listed)
    spec = PropertySpec(name="color", dataType="color")
    assert len(pairs) >= 10
    assert {name: spec.coerce(name.lower()) for name, _ in pairs} == dict(pairs)
    with pytest.raises(ValueError) as refused:
        spec.coerce("bluish")
    assert f"({', '.join(name for name, _ in pairs)})" in str(refused.value)  # every name, in this order
