"""A 2-node RabbitMQ cluster on loopback (MQTT 3.1.1 through ``rabbitmq_mqtt``), for the scale-out test.

Everything is started by hand, in one temporary directory, and stopped by PID: our own epmd on its own
port, two nodes booted in parallel, node B joined to node A with the CLI. The users and topic
permissions that express ``hub/security.py``'s policy are loaded by node A at boot from ONE
definitions file (no per-user CLI call); B gets them when it joins. See docs/scale-out.md and
``../shared/reference/rabbitmq-cluster.md`` for the measured steps and gotchas this follows.

Every process we start carries a marker in its environment, inherited by everything it spawns
(beam.smp, erl_child_setup, inet_gethost, the disk monitor's sh, an ``epmd -daemon`` a CLI call might
start), so "no process of ours is left" is checked exactly, without matching names.

From a checkout, ``python -m tests.rabbitmq definitions FILE`` writes the definitions for the data
directory's credentials (import them into any RabbitMQ cluster), and ``python -m tests.rabbitmq up``
runs a loopback cluster until Ctrl-C (see docs/scale-out.md).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import secrets
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hub.broker.rabbitmq import write_definitions
from hub.protocol.mqtt import BrokerURL
from hub.security import Credentials

RABBITMQ_BIN = Path("/usr/lib/rabbitmq/bin")
"""The real scripts: Debian's /usr/sbin wrappers `su` to the rabbitmq user and cd to /var/lib/rabbitmq."""
SERVER = RABBITMQ_BIN / "rabbitmq-server"
CTL = RABBITMQ_BIN / "rabbitmqctl"
REQUIRE_RABBITMQ = os.environ.get("GENIE_REQUIRE_RABBITMQ") == "1"
"""Set by .ci/run: a missing RabbitMQ is then a failure, not a skip."""
MARK_VAR = "GENIE_RABBITMQ_CLUSTER"


def epmd_path() -> str | None:
    """Erlang's port mapper daemon (Debian's erlang-base puts a link in /usr/bin)."""
    for candidate in ["/usr/bin/epmd", *map(str, sorted(Path("/usr/lib/erlang").glob("erts-*/bin/epmd")))]:
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def missing() -> str | None:
    """Why the cluster cannot run here, or None."""
    if not os.access(SERVER, os.X_OK) or not os.access(CTL, os.X_OK):
        return f"RabbitMQ is not installed ({SERVER} missing): apt-get install -y rabbitmq-server"
    if epmd_path() is None:
        return "epmd (Erlang) is not installed: apt-get install -y rabbitmq-server"
    if not Path("/proc/self/environ").exists():
        return "the RabbitMQ cluster helper needs Linux /proc"
    return None


def require_rabbitmq() -> None:
    """Skip the calling test (fail it under GENIE_REQUIRE_RABBITMQ=1) when RabbitMQ is not here."""
    import pytest

    reason = missing()
    if reason is None:
        return
    if REQUIRE_RABBITMQ:
        pytest.fail(f"RabbitMQ is required (GENIE_REQUIRE_RABBITMQ=1) but unavailable: {reason}")
    pytest.skip(reason)


# --------------------------------------------------------------------------- users and permissions


# --------------------------------------------------------------------------- processes


class ClusterError(RuntimeError):
    """The cluster did not start (the message carries the end of the nodes' output), or a CLI call failed."""


@dataclass
class Node:
    """One RabbitMQ node of the cluster."""

    name: str
    mqtt_port: int
    dist_port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def nodename(self) -> str:
        return f"{self.name}@localhost"

    @property
    def pid_file(self) -> Path:
        return self.directory / "rabbit.pid"

    @property
    def output(self) -> Path:
        return self.directory / "log" / "stdout.log"

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.output.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no output)"


@dataclass
class Process:
    pid: int
    name: str

    def __str__(self) -> str:
        return f"{self.name}[{self.pid}]"


def _bindable(port: int, host: str) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((host, port))
        return True
    except OSError:
        return host == "::1"  # no IPv6 here: epmd then binds IPv4 only


