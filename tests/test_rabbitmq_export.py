"""`genie broker --export rabbitmq DIR` writes what a RabbitMQ cluster needs to keep every login, of the default
tree and of each home, to its own topics: the same definitions tests/e2e/test_rabbitmq_cluster.py and
test_homes_rabbitmq.py boot their cluster with (``hub.broker.rabbitmq``), and a rabbitmq.conf that loads them."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from tests.cli import genie

DEMO = Path(__file__).resolve().parents[1] / "devices" / "homes" / "demo.yaml"


async def test_the_export_confines_each_homes_logins_to_its_tree(tmp_path: Path) -> None:
    other = tmp_path / "flat.yaml"
    other.write_text("id: flat-2\nrooms:\n  - {id: living, names: {en: [living room]}}\n"
                     "devices:\n  - {id: lamp, category: light, room: living}\n", encoding="utf-8")
    out = tmp_path / "out"
    code, printed, err = await genie("broker", "--export", "rabbitmq", str(out), "--home", str(DEMO),
                                     "--home", str(other), env={"GENIE_DATA_DIR": str(tmp_path / "data")})
    assert code == 0, err
    assert printed.split() == [str(out / "rabbitmq.conf"), str(out / "definitions.json")]
    conf = (out / "rabbitmq.conf").read_text(encoding="utf-8")
    assert "mqtt.allow_anonymous = false" in conf and f"load_definitions = {out / 'definitions.json'}" in conf
    assert stat.S_IMODE((out / "definitions.json").stat().st_mode) == 0o600  # password hashes
    data = json.loads((out / "definitions.json").read_text(encoding="utf-8"))
    users = {u["name"] for u in data["users"]}
    assert {"demo.genie-hub", "demo.desk-lamp", "flat-2.genie-hub", "flat-2.lamp", "flat-2.genie-listener"} <= users
    rules = {p["user"]: p for p in data["topic_permissions"]}
    assert rules["flat-2.genie-hub"]["write"] == rules["flat-2.genie-hub"]["read"] == r"^genie\.home\.flat\-2\."
    assert rules["flat-2.lamp"]["read"].startswith(r"^(genie\.home\.flat\-2\.dev\.lamp\.request")
    assert all("flat" not in rules[u]["read"] for u in users if u.startswith("demo."))


async def test_the_export_gives_each_named_hub_shard_its_login(tmp_path: Path) -> None:
    """`--shard ID` (again for each shard, and `status` for `genie shard status`) adds the shards' logins to both
    exports; an invalid shard id is one line, exit 2."""
    env = {"GENIE_DATA_DIR": str(tmp_path / "data")}
    out = tmp_path / "rabbit"
    code, _printed, err = await genie("broker", "--export", "rabbitmq", str(out), "--shard", "s1", "--shard", "status",
                                      env=env)
    assert code == 0, err
    users = {u["name"] for u in json.loads((out / "definitions.json").read_text(encoding="utf-8"))["users"]}
    assert {"genie-shard-s1", "genie-shard-status"} <= users
    out = tmp_path / "mosq"
    code, _printed, err = await genie("broker", "--export", "mosquitto", str(out), "--shard", "s1", env=env)
    assert code == 0, err
    assert "user genie-shard-s1" in (out / "acl").read_text(encoding="utf-8")
    assert "genie-shard-s1:" in (out / "passwd").read_text(encoding="utf-8")
    code, _printed, err = await genie("broker", "--export", "mosquitto", str(out), "--shard", "Bad Id", env=env)
    assert code == 2 and err.count("\n") == 1 and "shard" in err, err
