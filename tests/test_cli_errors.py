"""One error root: every error a user can meet derives from hub.errors.GenieError, and the real `genie`
command prints each as one line with the exit status of its kind (``--debug``: the traceback)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import socket
from pathlib import Path

from hub.errors import BadInput, GenieError
from tests.cli import genie

ROOT = Path(__file__).resolve().parent.parent

INTERNAL = {
    "_WentOffline": "the hub's own signal that a device dropped during a directive",
    "_NoAck": "an MQTT session's own signal that a PUBACK or SUBACK is overdue: raised on as ConnectionFailed",
    "PacketTooLarge": "the embedded broker's guard: the connection is closed, the client is never told in words",
    "SlowPacket": "the embedded broker's guard: the connection is closed, the client is never told in words",
    "BodyTooLarge": "an HTTP status (413) the dashboard answers",
    "BodyTooSlow": "an HTTP status (408) the dashboard answers",
    "GatewayError": "answered to the AliGenie cloud as an error response with its code",
    "DeviceError": "answered to the hub on the wire as an ErrorResponse with its AliGenie code",
    "CommandError": "a Home Assistant payload refused: logged by the bridge, answered to nobody",
    "BaselineUnavailable": "a hassil environment the benchmark could not make: a note in its report, never raised",
}
"""Exception classes that never reach a user as themselves, and what becomes of them instead."""


def _modules() -> list[str]:
    names = []
    for package in ("hub", "devices", "genie", "bench"):
        names.append(package)
        found = pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}.")
        names += [m.name for m in found if not m.name.endswith("__main__") and m.name not in OTHER_ENVIRONMENTS]
    return names


OTHER_ENVIRONMENTS = {"bench._hassil_worker"}
"""Scripts that run in an environment of their own (hassil's), never imported by the project."""


def _exception_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined in the project's packages, by its qualified name."""
    found: dict[str, type[BaseException]] = {}
    for name in _modules():
        module = importlib.import_module(name)
        for cls in vars(module).values():
            if inspect.isclass(cls) and issubclass(cls, BaseException) and cls.__module__ == name:
                found[f"{name}.{cls.__qualname__}"] = cls
    return found


def test_every_error_a_user_can_see_derives_from_genie_error() -> None:
    classes = _exception_classes()
    assert len(classes) > len(INTERNAL)  # the walk found the project's errors, not nothing
    outside = [name for name, cls in classes.items() if not issubclass(cls, GenieError)]
    assert [name for name in outside if name.rpartition(".")[2] not in INTERNAL] == []
    assert "hub.security.CredentialsError" in classes and "devices.home.HomeFileError" in classes


def test_the_root_keeps_the_bases_code_catches_and_says_each_kind_s_exit_status() -> None:
    from devices.home import HomeFileError
    from devices.registry import UnknownBrand
    from hub.protocol.codec import ProtocolError
    from hub.protocol.mqtt import ConnectionFailed
    from hub.security import CredentialsError

    assert issubclass(ProtocolError, ValueError) and issubclass(HomeFileError, ValueError)
    assert issubclass(ConnectionFailed, ConnectionError) and issubclass(CredentialsError, RuntimeError)
    assert issubclass(UnknownBrand, LookupError)
    assert GenieError.exit_code == 2 and BadInput.exit_code == 3 and CredentialsError.exit_code == 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _one_line(code: int, out: str, err: str, status: int = 2) -> str:
    """The error line, after checking it is alone, on stderr, with ``status``, and no traceback."""
    assert (code, out) == (status, ""), (code, out, err)
    assert err.count("\n") == 1 and err.startswith("genie: error: "), err
    assert "unexpected" not in err and "Traceback" not in err
    return err.removeprefix("genie: error: ").rstrip("\n")


async def test_a_malformed_credentials_file(_private_data_dir: Path) -> None:
    path = _private_data_dir / "credentials.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"secret": 42')
    line = _one_line(*await genie("devices", "list", "--broker", f"mqtt://127.0.0.1:{_free_port()}"))
    assert line.startswith(f"credentials file {path} is unreadable or malformed")


async def test_a_bad_home_file(tmp_path: Path) -> None:
    home = tmp_path / "home.yaml"
    home.write_text("rooms:\n  - {id: living, names: {en: [living room]}}\ndevices:\n  - {id: lamp, room: living}\n")
    line = _one_line(*await genie("home", "check", str(home)))
    assert line.startswith(f"home file {home}: devices[0] (id 'lamp')") and "category" in line
    home.write_text("rooms: [\n")
    line = _one_line(*await genie("broker", "--export", "mosquitto", str(tmp_path / "out"), "--home", str(home)))
    assert line == f"home file {home} line 2: not valid YAML"


async def test_a_bad_broker_config(tmp_path: Path) -> None:
    conf = tmp_path / "broker.conf"
    conf.write_text("listeners:\n  default:\n    bind: localhost\n")
    line = _one_line(*await genie("broker", "--config", str(conf)))
    assert str(conf) in line and line.endswith("listeners.default.bind must be HOST:PORT, got 'localhost'")
    conf.write_text("listeners:\n  default:\n    bind: 127.0.0.1:0\ngenie:\n  colour: blue\n")
    line = _one_line(*await genie("up", "--config", str(conf), "--no-http"))
    assert line.endswith("unknown setting genie.colour")
    line = _one_line(*await genie("broker", "--config", str(tmp_path / "missing.conf")))
    assert "missing.conf" in line
    conf.write_text("listeners:\n  default:\n    bind: 127.0.0.1:99999\n")
    line = _one_line(*await genie("broker", "--config", str(conf)))
    assert line.endswith("listeners.default.bind port must be 0-65535, got '127.0.0.1:99999'")


async def test_an_unknown_brand_category_or_broker_kind() -> None:
    line = _one_line(*await genie("brands", "show", "Xiaomy"))
    assert line.startswith("unknown brand 'Xiaomy'; did you mean") and "Xiaomi" in line
    line = _one_line(*await genie("devices", "spawn", "--brand", "Xiaomi", "--category", "toaster", "--print"))
    assert line.startswith("unknown category 'toaster'; known: light")
    line = _one_line(*await genie("broker", "--port", "0", "--export", "emqx", "out"))
    assert line == "--export: unknown broker kind 'emqx'; known: mosquitto, rabbitmq"


async def test_a_broker_url_that_is_not_one() -> None:
    line = _one_line(*await genie("say", "--broker", "http://127.0.0.1:1883", "hi"))
    assert line == "broker URL 'http://127.0.0.1:1883': scheme must be mqtt:// (got http://)"
    line = _one_line(*await genie("devices", "spawn", "--no-latency", env={"GENIE_BROKER": "mqtt://127.0.0.1:0x"}))
    assert line == "broker URL 'mqtt://127.0.0.1:0x': port must be a number 1-65535"


async def test_a_recording_that_cannot_be_replayed(tmp_path: Path) -> None:
    recording = tmp_path / "session.jsonl"
    recording.write_text('{"kind": "command", "t": 0, "text": "hi"}\n')
    line = _one_line(*await genie("replay", str(recording)))
    assert line == f"recording {recording}: the first line must be the home (kind 'home')"


async def test_input_refused_before_sending_is_exit_status_3() -> None:
    line = _one_line(*await genie("say", "--broker", f"mqtt://127.0.0.1:{_free_port()}", " "), status=3)
    assert line == "nothing to say: the text is empty"


async def test_debug_shows_the_traceback() -> None:
    code, out, err = await genie("--debug", "brands", "show", "Xiaomy")
    assert code != 0 and out == ""
    assert "Traceback" in err and "UnknownBrand: unknown brand 'Xiaomy'" in err


async def test_a_fault_out_of_range_names_its_flag() -> None:
    line = _one_line(*await genie("devices", "spawn", "--flaky", "2", "--print"))
    assert line == "fault injection: --flaky: Input should be less than or equal to 1"