def _port_block(size: int, attempts: int = 50) -> int:
    """The first of ``size`` consecutive free ports below the ephemeral range (so no client takes one)."""
    rng = random.Random()
    for _ in range(attempts):
        base = rng.randrange(20000, 32000 - size)
        if all(_bindable(base + i, "127.0.0.1") and _bindable(base + i, "0.0.0.0") and _bindable(base + i, "::1")
               for i in range(size)):
            return base
    raise ClusterError(f"no {size} consecutive free ports found in 20000-32000")


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class RabbitCluster:
    """A 2-node RabbitMQ cluster on 127.0.0.1; ``start()`` then ``stop()`` (or use ``rabbitmq_cluster``)."""

    directory: Path
    credentials: Credentials
    device_ids: list[str]
    homes: dict[str, list[str]] = field(default_factory=dict)
    """Homes with their own logins and topics (home id: its device ids), beside ``device_ids`` of the default tree."""
    shards: list[str] = field(default_factory=list)
    """Hub shards with their own logins (docs/shards.md)."""
    nodes: list[Node] = field(default_factory=list)
    epmd_port: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds: ``boot`` (both MQTT ports up), ``join``, ``start`` (total), ``stop``."""
    leftovers: list[str] = field(default_factory=list)
    """Processes of ours that had to be SIGKILLed or outlived ``stop()`` (empty after a clean stop)."""
    cli_calls: int = 0
    _env: dict[str, str] = field(default_factory=dict)
    _epmd: subprocess.Popen[bytes] | None = None
    _mark: str = ""
    _stopped: bool = False

    # --- addresses --------------------------------------------------------------------------------
    def url(self, node: int, username: str | None = None) -> BrokerURL:
        """Node ``node`` (0 = A, 1 = B) as MQTT broker, logged in as ``username`` if given."""
        port = self.nodes[node].mqtt_port
        if username is None:
            return BrokerURL("127.0.0.1", port)
        return BrokerURL("127.0.0.1", port, username, self.credentials.password_for(username))

    # --- start --------------------------------------------------------------------------------------
    def start(self, timeout: float = 90.0) -> None:
        """Boot both nodes in parallel, join B to A; return when both MQTT listeners accept connections."""
        reason = missing()
        if reason:
            raise ClusterError(reason)
        started = time.perf_counter()
        deadline = time.monotonic() + timeout
        s = self.directory
        (s / "home").mkdir(parents=True, exist_ok=True)
        cookie = s / "home" / ".erlang.cookie"
        fd = os.open(cookie, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o400)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(20).upper())
        (s / "no-env.conf").write_text("# not /etc/rabbitmq/rabbitmq-env.conf\n")
        definitions = write_definitions(s / "definitions.json", self.credentials, self.device_ids, homes=self.homes,
                                        shards=self.shards)
        base = _port_block(24)
        self.epmd_port = base
        self._mark = secrets.token_hex(12)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RABBITMQ_", "ERL_"))}
        env.update({
            "HOME": str(s / "home"),
            "ERL_EPMD_PORT": str(base), "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_USE_LONGNAME": "false",
            "RABBITMQ_CONF_ENV_FILE": str(s / "no-env.conf"),
            "RABBITMQ_CTL_DIST_PORT_MIN": str(base + 10), "RABBITMQ_CTL_DIST_PORT_MAX": str(base + 23),
            MARK_VAR: self._mark,
        })
        self._env = env
        self.nodes = [Node("rmqa", base + 1, base + 2, s / "rmqa"), Node("rmqb", base + 3, base + 4, s / "rmqb")]
        try:
            # Our own epmd first: a node that finds none starts `epmd -daemon`, which we would not own.
            self._epmd = subprocess.Popen([str(epmd_path()), "-port", str(base), "-address", "127.0.0.1"],
                                          env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, start_new_session=True)
            self._wait_ports([base], deadline, "epmd")
            for index, node in enumerate(self.nodes):
                self._configure(node, definitions if index == 0 else None)
                node.process = self._spawn_node(node)
            self._wait_ports([n.mqtt_port for n in self.nodes], deadline, "both MQTT listeners")
            self.timings["boot"] = time.perf_counter() - started
            joined = time.perf_counter()
            a, b = self.nodes
            self.ctl(b, "stop_app")
            self.ctl(b, "join_cluster", a.nodename)
            self.ctl(b, "start_app")
            self._wait_ports([b.mqtt_port], deadline, "node B's MQTT listener after the join")
            self.timings["join"] = time.perf_counter() - joined
            self.timings["start"] = time.perf_counter() - started
        except BaseException:
            self.stop()
            raise

    def _configure(self, node: Node, definitions: Path | None) -> None:
        (node.directory / "log").mkdir(parents=True, exist_ok=True)
        (node.directory / "enabled_plugins").write_text("[rabbitmq_mqtt].\n")
        lines = [
            "listeners.tcp = none",  # MQTT only: no AMQP listener (the CLI talks over Erlang distribution)
            "distribution.listener.interface = 127.0.0.1",
            f"mqtt.listeners.tcp.1 = 127.0.0.1:{node.mqtt_port}",
            "mqtt.allow_anonymous = false",
            "mqtt.tcp_listen_options.nodelay = true",
            "log.file.level = warning",
            "log.console = false",
        ]
        if definitions is not None:
            lines.append(f"load_definitions = {definitions}")
        (node.directory / "rabbitmq.conf").write_text("\n".join(lines) + "\n")

    def _spawn_node(self, node: Node) -> subprocess.Popen[bytes]:
        d = node.directory
        env = dict(self._env)
        env.update({
            "RABBITMQ_NODENAME": node.nodename,
            "RABBITMQ_DIST_PORT": str(node.dist_port),
            "RABBITMQ_CONFIG_FILE": str(d / "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(d / "advanced.config"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(d / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(d / "mnesia"),
            "RABBITMQ_LOG_BASE": str(d / "log"),
            "RABBITMQ_PID_FILE": str(node.pid_file),
        })
        with node.output.open("ab") as out:
            return subprocess.Popen([str(SERVER)], env=env, cwd=d, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)

    def _wait_ports(self, ports: list[int], deadline: float, what: str) -> None:
        """Bounded wait for external processes to boot: until each port accepts TCP (0.1 s between tries)."""
        pending = list(ports)
        while pending:
            for node in self.nodes:
                if node.process is not None and node.process.poll() is not None:
                    raise ClusterError(f"{node.nodename} exited with {node.process.returncode}:\n{node.tail()}")
            if self._epmd is not None and self._epmd.poll() is not None:
                raise ClusterError(f"our epmd on port {self.epmd_port} exited with {self._epmd.returncode}")
            pending = [p for p in pending if not _accepts(p)]
            if not pending:
                return
            if time.monotonic() > deadline:
                tails = "\n".join(f"--- {n.nodename}\n{n.tail()}" for n in self.nodes)
                raise ClusterError(f"timed out waiting for {what} (ports {pending})\n{tails}")
            time.sleep(0.1)

    # --- CLI ----------------------------------------------------------------------------------------
    def ctl(self, node: Node, *args: str, timeout: float = 60.0) -> str:
        """``rabbitmqctl -n <node> ARGS`` (an Erlang VM of its own, ~0.5-1 s); raises ClusterError on failure."""
        self.cli_calls += 1
        try:
            done = subprocess.run([str(CTL), "-n", node.nodename, *args], env=self._env, cwd=self.directory,
                                  stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                                  start_new_session=True, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ClusterError(f"rabbitmqctl {' '.join(args)} on {node.nodename} timed out") from exc
        if done.returncode != 0:
            raise ClusterError(f"rabbitmqctl {' '.join(args)} on {node.nodename} failed ({done.returncode}): "
                               f"{(done.stdout + done.stderr).decode(errors='replace')[-2000:]}")
        return done.stdout.decode(errors="replace")

    # --- processes of ours ------------------------------------------------------------------------
    def processes(self) -> list[Process]:
        """Every live (not zombie) process carrying this cluster's marker, whatever started it."""
        if not self._mark:
            return []
        needle = f"\0{MARK_VAR}={self._mark}\0".encode()
        found = []
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                environ = Path(entry.path, "environ").read_bytes()
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue  # gone meanwhile, or not ours to read
            if needle not in b"\0" + environ:
                continue
            name, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:]
            if rest[:1] not in ("Z", "X"):
                found.append(Process(int(entry.name), name))
        return found

    # --- stop ---------------------------------------------------------------------------------------
    def stop(self) -> list[str]:
        """Stop both nodes (``rabbitmqctl stop <pidfile>`` waits for the VM to exit), then our epmd,
        then anything of ours still alive by PID (SIGKILL after 10 s). Returns ``leftovers``."""
        if self._stopped:
            return self.leftovers
        self._stopped = True
        started = time.perf_counter()
        recorded = self.processes()
        for node in reversed(self.nodes):
            # Never call the CLI for a node that is already gone (it would wait, and start an epmd).
            if node.process is not None and node.process.poll() is None and self._epmd_alive():
                with contextlib.suppress(ClusterError):
                    self.ctl(node, "stop", str(node.pid_file), timeout=60)
        for node in self.nodes:
            if node.process is not None and node.process.poll() is None:
                node.process.terminate()
        if self._epmd is not None and self._epmd.poll() is None:
            self._epmd.terminate()  # last: every CLI call needs it
        survivors = _wait_gone([p.pid for p in recorded], timeout=10)
        for proc in recorded:
            if proc.pid in survivors:
                self.leftovers.append(f"{proc} (killed)")
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGKILL)
        for child in [n.process for n in self.nodes] + [self._epmd]:
            if child is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    child.wait(timeout=10)  # reap our direct children
        late = self.processes()
        for proc in late:
            self.leftovers.append(f"{proc} (appeared during stop; killed)")
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGKILL)
        _wait_gone([p.pid for p in late], timeout=5)
        self.timings["stop"] = time.perf_counter() - started
        return self.leftovers

    def _epmd_alive(self) -> bool:
        return self._epmd is not None and self._epmd.poll() is None


