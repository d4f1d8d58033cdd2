"""The generator: it says what is missing without the shared dataset, and reproduces the committed files."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import pytest

from devices.registry.loader import DATA

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_registry.py"
DATASET = ROOT.parent / "shared" / "datasets" / "device-catalog"


def build(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_without_the_dataset_it_says_what_is_missing(tmp_path: Path) -> None:
    result = build(str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "lacks brands.json, zigbee_devices.jsonl, ha_brands.jsonl" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not DATASET.is_dir(), reason="the shared device catalogue is not beside the repository")
def test_the_committed_registry_is_what_the_generator_makes(tmp_path: Path) -> None:
    result = build(str(DATASET), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    for name in ("brands.json", "products.jsonl"):
        assert filecmp.cmp(tmp_path / name, DATA / name, shallow=False), f"{name}: rerun scripts/build_registry.py"
