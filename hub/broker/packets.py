"""The broker's guards on one connection, below the session: packet size, body time, QoS 2 backlog, keepalive.

amqtt 0.12.1 reads every packet whole (a 100 MB PUBLISH, 100 MB in memory), waits forever for a body whose
header came, lets a session pile up QoS 2 messages it never releases, and ignores a client silent past its
keepalive (Yakifo/amqtt#308). ``BoundedReader``, ``CheckedFixedHeader`` and ``GenieHandler`` bound each.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from amqtt.adapters import ReaderAdapter, WriterAdapter
from amqtt.mqtt.constants import QOS_2
from amqtt.mqtt.packet import MQTTFixedHeader
from amqtt.mqtt.protocol import handler as amqtt_handler
from amqtt.mqtt.protocol.broker_handler import BrokerProtocolHandler
from amqtt.mqtt.publish import PublishPacket

from hub.protocol.codec import quote

_LOGGER = logging.getLogger("hub.broker")  # one log for the whole broker: its operators filter on it

MAX_UNRELEASED_QOS2 = 100
"""QoS 2 messages a session may have received and not yet released (PUBREL); one more drops the connection."""

BODY_TIMEOUT = 10.0
"""Seconds a packet's body has to arrive once its fixed header is read, before the connection is closed."""


class PacketTooLarge(Exception):
    """A packet's remaining length is over the connection's limit; amqtt's reader loop ends on it (an
    MQTTError would only discard the packet and go on reading its body as packets)."""


class SlowPacket(Exception):
    """A packet's body did not arrive within ``BODY_TIMEOUT`` of its fixed header; amqtt's reader loop ends on it."""


class BoundedReader(ReaderAdapter):
    """A client's reader that carries the largest packet its connection may send (checked by
    ``CheckedFixedHeader``) and a name for the log."""

    def __init__(self, inner: ReaderAdapter, max_packet_bytes: int, who: str) -> None:
        self.inner = inner
        self.max_packet_bytes = max_packet_bytes
        self.who = who
        self.deadline: float | None = None
        """When the body of the packet whose fixed header was read last must have arrived (None: between packets)."""

    async def read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes; SlowPacket once the current packet's body is past its deadline."""
        if self.deadline is None:
            return await self.inner.read(n)
        try:
            async with asyncio.timeout_at(self.deadline):
                return await self.inner.read(n)
        except TimeoutError:
            _LOGGER.warning("%s: a packet's body did not arrive within %g s: dropping the connection", self.who,
                            BODY_TIMEOUT)
            raise SlowPacket(f"{self.who}: packet body not received within {BODY_TIMEOUT:g} s") from None

    def feed_eof(self) -> None:
        """Pass the end of the stream on to the wrapped reader."""
        self.inner.feed_eof()


class CheckedFixedHeader(MQTTFixedHeader):
    """amqtt's fixed header, refused on the spot when its remaining length is over the reader's limit."""

    @classmethod
    async def from_stream(cls, reader: ReaderAdapter) -> CheckedFixedHeader | None:
        """The next fixed header; PacketTooLarge if its body is over the limit, else its body's deadline set."""
        if isinstance(reader, BoundedReader):
            reader.deadline = None  # between packets: the keepalive bounds the wait
        header = await super().from_stream(reader)
        limit = getattr(reader, "max_packet_bytes", None)
        if header is not None and limit is not None and header.remaining_length > limit:
            who = getattr(reader, "who", "?")
            _LOGGER.warning("%s: a packet of %d bytes (type %d), over the limit of %d: dropping the connection",
                            who, header.remaining_length, header.packet_type, limit)
            raise PacketTooLarge(f"{who}: packet of {header.remaining_length} bytes, over {limit}")
        if header is not None and header.remaining_length and isinstance(reader, BoundedReader):
            reader.deadline = asyncio.get_running_loop().time() + BODY_TIMEOUT
        return header


# amqtt 0.12.1's reader loop reads every packet whole (a 100 MB PUBLISH, 100 MB in memory). Packets over
# MAX_PACKET_BYTES (hub.security) are refused on their fixed header; a CONNECT, read otherwise, is bounded
# by its own fields (each at most 64 KiB: a will's payload too, under the protocol's 256 KiB). Only readers
# that carry a limit (our broker's) are checked, an amqtt client's are not.
amqtt_handler.MQTTFixedHeader = CheckedFixedHeader  # type: ignore[misc]


class GenieHandler(BrokerProtocolHandler):
    """amqtt's broker-side protocol handler with a cap on unreleased inbound QoS 2 messages, and keepalive
    enforced."""

    dropped = False
    """Set when the cap was passed: the packets still buffered before the connection's end are ignored."""

    closing: set[asyncio.Task[None]] | None = None
    """Where a keepalive drop's closing task is kept: the broker's, which awaits them at shutdown."""

    def handle_read_timeout(self) -> None:
        """Close the link of a client whose keepalive expired; the reader then ends and the will fires.

        amqtt 0.12.1's own handler does nothing here (Yakifo/amqtt#308)."""
        writer = getattr(self, "writer", None)
        if writer is None:
            return
        _LOGGER.info("%s: keepalive expired, dropping the connection", getattr(self.session, "client_id", "?"))
        if self.closing is None:  # not handed to a broker yet: nothing may outlive it, so cut the link
            abort_writer(writer)
            return
        task = asyncio.get_running_loop().create_task(writer.close(), name="hub.broker.keepalive-drop")
        self.closing.add(task)
        task.add_done_callback(self.closing.discard)

    async def handle_publish(self, publish_packet: PublishPacket) -> None:
        """amqtt's PUBLISH handling, unless it would hold more than ``MAX_UNRELEASED_QOS2`` unreleased."""
        session = self.session
        packet_id = publish_packet.variable_header.packet_id if publish_packet.variable_header else None
        if self.dropped:
            return
        if (session is not None and publish_packet.qos == QOS_2 and packet_id not in session.inflight_in
                and len(session.inflight_in) >= MAX_UNRELEASED_QOS2):
            self.dropped = True
            _LOGGER.warning("%s: over %d QoS 2 messages never released (PUBREL): dropping the connection",
                            quote(session.client_id or ""), MAX_UNRELEASED_QOS2)
            if not abort_writer(self.writer):
                with contextlib.suppress(Exception):  # already closing
                    await self.writer.close()  # type: ignore[union-attr]
            return
        await super().handle_publish(publish_packet)


async def close_writer(writer: WriterAdapter) -> None:
    """Close a client's connection, also when its peer is gone already (amqtt's close then stops half-way)."""
    try:
        await writer.close()
    except OSError:
        abort_writer(writer)


def abort_writer(writer: Any) -> bool:
    """Cut a client's TCP connection (amqtt's writer adapter) at once, as if its network went: its reader
    ends and its will fires. False if it is not a TCP stream."""
    stream = getattr(writer, "_writer", None)
    transport = getattr(stream, "transport", None)
    if transport is None:
        return False
    transport.abort()
    return True
