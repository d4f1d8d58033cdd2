"""A home's id: in the home file, its topic tree, its logins and their exported Mosquitto rights (issue 16, part 2).

The rules themselves are exercised on real brokers in tests/e2e/test_homes_isolation.py; these are the shapes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.home import HomeFileError, load_home, parse_home
from hub.protocol import DeviceTopic, Topics
from hub.security import Credentials, export_mosquitto, home_login, split_login


def _home(**extra: object) -> dict[str, object]:
    return {"rooms": [{"id": "living", "names": {"en": ["living room"]}}],
            "devices": [{"id": "lamp", "category": "light", "room": "living"}], **extra}


def test_the_demo_home_has_an_id_and_a_home_file_without_one_is_the_default_tree() -> None:
    assert load_home().id == "demo"
    assert parse_home(_home()).id is None
    assert Topics().home(None) == Topics()


@pytest.mark.parametrize("bad", ["Demo", "a.b", "a/b", "+", "#", "", "-x", "x" * 65, "été"])
def test_a_home_id_is_checked_like_a_device_id(bad: str) -> None:
    with pytest.raises(HomeFileError) as caught:
        parse_home(_home(id=bad), "home file h.yaml")
    message = str(caught.value)
    assert message.startswith("home file h.yaml: invalid home id") and "\n" not in message


def test_a_home_has_its_own_topic_tree_beside_the_default_one() -> None:
    home = Topics().home("flat-2")
    assert home.command == "genie/home/flat-2/hub/command"
    assert home.all_devices(DeviceTopic.STATE) == "genie/home/flat-2/dev/+/state"
    assert home.device("lamp", DeviceTopic.REQUEST) == "genie/home/flat-2/dev/lamp/request"
    assert home.parse_device("genie/home/flat-2/dev/lamp/state") is not None
    assert Topics().parse_device("genie/home/flat-2/dev/lamp/state") is None
    with pytest.raises(ValueError, match="invalid home id"):
        Topics().home("a/b")


def test_logins_name_their_home_and_passwords_differ_per_home() -> None:
    assert home_login("demo", "genie-hub") == "demo.genie-hub"
    assert home_login(None, "genie-hub") == "genie-hub"
    assert split_login("demo.front-door") == ("demo", "front-door")
    assert split_login("front-door") == (None, "front-door")
    assert split_login("Demo.x") == (None, "Demo.x")
    credentials = Credentials.generate()
    passwords = {credentials.password_for(home_login(h, n)) for h in ("a", "b", None)
                 for n in ("genie-hub", "genie-client", "genie-listener", "lamp")}
    assert len(passwords) == 12 and None not in passwords
    assert credentials.password_for("a.not a device") is None
    assert credentials.password_for("a.b.lamp") is None


def test_the_exported_mosquitto_acl_confines_each_home_to_its_tree(tmp_path: Path) -> None:
    export_mosquitto(tmp_path, Credentials.generate(), ["newcomer"], homes={"a": ["lamp"], "b": ["lamp"]})
    acl = (tmp_path / "acl").read_text(encoding="utf-8")
    sections = {block.split("\n", 1)[0].removeprefix("user "): block for block in acl.split("\n\n") if block}
    assert sections["a.genie-hub"].strip().splitlines()[1:] == ["topic readwrite genie/home/a/#"]
    assert "topic write genie/home/b/dev/lamp/state" in sections["b.lamp"]
    for user, block in sections.items():
        if user.startswith(("a.", "b.")):
            home = user[0]
            rules = [line.split()[-1] for line in block.strip().splitlines()[1:]]
            assert rules and all(rule.startswith(f"genie/home/{home}/") for rule in rules), (user, rules)
    users = [line.split(":", 1)[0] for line in (tmp_path / "passwd").read_text(encoding="utf-8").splitlines()]
    assert {"a.genie-hub", "a.genie-client", "a.genie-listener", "a.lamp", "b.lamp", "newcomer"} <= set(users)

