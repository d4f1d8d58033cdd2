"""`genie load`'s flags: --help, and every input no run can be made of refused in one line (exit 2) before
anything is started or sent."""

from __future__ import annotations

import sys

import pytest

from genie.cli import main

BASE = ["load", "--rate", "10", "--duration", "2"]


@pytest.mark.parametrize(("argv", "message"), [
    (["load", "--rate", "0", "--duration", "2"], "--rate must be more than 0 commands/s, got 0"),
    (["load", "--rate", "-3", "--duration", "2"], "--rate must be more than 0 commands/s, got -3"),
    (["load", "--rate", "10", "--duration", "4000"], "--duration must be more than 0 and at most 3600 s, got 4000"),
    (["load", "--rate", "0.1", "--duration", "1"], "--rate 0.1 for --duration 1 s sends no command"),
    ([*BASE, "--lang", "zh,de"], "--lang: unknown language 'de'; give some of zh,en,fr"),
    ([*BASE, "--homes", "2"], "--homes and --devices go together (N homes of M devices each)"),
    ([*BASE, "--homes", "2", "--devices", "5", "--home", "flat"], "give either --home (a running home) or"),
    ([*BASE, "--homes", "0", "--devices", "5"], "--homes must be 1-1000 and --devices 1-1000"),
    ([*BASE, "--no-latency"], "--no-latency goes with --homes/--devices"),
    ([*BASE, "--clients", "0"], "--clients must be 1-1000, got 0"),
    ([*BASE, "--timeout", "0"], "--timeout must be more than 0 and at most 600 s, got 0"),
    ([*BASE, "--homes", "1", "--devices", "1", "--ready-timeout", "-1"], "--ready-timeout must be more than 0"),
])
def test_bad_input_is_one_line_and_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"genie: error: {message}") and err.count("\n") == 1, err


def test_charts_without_matplotlib_say_how_to_install_it(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` raises ImportError
    assert main([*BASE, "--charts", "charts"]) == 2
    assert capsys.readouterr().err == "genie: error: --charts needs matplotlib: pip install -e '.[bench]'\n"


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["load", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--rate", "--duration", "--broker", "--home", "--homes", "--devices", "--lang", "--clients",
                 "--seed", "--json", "--charts", "--report", "--quiet"):
        assert flag in out
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "load-test a set-up" in capsys.readouterr().out
