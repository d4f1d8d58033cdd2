"""The `genie` command as a user meets it: real processes, real broker, one-line errors."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli import GENIE, genie

pytestmark = pytest.mark.e2e


@pytest.fixture
async def genie_up(tmp_path: Path) -> AsyncIterator[dict[str, object]]:
    """`genie up --json` on an ephemeral port; yields its start-up summary; stops it with SIGTERM."""
    proc = await asyncio.create_subprocess_exec(
        *GENIE, "up", "--http", "0", "--port", "0", "--db", str(tmp_path / "hub.db"), "--json",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(30):
            line = await proc.stdout.readline()  # type: ignore[union-attr]
        assert line, (await proc.stderr.read()).decode()  # type: ignore[union-attr]
        summary = json.loads(line)
        summary["proc"] = proc
        yield summary
        proc.send_signal(signal.SIGTERM)
        async with asyncio.timeout(15):
            code = await proc.wait()
        stderr = (await proc.stderr.read()).decode()  # type: ignore[union-attr]
        assert code == 0, stderr
        assert "Traceback" not in stderr
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_up_then_say_in_three_languages_then_list(genie_up: dict[str, object]) -> None:
    assert genie_up["devices"] == 19 and genie_up["rooms"] == 6
    url = str(genie_up["broker"])
    env = {"GENIE_BROKER": url}
    code, out, err = await genie("say", "打开客厅的灯", env=env)
    assert code == 0, err
    assert out.startswith("好的")
    code, out, _ = await genie("say", "--json", "set the desk lamp to 30%", env=env)
    result = json.loads(out)
    assert code == 0 and result["ok"] and result["lang"] == "en"
    assert result["actions"] == [{"device": "desk-lamp", "action": "SetBrightness",
                                  "params": {"brightness": 30}, "result": "SUCCESS"}]
    code, out, _ = await genie("say", "--broker", url, "éteins la lumière du salon")
    assert code == 0 and out.startswith("D'accord")
    code, out, _ = await genie("devices", "list", "--json", env=env)
    devices = {d["id"]: d for d in json.loads(out)}
    assert devices["desk-lamp"]["state"]["brightness"] == 30
    assert devices["living-light"]["state"]["powerstate"] == "off"
    assert devices["floor-lamp"]["state"]["powerstate"] == "on"
    assert all(d["online"] for d in devices.values())
    code, out, _ = await genie("say", "blah blah blah", env=env)
    assert code == 1 and "didn't understand" in out
    code, out, _ = await genie("home", "reset", "--json", env=env)
    assert code == 0 and json.loads(out)["ok"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_say_without_a_hub_is_one_clear_line() -> None:
    code, out, err = await genie("say", "--broker", f"mqtt://127.0.0.1:{_free_port()}", "--timeout", "3", "hi")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("genie: error: cannot reach the MQTT broker")


async def test_broker_port_in_use_is_one_clear_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = await genie("broker", "--port", str(port))
    assert code == 2
    assert err == f"genie: error: port {port} on 127.0.0.1 is already in use: is another broker running? " \
                  "Use --port N (or --broker URL to use that broker)\n"


async def test_bad_broker_config_is_one_clear_line(tmp_path: Path) -> None:
    conf = tmp_path / "broker.conf"
    conf.write_text("listeners:\n  default:\n    type: udp\n")
    code, _, err = await genie("broker", "--config", str(conf), "--port", "0")
    assert code == 2 and err.count("\n") == 1
    assert "listeners.default.type must be tcp or ws" in err
    conf.write_text("listeners: [\n")
    code, _, err = await genie("broker", "--config", str(conf))
    assert code == 2 and "not valid YAML" in err and err.count("\n") == 1


async def test_bad_home_file_names_the_entry_and_field(tmp_path: Path) -> None:
    home = tmp_path / "home.yaml"
    home.write_text(
        "rooms:\n  - {id: living, names: {en: [living room]}}\n"
        "devices:\n"
        "  - {id: lamp, category: light, room: living}\n"
        "  - {id: desk, category: light, room: office}\n"
    )
    code, _, err = await genie("home", "check", str(home))
    assert code == 2
    assert err == ("genie: error: home file " + str(home) +
                   ": devices[1] (id 'desk').room: unknown room 'office'; rooms are living\n")
    home.write_text("rooms:\n  - {id: living, names: {en: [living room]}}\n"
                    "devices:\n  - {id: lamp, category: light, room: living, initial: {brightness: 150}}\n")
    code, _, err = await genie("home", "check", str(home))
    assert code == 2 and "devices[0] (id 'lamp').initial" in err and "at most 100" in err


@pytest.mark.parametrize(
    "command",
    [[], ["up"], ["broker"], ["hub"], ["devices"], ["devices", "spawn"], ["devices", "list"], ["devices", "remove"],
     ["say"], ["home"],
     ["home", "reset"], ["home", "check"], ["scenes"], ["scenes", "list"], ["scenes", "run"], ["scenes", "add"],
     ["scenes", "delete"], ["timers"], ["timers", "list"], ["timers", "cancel"], ["listen"], ["replay"],
     ["speakers"], ["speakers", "list"]],
)
async def test_every_command_has_help(command: list[str]) -> None:
    code, out, _ = await genie(*command, "--help")
    assert code == 0
    assert out.startswith("usage: genie")


async def test_up_with_ha_discovery_and_say_speak(tmp_path: Path, _private_data_dir: Path) -> None:
    """`genie up --ha-discovery` announces every device to Home Assistant; `genie say --speak --wav` writes speech."""
    import shutil

    import aiomqtt

    from hub.interop.roles import HOMEASSISTANT_USER, role_password
    from hub.security import Credentials

    proc = await asyncio.create_subprocess_exec(
        *GENIE, "up", "--http", "0", "--port", "0", "--db", str(tmp_path / "hub.db"), "--json", "--ha-discovery",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(30):
            summary = json.loads(await proc.stdout.readline())  # type: ignore[union-attr]
        secret = Credentials.load(_private_data_dir / "credentials.json").secret
        port = int(summary["broker"].rsplit(":", 1)[1])
        configs = set()
        async with aiomqtt.Client("127.0.0.1", port, username=HOMEASSISTANT_USER,
                                  password=role_password(secret, HOMEASSISTANT_USER), identifier="ha-test") as ha:
            await ha.subscribe("homeassistant/device/+/config", qos=1)
            async with asyncio.timeout(10):
                async for message in ha.messages:
                    configs.add(str(message.topic))
                    if len(configs) == summary["devices"]:
                        break
        assert "homeassistant/device/desk-lamp/config" in configs
        if shutil.which("espeak-ng"):
            wav = tmp_path / "reply.wav"
            code, _, err = await genie("say", "--broker", summary["broker"], "--speak", "--wav", str(wav), "打开台灯")
            assert code == 0, err
            assert wav.read_bytes()[:4] == b"RIFF" and wav.stat().st_size > 1000
    finally:
        proc.terminate()
        await proc.wait()


async def test_up_serves_the_dashboard_and_the_aligenie_gateway(genie_up: dict[str, object],
                                                                 _private_data_dir: Path) -> None:
    import httpx

    dashboard = str(genie_up["dashboard"])
    assert dashboard.startswith("http://127.0.0.1:")
    token = (_private_data_dir / "aligenie-token").read_text().strip()
    async with httpx.AsyncClient(base_url=dashboard.rstrip("/")) as http:
        assert (await http.get("/api/devices")).status_code == 200
        envelope = {"header": {"namespace": "AliGenie.Iot.Device.Control", "name": "TurnOn", "messageId": "m1",
                               "payLoadVersion": 1},
                    "payload": {"accessToken": token, "deviceId": "desk-lamp", "deviceType": "light",
                                "attribute": "powerstate", "value": "on"}}
        answer = (await http.post("/aligenie/gateway", json=envelope)).json()
        assert answer["header"]["name"] == "TurnOnResponse", answer
        envelope["payload"]["accessToken"] = "wrong"
        refused = (await http.post("/aligenie/gateway", json=envelope)).json()
        assert refused["payload"]["errorCode"] == "ACCESS_TOKEN_INVALIDATE"


async def test_a_conversation_continues_across_genie_say_calls(genie_up: dict[str, object]) -> None:
    """Each `genie say` is a new process; the session keeps the hub's question and its answer together."""
    env = {"GENIE_BROKER": str(genie_up["broker"])}
    code, out, _ = await genie("say", "打开灯", env=env)
    assert code == 1 and ("哪" in out)  # several lights: the hub asks which
    code, out, _ = await genie("say", "卧室的", env=env)
    assert code == 0 and out.startswith("好的"), out
    code, out, _ = await genie("devices", "list", "--json", env=env)
    states = {d["id"]: d["state"]["powerstate"] for d in json.loads(out) if d["category"] == "light"}
    assert states == {"bedroom-light": "on", "living-light": "off", "floor-lamp": "off", "desk-lamp": "off"}