def _wait_gone(pids: list[int], timeout: float) -> set[int]:
    """Wait (woken by each exit, through pidfds) until every PID has exited; return those still alive."""
    fds: dict[int, int] = {}
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, OSError):
            fds[os.pidfd_open(pid)] = pid
    poller = select.poll()
    for fd in fds:
        poller.register(fd, select.POLLIN)
    deadline = time.monotonic() + timeout
    try:
        while fds:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            for fd, _event in poller.poll(remaining * 1000):
                poller.unregister(fd)
                os.close(fd)
                del fds[fd]
        return set(fds.values())
    finally:
        for fd in fds:
            os.close(fd)


@contextlib.contextmanager
def rabbitmq_cluster(directory: Path, credentials: Credentials, device_ids: Sequence[str],
                     homes: dict[str, list[str]] | None = None, shards: Sequence[str] = ()) -> Iterator[RabbitCluster]:
    """A started 2-node cluster, stopped on exit; raises if any process of ours outlived the stop."""
    cluster = RabbitCluster(directory, credentials, list(device_ids), homes or {}, list(shards))
    cluster.start()
    try:
        yield cluster
    finally:
        leftovers = cluster.stop()
        if leftovers:
            raise AssertionError(f"processes of the RabbitMQ cluster outlived its stop: {leftovers}")


