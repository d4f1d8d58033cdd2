"""The shard topics and the one message shards exchange on them.

Every shard publishes a ``Beat`` on ``{prefix}/shards/{shardId}``: when it (re)connects, every ``interval``
seconds, at once when it hears a shard it did not know (so a newcomer learns the members within one round
trip), and — as its MQTT last will, or itself on a clean stop — one with ``alive: false``. Nothing here is
retained: RabbitMQ keeps retained messages per node, and membership must work across a cluster's nodes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hub.protocol import ProtocolError, Topics, validate_home_id
from hub.protocol.codec import decode_json

SHARDS_LEVEL = "shards"
"""The level under the prefix that holds the shard topics: ``genie/shards/<shardId>``."""
SHARD_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"


def validate_shard_id(shard_id: str) -> str:
    """Return ``shard_id`` if it is a valid shard id (the rules of a home id), else raise ValueError."""
    try:
        return validate_home_id(shard_id)
    except ValueError:
        raise ValueError(f"invalid shard id {shard_id!r}: use 1-64 characters a-z, 0-9, '_' or '-', "
                         "starting with a letter or digit") from None


def shard_topic(topics: Topics, shard_id: str) -> str:
    """Where shard ``shard_id`` says it is alive (or gone)."""
    return f"{topics.prefix}/{SHARDS_LEVEL}/{validate_shard_id(shard_id)}"


def shards_filter(topics: Topics) -> str:
    """Every shard's topic."""
    return f"{topics.prefix}/{SHARDS_LEVEL}/+"


def shard_of(topics: Topics, topic: str) -> str | None:
    """The shard id a shard topic names, or None when ``topic`` is not one."""
    head = f"{topics.prefix}/{SHARDS_LEVEL}/"
    if not topic.startswith(head):
        return None
    rest = topic[len(head):]
    try:
        return validate_shard_id(rest)
    except ValueError:
        return None


def homes_digest(home_ids: Iterable[str]) -> str:
    """A short fingerprint of a home list (the same set gives the same digest, whatever the order)."""
    return hashlib.sha256("\n".join(sorted(set(home_ids))).encode()).hexdigest()[:16]


class Beat(BaseModel):
    """A shard's heartbeat: who it is, whether it is alive, and what it serves."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    shard: str = Field(pattern=SHARD_ID_PATTERN)
    alive: bool
    seq: int = Field(default=0, ge=0)
    """Counts the beats of one run of the shard (0 is the one sent on connecting)."""
    run: str = Field(default="", max_length=32, pattern=r"^[A-Za-z0-9]*$")
    """Random per start of the process: a restarted shard is a new member even under the same id."""
    homes: int = Field(default=0, ge=0)
    """How many homes its list holds."""
    digest: str = Field(default="", max_length=16, pattern=r"^[0-9a-f]*$")
    """``homes_digest`` of its list: every shard of one group should show the same."""
    owned: int = Field(default=0, ge=0)
    """How many homes it serves now."""
    interval: float = Field(default=1.0, gt=0, le=60)
    """Seconds between its beats: a member is dropped after a few missed."""

    def encode(self) -> bytes:
        """The wire form (JSON)."""
        return self.model_dump_json().encode()


def decode_beat(payload: bytes) -> Beat:
    """Parse a beat, or raise ProtocolError naming what is wrong."""
    try:
        return Beat.model_validate(decode_json(payload, 4096))
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise ProtocolError(f"shard beat: {where}: {error['msg']}") from None
