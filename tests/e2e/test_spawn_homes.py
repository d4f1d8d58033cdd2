"""`genie devices spawn --homes N --per-home M` (issue 19, scale): generated homes, each device on its own home's
topic tree and login, all online, the same homes for the same seed in any number of processes; bad arguments
get one line. Real processes on the secured embedded broker."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from devices.registry import load_registry
from devices.registry.fleet import many_homes
from genie.cli import main
from hub.paths import credentials_path
from hub.protocol import DeviceStatus, decode
from hub.protocol.mqtt import MqttConnection
from hub.security import Credentials
from tests.brokers import BrokerUnderTest, amqtt_broker
from tests.cli import GENIE, genie

pytestmark = pytest.mark.e2e

BOUND = 30.0


@pytest.fixture
async def secured() -> AsyncIterator[BrokerUnderTest]:
    """The embedded broker with the data directory's credentials (which `genie devices spawn` logs in with)."""
    async with amqtt_broker(Credentials.load_or_create(credentials_path())) as running:
        yield running


@contextlib.asynccontextmanager
async def spawned(*args: str) -> AsyncIterator[bytes]:
    """`genie devices spawn ARGS` once it says its devices are online (that line); SIGTERM, then its exit."""
    proc = await asyncio.create_subprocess_exec(*GENIE, "devices", "spawn", *args, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    try:
        async with asyncio.timeout(BOUND):
            line = await proc.stdout.readline()  # type: ignore[union-attr]
        assert b"devices online" in line, (await proc.stderr.read()).decode()  # type: ignore[union-attr]
        yield line
        proc.send_signal(signal.SIGTERM)
        async with asyncio.timeout(20):
            code = await proc.wait()
        stderr = (await proc.stderr.read()).decode()  # type: ignore[union-attr]
        assert code == 0 and "Traceback" not in stderr, stderr
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def online_by_home(broker: BrokerUnderTest, expected: int) -> dict[str, set[str]]:
    """The devices whose retained status says online, by the home tree they are on (waits for ``expected``)."""
    url, client_id = broker.observer()
    found: dict[str, set[str]] = {}
    async with MqttConnection(url, client_id) as conn:
        await conn.subscribe("genie/home/+/dev/+/status")
        async with asyncio.timeout(BOUND):
            async for message in conn.messages():
                _, _, home, _, device, _ = message.topic.split("/")
                status = decode(message.payload, DeviceStatus)
                assert status.payload.device_id == device
                (found.setdefault(home, set()).add if status.online else found.setdefault(home, set()).discard)(device)
                if sum(len(v) for v in found.values()) == expected:
                    return found
    raise AssertionError("unreachable")


async def test_three_homes_of_four_devices_each_come_online_on_their_own_trees(secured: BrokerUnderTest) -> None:
    url = f"mqtt://{secured.url.host}:{secured.url.port}"
    async with spawned("--homes", "3", "--per-home", "4", "--seed", "5", "--processes", "2", "--broker", url) as line:
        assert line.startswith(b"12 devices online in 3 homes") and b"in 2 processes" in line
        found = await online_by_home(secured, 12)
    expected = {home.id: {d.id for d in home.devices} for home in many_homes(load_registry(), 3, 4, seed=5)}
    assert list(expected) == ["h00001", "h00002", "h00003"]
    assert found == expected


@pytest.mark.parametrize(("args", "message"), [
    (["--homes", "0"], "--homes must be between 1 and 100000, got 0"),
    (["--homes", "2", "--per-home", "1001"], "--per-home must be between 1 and 1000, got 1001"),
    (["--per-home", "3"], "--per-home goes with --homes"),
    (["--homes", "2", "--random", "5"], "give either --homes or --home/--brand/--random, not both"),
    (["--homes", "2", "--print"], "--print writes one home file; it does not go with --homes"),
    (["--random", "3", "--broker", "mqtt://127.0.0.1:1,mqtt://127.0.0.1:2"], "several brokers (--broker URL,URL) go "
                                                                            "with --homes"),
    (["--homes", "2", "--broker", "mqtt://127.0.0.1:1,mqtt://127.0.0.1:0"], "port must be a number 1-65535"),
])
def test_bad_arguments_get_one_line(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["devices", "spawn", *args])  # the command's own entry point, in this process (fast)
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err, err


async def test_the_real_command_refuses_a_bad_size_in_one_line() -> None:
    code, out, err = await genie("devices", "spawn", "--homes", "3", "--per-home", "0")
    assert (code, out) == (2, "") and err == "genie: error: --per-home must be between 1 and 1000, got 0\n"


def _limited(soft: int, hard: int) -> Callable[[], None]:
    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return limit


async def _run_limited(soft: int, hard: int, *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                                                preexec_fn=_limited(soft, hard))
    try:
        async with asyncio.timeout(BOUND):
            out, err = await proc.communicate()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    return proc.returncode or 0, out.decode(), err.decode()


async def test_a_fleet_larger_than_the_open_files_limit_is_refused_saying_how_many_processes() -> None:
    code, out, err = await _run_limited(200, 200, *GENIE, "devices", "spawn", "--homes", "30", "--per-home", "10",
                                        "--broker", "mqtt://127.0.0.1:1")
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert ("300 devices in one process need about 364 open files, but this system allows 200 per process "
            "(ulimit -Hn): use --processes 3 or more") in err


async def test_the_open_files_limit_is_raised_to_the_hard_limit(tmp_path: Path) -> None:
    script = "from genie.fleet import raise_open_files; print(raise_open_files(250, 1))"
    code, out, err = await _run_limited(100, 400, sys.executable, "-c", script)
    assert (code, out.strip()) == (0, "400"), err


async def test_devices_checked_less_often_still_keep_their_connection_alive(secured: BrokerUnderTest) -> None:
    """The fleet's keepalive checks run every keepalive / 4 s, not every second: a device silent for longer than
    1.5 x its keepalive would be cut by the broker (its will says offline); none is within 5 x the keepalive."""
    url = f"mqtt://{secured.url.host}:{secured.url.port}"
    async with spawned("--homes", "1", "--per-home", "3", "--seed", "2", "--keepalive", "1", "--broker", url):
        observer_url, client_id = secured.observer()
        async with MqttConnection(observer_url, client_id) as conn:
            await conn.subscribe("genie/home/+/dev/+/status")
            statuses: list[str] = []

            async def offline() -> None:
                async for message in conn.messages():
                    status = decode(message.payload, DeviceStatus)
                    statuses.append(status.payload.reason)
                    if not status.online:
                        return

            with pytest.raises(TimeoutError):  # a window of five keepalives, over which none may drop
                await asyncio.wait_for(offline(), timeout=5.0)
            assert len(statuses) == 3, statuses  # the three retained 'online' statuses, nothing after them


@pytest.mark.skipif(not Path("/proc/sys/net/ipv4/ip_local_port_range").exists(), reason="Linux's port range")
def test_a_fleet_larger_than_the_machine_s_local_ports_is_refused_in_one_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    """paho binds each client socket to a local port of its own: 100,000 devices never fit one machine's
    ephemeral range (at most 65,535 ports), whatever the number of processes or brokers."""
    low, high = (int(n) for n in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    code = main(["devices", "spawn", "--homes", "10000", "--per-home", "10", "--processes", "8",
                 "--broker", "mqtt://127.0.0.1:1,mqtt://127.0.0.1:2"])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert (f"100000 devices need 100000 local ports of each of 1 source address(es), but this machine has "
            f"{high - low + 1} (net.ipv4.ip_local_port_range {low}-{high})") in err


async def test_a_connection_can_leave_from_another_loopback_address(secured: BrokerUnderTest) -> None:
    """Each source address has its own ephemeral ports: a connection bound to 127.0.0.2 reaches the broker on
    127.0.0.1 and leaves from 127.0.0.2 (what --source-addresses spreads a fleet over)."""
    url, client_id = secured.observer()
    async with MqttConnection(url, client_id, bind_address="127.0.0.2") as conn:
        sock = conn.socket()
        assert sock is not None and sock.getsockname()[0] == "127.0.0.2"
        await conn.subscribe("genie/hub/status")  # the session works


async def test_a_fleet_spread_over_three_source_addresses_comes_online(secured: BrokerUnderTest) -> None:
    url = f"mqtt://{secured.url.host}:{secured.url.port}"
    async with spawned("--homes", "3", "--per-home", "2", "--seed", "5", "--source-addresses", "3",
                       "--broker", url) as line:
        assert line.startswith(b"6 devices online in 3 homes") and b"from 3 source addresses" in line
        found = await online_by_home(secured, 6)
    assert sorted(found) == ["h00001", "h00002", "h00003"]


@pytest.mark.parametrize(("args", "message"), [
    (["--homes", "2", "--source-addresses", "2", "--broker", "mqtt://broker.example:1883"],
     "--source-addresses spreads devices over 127.0.0.1-127.0.0.N: it needs a broker on a loopback address"),
    (["--homes", "2", "--source-addresses", "0"], "--source-addresses must be between 1 and 254, got 0"),
    (["--random", "3", "--source-addresses", "2"], "--source-addresses goes with --homes"),
])
def test_bad_source_addresses_get_one_line(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["devices", "spawn", *args])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "") and err.count("\n") == 1 and message in err, err


@pytest.mark.skipif(not Path("/proc/sys/net/ipv4/ip_local_port_range").exists(), reason="Linux's port range")
def test_enough_source_addresses_make_room_for_a_fleet_larger_than_one_address_s_ports() -> None:
    """Each source address has the whole ephemeral range: 100,000 devices over 8 addresses need 12,500 of each."""
    from genie.fleet import check_ports
    from hub.errors import GenieError

    low, high = (int(n) for n in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    devices = 100_000  # more than any machine's range (at most 65,535 ports)
    check_ports(devices, sources=devices // ((high - low + 1) // 2) + 1)  # each address at most half full
    with pytest.raises(GenieError, match="local ports"):
        check_ports(devices, sources=1)


def test_homes_leave_from_the_source_addresses_in_turn() -> None:
    import argparse

    from genie.homes_fleet import sources

    assert sources(argparse.Namespace(source_addresses=3)) == ["127.0.0.1", "127.0.0.2", "127.0.0.3"]
    assert sources(argparse.Namespace(source_addresses=None)) == [""]  # the system's choice


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    found.append(int(entry.name))
    return found


async def _gone(pid: int) -> None:
    """Wait (bounded) until process ``pid`` has exited: its pidfd becomes readable then (Linux 5.3)."""
    import os

    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    exited = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_reader(fd, exited.set)
    try:
        async with asyncio.timeout(BOUND):
            await exited.wait()
    finally:
        loop.remove_reader(fd)
        os.close(fd)


def _state(pid: int) -> str:
    with contextlib.suppress(OSError):
        return "(" + (Path(f"/proc/{pid}") / "stat").read_text().rsplit(")", 1)[1].split()[0] + ")"
    return "(gone)"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
async def test_a_child_process_stops_when_its_parent_is_killed(secured: BrokerUnderTest) -> None:
    """A `bench scale` run stopped by SIGKILL left its fleet's children connected for good: a child now reads
    its parent's pipe and stops at its end."""
    url = f"mqtt://{secured.url.host}:{secured.url.port}"
    proc = await asyncio.create_subprocess_exec(*GENIE, "devices", "spawn", "--homes", "2", "--per-home", "2",
                                                "--processes", "2", "--broker", url, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.DEVNULL)
    children: list[int] = []
    try:
        async with asyncio.timeout(BOUND):
            line = await proc.stdout.readline()  # type: ignore[union-attr]
        assert b"devices online" in line
        children = _children(proc.pid)
        assert len(children) == 1
        proc.kill()
        await proc.wait()
        await _gone(children[0])
        assert _state(children[0]) in ("(gone)", "(Z)")
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                import os

                os.kill(pid, signal.SIGKILL)
