"""``genie shard``: its homes list (one line per home id or home file) and its errors, each one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from genie.cli import main
from genie.commands.shard import load_homes

HOME_FILE = """
id: flat-2
rooms:
  - {id: living, names: {en: [living room]}}
devices:
  - {id: lamp, category: light, room: living, names: {en: [lamp]}}
scenes:
  - {id: evening, names: {en: [evening]}, actions: [{device: lamp, action: "on"}]}
"""


def test_a_homes_list_holds_ids_and_home_files(tmp_path: Path) -> None:
    (tmp_path / "homes").mkdir()
    (tmp_path / "homes" / "flat-2.yaml").write_text(HOME_FILE)
    listing = tmp_path / "list.txt"
    listing.write_text("# the group's homes\nalpha\n- beta   # a YAML list's dash is fine\n\n'gamma'\n"
                       "homes/flat-2.yaml\n")
    homes = load_homes(listing)
    assert list(homes) == ["alpha", "beta", "gamma", "flat-2"]
    assert homes["alpha"] is None
    assert [scene.id for scene in homes["flat-2"].scenes] == ["evening"]


@pytest.mark.parametrize(("content", "says"), [
    ("alpha\nAlpha Two\n", "line 2: invalid home id 'Alpha Two'"),
    ("alpha\nbeta\nalpha\n", "line 3: home 'alpha' is listed twice (also on line 1)"),
    ("# only a comment\n\n", "no homes in it"),
    ("missing.yaml\n", "line 1: home file"),
    ("noid.yaml\n", "has no `id`: a shared home needs one"),
    ("bad.yaml\n", "line 1: home file"),
])
def test_a_bad_homes_list_is_one_line_and_exit_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        content: str, says: str) -> None:
    (tmp_path / "noid.yaml").write_text("rooms: []\ndevices: []\n")
    (tmp_path / "bad.yaml").write_text("rooms: [\n")
    listing = tmp_path / "list.txt"
    listing.write_text(content)
    assert main(["shard", "--id", "s1", "--homes", str(listing)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("genie: error: homes list") and says in err, err


def test_a_bad_shard_id_or_broker_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text("alpha\n")
    assert main(["shard", "--id", "S 1", "--homes", str(listing)]) == 2
    assert "invalid shard id 'S 1'" in capsys.readouterr().err
    assert main(["shard", "--homes", str(listing)]) == 2
    assert "genie shard needs --id S and --homes FILE" in capsys.readouterr().err
    # nothing listens on port 1 of loopback: the first connection fails, said once
    assert main(["shard", "--id", "s1", "--homes", str(listing), "--broker", "mqtt://127.0.0.1:1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot reach the MQTT broker" in err, err


def test_help_names_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["shard", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for option in ("--broker", "--id", "--homes", "--data-dir", "--json", "--interval", "--expiry", "--grace",
                   "--start-rate", "--window", "status", "--as", "--listen"):
        assert option in out


@pytest.mark.parametrize("bad", ["0", "-3", "2.5", "many", "100001"])
def test_a_bad_window_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text("alpha\n")
    with pytest.raises(SystemExit) as done:
        main(["shard", "--id", "s1", "--homes", str(listing), "--window", bad])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert f"{bad!r}: give a number of hubs, 1-100000" in err


@pytest.mark.parametrize("bad", ["0", "-1", "0.5", "nan", "inf", "fast", "100001"])
def test_a_bad_start_rate_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text("alpha\n")
    with pytest.raises(SystemExit) as done:
        main(["shard", "--id", "s1", "--homes", str(listing), "--start-rate", bad])
    assert done.value.code == 2
    err = capsys.readouterr().err
    said = [line for line in err.splitlines() if line.startswith("genie shard: error:")]
    assert said == [f"genie shard: error: argument --start-rate: {bad!r}: give a number of hubs per second, 1-100000"]