async def test_scenes_timers_and_announcements_from_the_command_line(genie_up: dict[str, object]) -> None:
    env = {"GENIE_BROKER": str(genie_up["broker"])}
    code, out, err = await genie("scenes", "list", "--json", env=env)
    assert code == 0, err
    listed = json.loads(out)
    assert [s["id"] for s in listed["scenes"]] == ["coming-home", "good-night", "movie-time", "leaving-home"]
    assert "front-door.lockstate becomes unlocked" in [r["when"] for r in listed["routines"]]
    code, out, err = await genie("scenes", "add", "阅读模式", "打开台灯，关上客厅窗帘", env=env)
    assert (code, out) == (0, "好的，已创建场景阅读模式，包含2个动作。说“阅读模式”就能执行。\n"), err
    code, out, _ = await genie("scenes", "run", "--json", "阅读模式", env=env)
    result = json.loads(out)
    assert code == 0 and result["ok"] and {a["device"] for a in result["actions"]} == {"desk-lamp", "living-curtain"}
    code, out, _ = await genie("scenes", "run", "no-such-scene", env=env)
    assert code == 1 and "no scene 'no-such-scene'" in out
    code, out, _ = await genie("scenes", "delete", "阅读模式", env=env)
    assert (code, out) == (0, "好的，场景阅读模式已删除。\n")
    code, out, _ = await genie("scenes", "delete", "good-night", "--lang", "en", env=env)
    assert code == 1 and "defined in the home file" in out

    code, out, _ = await genie("say", "every weekday at 7 open the bedroom curtains", env=env)
    assert code == 0 and out.startswith("OK, I'll open the bedroom curtains every weekday at 07:00"), out
    code, out, _ = await genie("timers", "list", "--json", env=env)
    (timer,) = json.loads(out)["timers"]
    assert (timer["repeat"], timer["text"]) == ("weekdays 07:00", "open the bedroom curtains")
    code, out, _ = await genie("timers", "cancel", str(timer["id"]), env=env)
    assert code == 0 and json.loads((await genie("timers", "list", "--json", env=env))[1])["timers"] == []

    # a routine's announcement reaches `genie listen` over MQTT
    listen = await asyncio.create_subprocess_exec(*GENIE, "listen", "--json", "--count", "1",
                                                  stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                                                  env={**os.environ, **env})
    try:
        async with asyncio.timeout(15):
            ready = await listen.stderr.readline()  # type: ignore[union-attr]
        assert ready.startswith(b"listening to the hub"), ready
        code, out, _ = await genie("say", "开门，密码123456", env=env)
        assert code == 0, out
        async with asyncio.timeout(15):
            line = await listen.stdout.readline()  # type: ignore[union-attr]
        said = json.loads(line)
        assert (said["source"], said["id"], said["text"]) == ("routine", "door-unlocked", "门锁已打开，欢迎回家")
    finally:
        if listen.returncode is None:
            listen.kill()
        await listen.wait()


