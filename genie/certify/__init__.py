"""``genie certify``: a conformance suite a device maker runs against their own device (docs/certify.md).

Like AWS IoT Device Advisor's test endpoint, certify starts its own broker (``broker``: the product's embedded
broker, watching the device under test), tells the device how to connect, and plays the hub (``probe``) through
the cases (``presence``, ``actions``, ``discipline``; the table in ``runner``), each with its severity, outcome,
reason and evidence (``model``); ``report`` renders the result as text and HTML. ``selftest`` certifies every
built-in category and the deliberately broken devices of ``broken``.
"""

from genie.certify.model import CaseResult, Connect, SuiteResult
from genie.certify.runner import CASES, certify

__all__ = ["CASES", "CaseResult", "Connect", "SuiteResult", "certify"]
