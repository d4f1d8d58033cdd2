"""bench scale's arithmetic: how many Mosquittos and fleet processes a fleet needs under an open-files limit, and
the median (with min-max) of several runs' figures."""

from __future__ import annotations

from bench.scale import SPARE_FILES, median_of, sizes


def test_a_fleet_is_spread_over_as_many_brokers_and_processes_as_open_files_need() -> None:
    assert sizes(100_000, 20_000) == (6, 6)  # 19,500 connections each at most
    assert sizes(10_000, 20_000) == (1, 2)  # one broker; two processes past 2,000 devices
    assert sizes(2_000, 20_000) == (1, 1)
    assert sizes(19_500, 20_000) == (1, 2) and sizes(19_501, 20_000) == (2, 2)
    brokers, processes = sizes(100_000, 20_000)
    assert 100_000 / brokers <= 20_000 - SPARE_FILES and 100_000 / processes <= 20_000 - SPARE_FILES


def test_several_runs_give_the_median_and_the_range_of_each_figure() -> None:
    runs = [{"broker": "mosquitto", "online_s": 3.0, "rss_mb": {"fleet": 10.0, "hubs": 2.0}},
            {"broker": "mosquitto", "online_s": 1.0, "rss_mb": {"fleet": 30.0, "hubs": 2.0}},
            {"broker": "mosquitto", "online_s": 2.0, "rss_mb": {"fleet": 20.0, "hubs": 2.0}}]
    assert median_of(runs) == {"runs": 3, "broker": "mosquitto", "online_s": {"median": 2.0, "min": 1.0, "max": 3.0},
                               "rss_mb": {"fleet": {"median": 20.0, "min": 10.0, "max": 30.0}, "hubs": 2.0}}
    assert median_of(runs[:1]) == {"runs": 1, **runs[0]}


def test_a_count_one_run_lacks_is_none_of_it_and_examples_are_all_the_runs() -> None:
    runs = [{"load": {"p50": 5.0, "failed": {}}},
            {"load": {"p50": 4.0, "failed": {"not ok": 3}, "not_ok_replies": ["h1: 'x' -> 'no'"]}},
            {"load": {"p50": 6.0, "failed": {"timeout": 1}}}]
    assert median_of(runs)["load"] == {"p50": {"median": 5.0, "min": 4.0, "max": 6.0},
                                       "failed": {"not ok": {"median": 0, "min": 0, "max": 3},
                                                  "timeout": {"median": 0, "min": 0, "max": 1}},
                                       "not_ok_replies": ["h1: 'x' -> 'no'"]}