# ---------------------------------------------------------------------- issue 13, item 10: smaller ones


async def test_up_uses_genie_broker_when_no_broker_is_given(broker: Any, tmp_path: Path) -> None:
    """`genie up`'s help says $GENIE_BROKER is the default of --broker: it is, and the output says so."""
    url = broker.url
    proc = await asyncio.create_subprocess_exec(
        *GENIE, "up", "--no-http", "--db", str(tmp_path / "hub.db"), "--json", stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env={**os.environ, "GENIE_BROKER": url})
    try:
        async with asyncio.timeout(30):
            line = await proc.stdout.readline()  # type: ignore[union-attr]
        assert line, (await proc.stderr.read()).decode()  # type: ignore[union-attr]
        summary = json.loads(line)
        assert (summary["broker"], summary["embedded"], summary["broker_from"]) == (url, False, "$GENIE_BROKER")
        code, out, err = await genie("say", "打开台灯", env={"GENIE_BROKER": url})
        assert code == 0 and out.startswith("好的"), err
    finally:
        proc.send_signal(signal.SIGTERM)
        async with asyncio.timeout(15):
            await proc.wait()


@pytest.mark.parametrize("text", ["", "   ", "开" * 1001])
async def test_bad_text_is_one_line_and_its_own_exit_status(text: str) -> None:
    code, out, err = await genie("say", "--broker", f"mqtt://127.0.0.1:{_free_port()}", text)
    assert code == 3 and out == "" and err.count("\n") == 1, err
    assert err in ("genie: error: nothing to say: the text is empty\n",
                   "genie: error: the text is 1,001 characters long; the hub takes at most 1,000\n")
    code, out, _ = await genie("say", "--help")
    assert "3 when the text is empty or too long" in " ".join(out.split())


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


