"""The embedded broker's configuration: ``broker.conf`` found, read and checked, or the built-in defaults.

``load_config`` returns amqtt's configuration dict plus our own ``genie`` section (``allow_anonymous``);
every mistake is a ``BrokerConfigError`` saying where.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from hub.errors import GenieError

CONFIG_ENV = "GENIE_BROKER_CONF"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 1883


class BrokerConfigError(GenieError, ValueError):
    """broker.conf is missing, unreadable or wrong; the message says where."""


def default_config_path() -> Path | None:
    """``$GENIE_BROKER_CONF``, else ./broker.conf, else the broker.conf beside the source tree."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    for candidate in (Path.cwd() / "broker.conf", Path(__file__).resolve().parents[2] / "broker.conf"):
        if candidate.is_file():
            return candidate
    return None


BUILTIN_CONFIG: dict[str, Any] = {
    "listeners": {"default": {"type": "tcp", "bind": f"{DEFAULT_HOST}:{DEFAULT_PORT}"}},
    "genie": {"allow_anonymous": False},
    "plugins": {},
}


def load_config(path: Path | None, host: str | None = None, port: int | None = None) -> dict[str, Any]:
    """Read broker.conf at ``path`` (built-in defaults if None) and apply host/port overrides."""
    if path is None:
        config: Any = {k: (dict(v) if isinstance(v, dict) else v) for k, v in BUILTIN_CONFIG.items()}
        config["listeners"] = {"default": dict(BUILTIN_CONFIG["listeners"]["default"])}
        config["genie"] = dict(BUILTIN_CONFIG["genie"])
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
    bind_host, bind_port = split_bind(str(default.get("bind", f"{DEFAULT_HOST}:{DEFAULT_PORT}")), where)
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
    genie = config.setdefault("genie", {})
    if not isinstance(genie, dict) or not isinstance(genie.setdefault("allow_anonymous", False), bool):
        raise BrokerConfigError(f"{where}: 'genie.allow_anonymous' must be true or false")
    unknown = set(genie) - {"allow_anonymous"}
    if unknown:
        raise BrokerConfigError(f"{where}: unknown setting genie.{sorted(unknown)[0]}")
    return config


def allows_anonymous(config: dict[str, Any]) -> bool:
    """True if the broker config lets clients in without credentials."""
    return bool(config.get("genie", {}).get("allow_anonymous", False))


def split_bind(bind: str, where: str) -> tuple[str, int]:
    """``HOST:PORT`` (a bracketed IPv6 host too) as host and port; BrokerConfigError saying ``where`` if not."""
    host, sep, port_text = bind.rpartition(":")
    if not sep:
        raise BrokerConfigError(f"{where}: listeners.default.bind must be HOST:PORT, got {bind!r}")
    try:
        port = int(port_text)
    except ValueError:
        raise BrokerConfigError(f"{where}: listeners.default.bind port must be a number, got {bind!r}") from None
    if not 0 <= port <= 65535:  # 0: any free port
        raise BrokerConfigError(f"{where}: listeners.default.bind port must be 0-65535, got {bind!r}")
    return host.strip("[]") or DEFAULT_HOST, port

