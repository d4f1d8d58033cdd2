"""The embedded MQTT broker: amqtt, configured by ``broker.conf``, with our fixes for its bugs.

amqtt 0.12.1, on every CONNECT, replays every retained message matching *any* client's
subscription to the new client, subscribed or not (reference/brokers.md, finding 4). A device
would then receive other devices' retained registrations and states. ``GenieBroker`` only
replays retained messages for filters the session itself holds.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import socket
from pathlib import Path
from typing import Any

import yaml
from amqtt.broker import Broker
from amqtt.session import Session

_LOGGER = logging.getLogger(__name__)

CONFIG_ENV = "GENIE_BROKER_CONF"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 1883


class BrokerConfigError(ValueError):
    """broker.conf is missing, unreadable or wrong; the message says where."""


class BrokerStartError(RuntimeError):
    """The broker could not start (port in use, address not available...)."""


class GenieBroker(Broker):
    """amqtt's Broker, replaying retained messages only to sessions subscribed to them."""

    async def _publish_retained_messages_for_subscription(
        self, subscription: tuple[str, int], session: Session
    ) -> None:
        topic_filter = subscription[0]
        holders = self._subscriptions.get(topic_filter, [])
        if not any(holder is session for holder, _qos in holders):
            return
        await super()._publish_retained_messages_for_subscription(subscription, session)


def default_config_path() -> Path | None:
    """``$GENIE_BROKER_CONF``, else ./broker.conf, else the broker.conf beside the source tree."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    for candidate in (Path.cwd() / "broker.conf", Path(__file__).resolve().parent.parent / "broker.conf"):
        if candidate.is_file():
            return candidate
    return None


BUILTIN_CONFIG: dict[str, Any] = {
    "listeners": {"default": {"type": "tcp", "bind": f"{DEFAULT_HOST}:{DEFAULT_PORT}"}},
    "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
}


def load_config(path: Path | None, host: str | None = None, port: int | None = None) -> dict[str, Any]:
    """Read broker.conf at ``path`` (built-in defaults if None) and apply host/port overrides."""
    if path is None:
        config: Any = {k: (dict(v) if isinstance(v, dict) else v) for k, v in BUILTIN_CONFIG.items()}
        config["listeners"] = {"default": dict(BUILTIN_CONFIG["listeners"]["default"])}
    else:
        try:
            config = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise BrokerConfigError(f"broker config {path}: cannot read it ({exc.strerror})") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" line {mark.line + 1}" if mark else ""
            raise BrokerConfigError(f"broker config {path}{where}: not valid YAML") from None
    where = str(path) if path else "built-in broker config"
    if not isinstance(config, dict):
        raise BrokerConfigError(f"{where}: expected a mapping with a 'listeners' section")
    listeners = config.get("listeners")
    if not isinstance(listeners, dict) or not isinstance(listeners.get("default"), dict):
        raise BrokerConfigError(f"{where}: 'listeners.default' is required (a mapping with type and bind)")
    default = listeners["default"]
    if default.setdefault("type", "tcp") not in ("tcp", "ws"):
        raise BrokerConfigError(f"{where}: listeners.default.type must be tcp or ws, got {default['type']!r}")
    bind_host, bind_port = _split_bind(str(default.get("bind", f"{DEFAULT_HOST}:{DEFAULT_PORT}")), where)
    if host is not None:
        bind_host = host
    if port is not None:
        if not 0 <= port <= 65535:
            raise BrokerConfigError(f"port must be 0-65535, got {port}")
        bind_port = port
    default["bind"] = f"[{bind_host}]:{bind_port}" if ":" in bind_host else f"{bind_host}:{bind_port}"
    plugins = config.get("plugins")
    if plugins is not None and not isinstance(plugins, dict):
        raise BrokerConfigError(f"{where}: 'plugins' must be a mapping of plugin name to its settings")
    return config


def _split_bind(bind: str, where: str) -> tuple[str, int]:
    host, sep, port_text = bind.rpartition(":")
    if not sep:
        raise BrokerConfigError(f"{where}: listeners.default.bind must be HOST:PORT, got {bind!r}")
    try:
        port = int(port_text)
    except ValueError:
        raise BrokerConfigError(f"{where}: listeners.default.bind port must be a number, got {bind!r}") from None
    return host.strip("[]") or DEFAULT_HOST, port


class EmbeddedBroker:
    """Runs the embedded broker in the current event loop: ``async with EmbeddedBroker(...) as b``."""

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = config
        self._broker: GenieBroker | None = None
        self.host, self.port = _split_bind(config["listeners"]["default"]["bind"], "broker config")

    @property
    def url(self) -> str:
        """The broker's URL, with the port actually bound (also when 0 was asked for)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"mqtt://{host}:{self.port}"

    async def start(self) -> None:
        """Bind and serve; raise BrokerStartError with one clear line if that fails."""
        _check_bindable(self.host, self.port)
        try:
            broker = GenieBroker(self._config)
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
        """Close every session and the listener."""
        if self._broker is not None:
            broker, self._broker = self._broker, None
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
