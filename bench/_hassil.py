"""The understanding benchmark's baseline: plain hassil with two home-assistant-intents releases in one run.

Two releases of a package cannot be imported into one process, and neither is a project dependency, so each
release gets an environment of its own, made on demand (``python -m venv`` and ``pip install``) under a cache
directory and kept there for the next run; ``bench/_hassil_worker.py`` runs inside it over the benchmark's
sentences and answers in JSON. The releases (``RELEASES``):

- **contemporary**: home-assistant-intents 2025.6.23 with hassil 3.0.1. The suite is the intents repository
  at commit aa55003 (2025-07-04, ``../shared/benchmarks/ha-intents/README.md``). The release tagged 2025.6.23
  is the last before it, and between that tag and the suite's commit no file of the en, fr or zh-cn
  sentences, responses or tests, nor ``intents.yaml``, changed (``git diff --stat 2025.6.23 aa55003``): it
  holds exactly the sentences the suite tested. hassil 3.0.1 is the recognizer the repository pinned at that
  commit (its ``requirements.txt``).
- **latest**: the newest hassil and home-assistant-intents on the package index when the environment was
  made (``--hassil-refresh`` makes it again).

When an environment cannot be made (no network, no such release) or its run fails, the release's entry holds
a one-line ``note`` saying so instead of figures, and the benchmark goes on.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WORKER = Path(__file__).with_name("_hassil_worker.py")
HASS_LANG = {"zh": "zh-CN", "en": "en", "fr": "fr"}
INSTALL_TIMEOUT_S = 600
RUN_TIMEOUT_S = 900


@dataclass(frozen=True)
class Release:
    """One baseline: a name and the requirements its environment is made from."""

    name: str
    requirements: tuple[str, ...]
    about: str


RELEASES = (
    Release("contemporary", ("hassil==3.0.1", "home-assistant-intents==2025.6.23"),
            "the release contemporary with the suite (its test sentences unchanged since), with the hassil "
            "its repository pinned"),
    Release("latest", ("hassil", "home-assistant-intents"), "the newest releases when the environment was made"),
)


class BaselineUnavailable(Exception):
    """An environment could not be made or run; the message is one line for the report."""


def default_root() -> Path:
    """Where the environments live unless ``--hassil-env`` says: ``$GENIE_HASSIL_ENV``, else the user's cache."""
    if os.environ.get("GENIE_HASSIL_ENV"):
        return Path(os.environ["GENIE_HASSIL_ENV"])
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "genie-sim" / "hassil"


def _python(env: Path) -> Path:
    return env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("WARNING")]
    return lines[-1] if lines else "no output"


def _run(command: list[str], timeout: float, what: str) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BaselineUnavailable(f"{what}: no answer within {timeout:g} s") from exc
    except OSError as exc:
        raise BaselineUnavailable(f"{what}: {exc}") from exc
    if done.returncode != 0:
        raise BaselineUnavailable(f"{what}: {_last_line(done.stderr or done.stdout)}")


def environment(root: Path, release: Release, refresh: bool = False) -> Path:
    """The Python of ``release``'s environment under ``root``, made first if it is missing (or ``refresh``);
    raises BaselineUnavailable (one line) when it cannot be made."""
    env = root / release.name
    ready = env / "requirements.json"
    if not refresh and _python(env).exists() and ready.exists():
        try:
            if json.loads(ready.read_text(encoding="utf-8")) == list(release.requirements):
                return _python(env)
        except ValueError:
            pass  # a half-written marker: make the environment again
    where = f"the {release.name} hassil environment ({' '.join(release.requirements)}) in {env}"
    if env.is_dir() and any(env.iterdir()) and not (env / "pyvenv.cfg").exists():
        raise BaselineUnavailable(f"{env} is not an environment (no pyvenv.cfg); not replacing it")
    try:
        if env.exists():
            shutil.rmtree(env)
        env.mkdir(parents=True)
    except OSError as exc:
        raise BaselineUnavailable(f"could not make {where}: {exc}") from exc
    _run([sys.executable, "-m", "venv", "--without-pip", str(env)], 120, f"could not make {where}")
    if _has_pip():  # this interpreter's pip installs into the new environment: no pip of its own to set up
        pip = [sys.executable, "-m", "pip", "--python", str(_python(env))]
    else:
        _run([str(_python(env)), "-m", "ensurepip", "--default-pip"], 300, f"could not make {where}")
        pip = [str(_python(env)), "-m", "pip"]
    _run([*pip, "install", "--quiet", "--disable-pip-version-check", *release.requirements],
         INSTALL_TIMEOUT_S, f"could not install {where}")
    ready.write_text(json.dumps(list(release.requirements)), encoding="utf-8")
    return _python(env)


def _has_pip() -> bool:
    import importlib.util

    return importlib.util.find_spec("pip") is not None


def recognise(python: Path, cases: list[dict[str, Any]], fixtures: dict[str, Any],
              timing: bool) -> dict[str, Any]:
    """The worker's answer for ``cases`` in the environment of ``python`` (see ``_hassil_worker.py``)."""
    request = {"cases": [{k: c[k] for k in ("lang", "text", "context") if k in c} for c in cases],
               "fixtures": {lang: fixtures[lang] for lang in {c["lang"] for c in cases}},
               "hass_lang": HASS_LANG, "timing": timing}
    try:
        done = subprocess.run([str(python), "-I", str(WORKER)], input=json.dumps(request, ensure_ascii=False),
                              capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BaselineUnavailable(f"hassil in {python}: no answer within {RUN_TIMEOUT_S} s") from exc
    if done.returncode != 0:
        raise BaselineUnavailable(f"hassil in {python} failed: {_last_line(done.stderr)}")
    try:
        answer: dict[str, Any] = json.loads(done.stdout)
    except ValueError as exc:
        raise BaselineUnavailable(f"hassil in {python} answered no JSON: {_last_line(done.stdout)[:120]}") from exc
    if not isinstance(answer, dict) or len(answer.get("results", ())) != len(cases):
        raise BaselineUnavailable(f"hassil in {python} did not answer each of the {len(cases)} cases")
    return answer


def baselines(cases: list[dict[str, Any]], fixtures: dict[str, Any], root: Path, names: tuple[str, ...],
              timing: bool, refresh: bool = False, progress: bool = True) -> dict[str, dict[str, Any]]:
    """Per release named in ``names``: its requirements and either the worker's answer (``versions``,
    ``results``, ``times``) or a one-line ``note`` saying why there is none."""
    out: dict[str, dict[str, Any]] = {}
    for release in (r for r in RELEASES if r.name in names):
        entry: dict[str, Any] = {"requirements": list(release.requirements), "about": release.about}
        try:
            if progress:
                print(f"[bench] hassil, {release.name} ({' '.join(release.requirements)})…", file=sys.stderr,
                      flush=True)
            python = environment(root, release, refresh)
            entry.update(recognise(python, cases, fixtures, timing))
        except BaselineUnavailable as exc:
            entry["note"] = f"{exc}; this baseline is skipped"
            if progress:
                print(f"[bench] {entry['note']}", file=sys.stderr, flush=True)
        out[release.name] = entry
    return out
