"""``EmbeddedBroker``: the embedded broker run in the current event loop, started and stopped cleanly.

It binds the listener of a configuration (``hub.broker.config``), serves ``GenieBroker`` on it, and stops
it by cutting every connection first, as a process exit would.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
from collections.abc import Callable
from typing import Any

from hub.broker.config import BrokerConfigError, split_bind
from hub.broker.packets import abort_writer
from hub.broker.server import GenieBroker
from hub.errors import GenieError
from hub.security import Credentials

_LOGGER = logging.getLogger("hub.broker")  # one log for the whole broker: its operators filter on it


class BrokerStartError(GenieError, RuntimeError):
    """The broker could not start (port in use, address not available...)."""


class EmbeddedBroker:
    """Runs the embedded broker in the current event loop: ``async with EmbeddedBroker(...) as b``."""

    def __init__(self, config: dict[str, Any], *, credentials: Credentials | None = None,
                 broker_class: Callable[..., GenieBroker] = GenieBroker) -> None:
        self._config = config
        self.credentials = credentials
        self._broker_class = broker_class
        """Makes the broker: ``GenieBroker``, or a subclass that watches its clients (``genie certify``)."""
        self._broker: GenieBroker | None = None
        self.host, self.port = split_bind(config["listeners"]["default"]["bind"], "broker config")

    @property
    def url(self) -> str:
        """The broker's URL, with the port actually bound (also when 0 was asked for)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"mqtt://{host}:{self.port}"

    async def start(self) -> None:
        """Bind and serve; raise BrokerStartError with one clear line if that fails."""
        _check_bindable(self.host, self.port)
        amqtt_config = {k: v for k, v in self._config.items() if k != "genie"}
        try:
            broker = self._broker_class(amqtt_config, credentials=self.credentials)
        except Exception as exc:  # amqtt raises dacite/plugin errors of many types for bad config
            raise BrokerConfigError(f"broker config rejected by amqtt: {exc}") from None
        amqtt_logger = logging.getLogger("amqtt")
        level = amqtt_logger.level
        amqtt_logger.setLevel(max(level, logging.CRITICAL))  # amqtt logs a traceback before raising
        try:
            await broker.start()
        except Exception as exc:
            raise BrokerStartError(f"cannot start the MQTT broker on {self.host}:{self.port}: {exc}") from None
        finally:
            amqtt_logger.setLevel(level)
        self._broker = broker
        server = broker._servers.get("default")
        sockets = getattr(getattr(server, "instance", None), "sockets", None) or []
        if sockets:
            self.port = sockets[0].getsockname()[1]
        _LOGGER.info("embedded broker listening on %s", self.url)

    async def stop(self) -> None:
        """Close the listener and every client connection, then shut amqtt down.

        amqtt's own shutdown can wait forever on a session's in-flight messages when many clients are
        connected (seen with a home of 19 devices), so connections are cut first, as a process exit would.
        """
        if self._broker is not None:
            broker, self._broker = self._broker, None
            for server in broker._servers.values():
                instance = getattr(server, "instance", None)
                if instance is not None:
                    instance.close()
            for _session, handler in list(broker._sessions.values()):
                abort_writer(getattr(handler, "writer", None))
            try:
                await asyncio.wait_for(broker.shutdown(), timeout=5)
            except (TimeoutError, Exception) as exc:  # shutting down: report, never mask the caller's error
                _LOGGER.warning("broker shutdown: %s", exc)

    async def __aenter__(self) -> EmbeddedBroker:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


def _check_bindable(host: str, port: int) -> None:
    """Fail early, with one line, when the address cannot be bound (amqtt's own error is a traceback)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise BrokerStartError(
                    f"port {port} on {host} is already in use: is another broker running? "
                    f"Use --port N (or --broker URL to use that broker)"
                ) from None
            raise BrokerStartError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