async def test_a_malformed_credentials_file_is_one_clear_line(_private_data_dir: Path) -> None:
    _write(_private_data_dir / "credentials.json", "{not json")
    code, out, err = await genie("say", "--broker", f"mqtt://127.0.0.1:{_free_port()}", "hi")
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert err.startswith(f"genie: error: credentials file {_private_data_dir / 'credentials.json'} is unreadable "
                          "or malformed") and "delete it" in err and "unexpected" not in err


def _controls(text: str) -> list[str]:
    import unicodedata

    return [c for c in text if c != "\n" and unicodedata.category(c) == "Cc"]


async def test_escape_sequences_never_reach_the_timer_list(genie_up: dict[str, object], tmp_path: Path) -> None:
    import sqlite3

    env = {"GENIE_BROKER": str(genie_up["broker"])}
    code, out, err = await genie("say", "turn off the tv in 10 minutes\x1b[2J\x1b]0;pwned\x07\u202e", env=env)
    assert code == 0 and out == "OK, I'll turn off the tv in 10 minutes.\n", (out, err)
    code, out, _ = await genie("say", "remind me to \x1b[31mcall mum\x1b[0m\r in 15 minutes", env=env)
    assert code == 0 and _controls(out) == [] and "call mum" in out
    code, out, _ = await genie("timers", "list", env=env)
    assert code == 0 and _controls(out) == [] and "\u202e" not in out
    assert [line.split(maxsplit=3)[-1] for line in out.splitlines()] == ["turn off the tv", "remind me to call mum"]
    with sqlite3.connect(tmp_path / "hub.db") as db:
        stored = [json.loads(row[0])["text"] for row in db.execute("SELECT timer FROM timers ORDER BY id")]
    assert stored == ["turn off the tv", "remind me to call mum"]