# --------------------------------------------------------------------------- command line (from a checkout)


def _main(argv: list[str] | None = None) -> int:
    from devices.home import load_home
    from hub.paths import credentials_path

    parser = argparse.ArgumentParser(prog="python -m tests.rabbitmq", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    defs = sub.add_parser("definitions", help="write RabbitMQ definitions (users, permissions) for the "
                                              "data directory's credentials")
    defs.add_argument("file", type=Path)
    up = sub.add_parser("up", help="run a 2-node loopback cluster until Ctrl-C")
    up.add_argument("--dir", type=Path, help="working directory (default: a new temporary one)")
    for p in (defs, up):
        p.add_argument("--home", action="append",
                       help="home file whose devices get users (default: the demo home); repeatable: a file with "
                            "an `id` gets that home's own logins (docs/home.md, Several homes)")
        p.add_argument("--device", action="append", default=[], help="another device id (repeatable)")
    args = parser.parse_args(argv)
    credentials = Credentials.load_or_create(credentials_path())
    files = [load_home(path) for path in args.home] if args.home else [load_home(None).model_copy(update={"id": None})]
    ids = [d.id for home in files if home.id is None for d in home.devices] + args.device
    homes = {home.id: [d.id for d in home.devices] for home in files if home.id is not None}
    if args.command == "definitions":
        write_definitions(args.file, credentials, ids, homes=homes)
        users = len(ids) + 2 + sum(len(devices) + 3 for devices in homes.values())
        print(f"wrote {args.file}: {users} users; import with "
              f"`rabbitmqctl import_definitions {args.file}` (credentials: {credentials_path()})")
        return 0
    import tempfile

    directory = args.dir or Path(tempfile.mkdtemp(prefix="genie-rabbitmq-"))
    cluster = RabbitCluster(directory, credentials, ids, homes)
    cluster.start()
    try:
        a, b = (f"mqtt://127.0.0.1:{n.mqtt_port}" for n in cluster.nodes)
        print(f"RabbitMQ cluster up in {cluster.timings['start']:.1f} s ({directory}); credentials: "
              f"{credentials_path()}\n  node A: {a}\n  node B: {b}\n"
              f"  genie hub --broker {a}\n  genie devices spawn --broker {b}\n"
              f"  genie say --broker {b} \"打开客厅的灯\"\n"
              "Ctrl-C stops the cluster.", flush=True)
        signal.signal(signal.SIGTERM, _interrupt)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                signal.pause()
    finally:
        leftovers = cluster.stop()
        print(f"stopped in {cluster.timings['stop']:.1f} s; leftovers: {leftovers}")
    return 0


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(_main())
