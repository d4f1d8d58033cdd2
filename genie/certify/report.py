"""The certification report: a self-contained HTML page (no script, no external file) a person reads at a glance,
and the plain-text summary the terminal shows."""

from __future__ import annotations

import datetime
from html import escape

from genie.certify.model import CaseResult, SuiteResult

_COLOURS = {"pass": "#1a7f37", "fail": "#cf222e", "not-run": "#6e7781"}
_LABELS = {"pass": "PASS", "fail": "FAIL", "not-run": "NOT RUN"}
_STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:70em;color:#1f2328;
padding:0 1em}
h1{font-size:1.6em;margin:0 0 .2em}.sub{color:#57606a;margin:0 0 1.2em}
.verdict{display:inline-block;font-size:1.3em;font-weight:700;color:#fff;padding:.25em .8em;border-radius:.3em}
.counts span{margin-right:1.2em;font-weight:600}
table{border-collapse:collapse;width:100%;margin-top:1.2em}
th,td{text-align:left;vertical-align:top;padding:.45em .6em;border-bottom:1px solid #d0d7de}
th{background:#f6f8fa;font-size:.85em;text-transform:uppercase;letter-spacing:.04em;color:#57606a}
.badge{display:inline-block;min-width:5.5em;text-align:center;color:#fff;font-weight:700;border-radius:.25em;
padding:.1em .4em;font-size:.85em}
.sev{font-size:.8em;font-weight:600;text-transform:uppercase}.critical{color:#cf222e}.major{color:#9a6700}
.minor{color:#57606a}.id{font-family:ui-monospace,monospace;font-size:.9em}
details summary{cursor:pointer;color:#0969da;font-size:.85em}
pre{white-space:pre-wrap;word-break:break-all;font:12px/1.4 ui-monospace,monospace;background:#f6f8fa;
padding:.6em;border-radius:.3em;margin:.4em 0 0}
.conn{background:#f6f8fa;padding:.6em 1em;border-radius:.3em;font-family:ui-monospace,monospace;font-size:.9em}
"""


def html_report(result: SuiteResult) -> str:
    """The run as one HTML page."""
    verdict = "PASSED" if result.passed else "FAILED"
    colour = _COLOURS["pass" if result.passed else "fail"]
    counts = result.counts()
    when = datetime.datetime.fromtimestamp(result.started, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    rows = "\n".join(_row(case) for case in result.cases)
    error = f'<p class="sub"><strong>The suite did not run:</strong> {escape(result.error)}</p>' if result.error else ""
    where = "certify's own broker" if result.own_broker else "an external broker"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>genie certify: {escape(result.device)} {verdict}</title>
<style>{_STYLE}</style></head><body>
<h1>Genie device certification: <span class="id">{escape(result.device)}</span></h1>
<p class="sub">{escape(when)} · {escape(where)} {escape(result.broker)} · {result.seconds:.1f} s</p>
<p><span class="verdict" style="background:{colour}">{verdict}</span></p>
<p class="counts"><span style="color:{_COLOURS['pass']}">{counts['pass']} passed</span>
<span style="color:{_COLOURS['fail']}">{counts['fail']} failed</span>
<span style="color:{_COLOURS['not-run']}">{counts['not-run']} not run</span></p>
{error}
<table><thead><tr><th>Result</th><th>Severity</th><th>Case</th><th>Why</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<p class="sub" style="margin-top:1.5em">Each case is described in docs/certify.md. Evidence is the messages certify
sent (→) and heard (←), trimmed.</p>
</body></html>
"""


def _row(case: CaseResult) -> str:
    colour = _COLOURS[case.outcome]
    evidence = case.to_json()["evidence"]
    lines = f"{len(evidence)} line{'s' if len(evidence) > 1 else ''}"
    opened = " open" if case.outcome == "fail" else ""
    shown = (f'<details{opened}><summary>evidence ({lines})</summary><pre>{escape(chr(10).join(evidence))}</pre>'
             '</details>') if evidence else ""
    return (f'<tr><td><span class="badge" style="background:{colour}">{_LABELS[case.outcome]}</span></td>'
            f'<td class="sev {case.severity}">{case.severity}</td>'
            f'<td><span class="id">{escape(case.id)}</span><br>{escape(case.title)}</td>'
            f'<td>{escape(case.reason)}{shown}</td></tr>')


def text_summary(result: SuiteResult) -> str:
    """The run for a terminal: one line per case, then the verdict."""
    from hub.protocol.text import printable

    lines = [f"{_LABELS[c.outcome]:<8} {c.severity:<8} {c.id:<21} {printable(c.reason)}" for c in result.cases]
    if result.error:
        lines.append(f"The suite did not run: {printable(result.error)}")
    counts = result.counts()
    lines.append(f"{result.device}: {'PASSED' if result.passed else 'FAILED'} ({counts['pass']} passed, "
                 f"{counts['fail']} failed, {counts['not-run']} not run) in {result.seconds:.1f} s")
    return "\n".join(lines)
