"""What a certification run produces: each case's outcome, severity, reason and evidence, and the whole result."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["critical", "major", "minor"]
Outcome = Literal["pass", "fail", "not-run"]

EVIDENCE_LINES = 16
"""Messages kept as one case's evidence (the first ones, then a count of those left out)."""
EVIDENCE_CHARS = 240
"""Characters of one message kept in the evidence."""


def trim(text: str, limit: int = EVIDENCE_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters with the number left out; control characters written out."""
    flat = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}"
                   for c in text)
    return flat if len(flat) <= limit else f"{flat[:limit]}… (+{len(flat) - limit} chars)"


@dataclass
class CaseResult:
    """One case: what it checks, how it went, why, and the messages that show it."""

    id: str
    title: str
    severity: Severity
    outcome: Outcome = "not-run"
    reason: str = ""
    evidence: list[str] = field(default_factory=list)
    seconds: float = 0.0
    left_out: int = 0
    """Evidence lines not kept (over ``EVIDENCE_LINES``)."""

    def note(self, line: str) -> None:
        """Add one line of evidence (trimmed; past the limit only counted)."""
        if len(self.evidence) < EVIDENCE_LINES:
            self.evidence.append(trim(line))
        else:
            self.left_out += 1

    def to_json(self) -> dict[str, Any]:
        """The case as JSON."""
        evidence = self.evidence + ([f"... {self.left_out} more"] if self.left_out else [])
        return {"id": self.id, "title": self.title, "severity": self.severity, "outcome": self.outcome,
                "reason": self.reason, "evidence": evidence, "seconds": round(self.seconds, 3)}


@dataclass
class Connect:
    """How the device under test must connect to certify's broker."""

    url: str
    username: str
    password: str

    def to_json(self) -> dict[str, str]:
        """As JSON."""
        return {"url": self.url, "username": self.username, "password": self.password}


@dataclass
class SuiteResult:
    """A whole run against one device."""

    device: str
    broker: str
    own_broker: bool
    connect: Connect | None = None
    cases: list[CaseResult] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    seconds: float = 0.0
    error: str = ""
    """Why the suite could not run at all (the device never connected...), else empty."""

    @property
    def passed(self) -> bool:
        """True if the suite ran and no case failed."""
        return not self.error and bool(self.cases) and not any(c.outcome == "fail" for c in self.cases)

    def case(self, case_id: str) -> CaseResult | None:
        """The case ``case_id``, if it is part of the result."""
        return next((c for c in self.cases if c.id == case_id), None)

    def failed(self) -> list[str]:
        """Ids of the cases that failed."""
        return [c.id for c in self.cases if c.outcome == "fail"]

    def counts(self) -> dict[str, int]:
        """How many cases passed, failed, were not run."""
        return {o: sum(1 for c in self.cases if c.outcome == o) for o in ("pass", "fail", "not-run")}

    def to_json(self) -> dict[str, Any]:
        """The whole result as JSON."""
        return {"device": self.device, "broker": self.broker, "ownBroker": self.own_broker,
                "connect": self.connect.to_json() if self.connect else None, "passed": self.passed,
                "counts": self.counts(), "error": self.error or None, "started": round(self.started, 3),
                "seconds": round(self.seconds, 3), "cases": [c.to_json() for c in self.cases]}
