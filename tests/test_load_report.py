"""genie load's report, from outcomes made by hand: counts that add up, percentiles by nearest rank, the
throughput series, errors by code, and the one line that says what failed."""

from __future__ import annotations

from genie.load.report import build, failure, histogram, percentile, table
from genie.load.run import TIMEOUT, Outcome, Run
from genie.load.schedule import Planned
from genie.load.sentences import Sentence, Target

LAMP = Target("a", "lamp", "light", {"zh": "台灯", "en": "lamp", "fr": "lampe"})


def _outcome(index: int, at: float, answered_after_ms: float | None, code: str | None, lang: str = "en") -> Outcome:
    planned = Planned(index, at, LAMP, Sentence("on", None, lang, "turn on the lamp"))
    answered = None if answered_after_ms is None else at + answered_after_ms / 1000
    return Outcome(planned, sent=at, answered=answered, ok=code is None, code=code)


def test_percentiles_are_by_nearest_rank() -> None:
    values = list(range(1, 101))
    assert [percentile(values, q) for q in (50, 90, 99, 100)] == [50, 90, 99, 100]
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) is None


def test_histogram_counts_every_value_once() -> None:
    buckets = histogram([0.5, 1, 4, 250, 99_999])
    assert sum(b["count"] for b in buckets) == 5
    assert buckets[-1] == {"from_ms": 10000, "to_ms": None, "count": 1}
    assert next(b for b in buckets if b["from_ms"] == 1)["count"] == 1


def test_the_report_adds_up_and_says_what_failed() -> None:
    outcomes = [_outcome(i, i * 0.5, 10.0 + i, None, "zh" if i % 2 else "en") for i in range(6)]
    outcomes.append(_outcome(6, 3.0, 40.0, "IOT_DEVICE_OFFLINE"))
    outcomes.append(_outcome(7, 3.5, None, TIMEOUT))
    report = build(Run(outcomes, sessions=2, started=0.0, elapsed=4.2), mode="running",
                   setup={"broker": "mqtt://127.0.0.1:1883", "homes": ["a"], "devices": 1, "offline_at_start": 0},
                   asked={"rate": 2.0, "duration": 4.0, "clients": 2, "langs": ["zh", "en"], "seed": 0,
                          "timeout": 1.0}, load_average={"start": [0.1, 0.2, 0.3], "end": [0.4, 0.5, 0.6]})
    assert (report["sent"], report["answered"], report["ok"], report["errors"]) == (8, 7, 6, 2)
    assert report["errors_by_code"] == {"IOT_DEVICE_OFFLINE": 1, TIMEOUT: 1}
    assert report["latency_ms"] == {"p50": 13.0, "p90": 40.0, "p99": 40.0, "max": 40.0}
    assert [row["answered"] for row in report["throughput"]] == [2, 2, 2, 1, 0]
    assert [row["sent"] for row in report["throughput"]] == [2, 2, 2, 2, 0]
    assert report["by_lang"]["zh"]["sent"] == 3 and report["by_lang"]["en"]["errors"] == 2
    assert report["rate"]["sent"] == 2.0  # 8 sends, the last at 3.5 s: on time
    assert failure(report) == "2 of 8 commands failed or timed out (IOT_DEVICE_OFFLINE 1, TIMEOUT 1)"
    assert "p50 13 ms" in table(report)
    done = build(Run(outcomes[:6], 2, 0.0, 3.0), mode="running", setup=report["setup"], asked=report["asked"],
                 load_average=report["load_average"])
    assert failure(done) is None