async def test_devices_spawn_stops_on_sigterm_when_the_broker_stops_at_the_same_moment(tmp_path: Path) -> None:
    from hub.broker import EmbeddedBroker, load_config

    for attempt in range(3):  # the race is narrow: try it a few times
        embedded = EmbeddedBroker(load_config(None, host="127.0.0.1", port=0))
        await embedded.start()
        proc = await asyncio.create_subprocess_exec(
            *GENIE, "devices", "spawn", "--broker", embedded.url, "--keepalive", "5",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            async with asyncio.timeout(30):
                line = await proc.stdout.readline()  # type: ignore[union-attr]
            assert b"devices online" in line, (await proc.stderr.read()).decode()  # type: ignore[union-attr]
            stopping = asyncio.create_task(embedded.stop())
            proc.send_signal(signal.SIGTERM)
            await stopping
            async with asyncio.timeout(10):
                code = await proc.wait()
            stderr = (await proc.stderr.read()).decode()  # type: ignore[union-attr]
            assert code == 0 and "Traceback" not in stderr, (attempt, code, stderr)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()


async def test_up_refuses_a_damaged_database_in_one_line_and_leaves_it_untouched(tmp_path: Path) -> None:
    from tests.hub.test_store_integrity import filled

    db = tmp_path / "hub.db"
    filled(db, devices=20, commands=300)
    data = bytearray(db.read_bytes())
    data[-4096:] = b"\xa5" * 4096  # the last page overwritten
    _write_bytes(db, bytes(data))
    code, out, err = await genie("up", "--port", "0", "--no-http", "--db", str(db))
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert err.startswith(f"genie: error: hub database {db} is damaged (") and "move it aside" in err
    assert db.read_bytes() == bytes(data)


def _write_bytes(path: Path, data: bytes) -> None:
    path.write_bytes(data)


# ---------------------------------------------------------------------- issue 13: text a peer chose, printed


def _unprintable(text: str) -> list[str]:
    """What a terminal would act on or reorder by: control characters (a line's end aside), bidi controls."""
    return _controls(text) + [c for c in text if "\u202a" <= c <= "\u202e" or "\u2066" <= c <= "\u2069"]


async def test_scene_names_replies_and_errors_reach_the_terminal_without_escape_sequences(
        genie_up: dict[str, object], tmp_path: Path) -> None:
    env = {"GENIE_BROKER": str(genie_up["broker"])}
    name = "阅读\x1b]0;PWNED\x07\x1b[2J模式\u202e\x9b31m"
    code, out, err = await genie("scenes", "add", name, "打开台灯", env=env)
    assert code == 0 and _unprintable(out + err) == [] and "阅读" in out, (out, err)
    code, out, err = await genie("scenes", "list", env=env)
    assert code == 0 and _unprintable(out) == [], out
    assert any(line.startswith("user-") or "阅读" in line for line in out.splitlines())
    code, out, err = await genie("scenes", "list", "--json", env=env)
    assert code == 0 and _unprintable(out) == [] and "\x9b" not in out, out
    saved = [s for s in json.loads(out)["scenes"] if s["source"] == "user"]
    assert len(saved) == 1 and "阅读" in json.dumps(saved, ensure_ascii=False)
    code, out, err = await genie("scenes", "run", "nothing\x1b[2J\x1b]0;PWNED\x07here", env=env)
    assert code == 1 and _unprintable(out + err) == [] and "nothing" in out, (out, err)
    # an error line quoting what it was given (here a file's name) keeps it readable, on one line
    home = tmp_path / "home\x1b]0;PWNED\x07\x1b[2J\u202e.yaml"
    _write(home, "rooms: [\n")
    code, out, err = await genie("home", "check", str(home))
    assert code == 2 and out == "" and err.count("\n") == 1 and _unprintable(err) == [], err
    shown = "home\\x1b]0;PWNED\\x07\\x1b[2J\\u202e.yaml"  # written out: an error says what it was given
    assert err == f"genie: error: home file {tmp_path}/{shown} line 2: not valid YAML\n"
