#!/usr/bin/env bash
# Install a pinned Home Assistant Core into DIR/venv for tests/ha (the real Home Assistant test), offline-ready:
#   scripts/ha/install.sh DIR        then   GENIE_HA_VENV=DIR/venv pytest tests/ha
# - Python 3.13.0 from pyenv (Home Assistant 2025.4.4 needs >= 3.13; later releases want >= 3.13.2);
# - the release's own package constraints (homeassistant/package_constraints.txt, read from its wheel): without
#   them today's releases of unpinned packages break it;
# - the requirements of the integrations tests/ha's configuration loads (frontend, mqtt, recorder…), at the
#   versions the release's manifests name, since Home Assistant runs with --skip-pip there;
# - uv (the version the constraints pin) does the resolving and downloading; pip fetches the wheel and uv,
#   side by side. Each step's seconds go to stderr.
# Everything, caches included, stays under DIR. The last line printed is the venv's path.
set -euo pipefail
dir="${1:?usage: scripts/ha/install.sh DIR}"
version="${GENIE_HA_VERSION:-2025.4.4}"
python="${GENIE_HA_PYTHON:-${PYENV_ROOT:-$HOME/.pyenv}/versions/3.13.0/bin/python3.13}"
if [ ! -x "$python" ]; then
    echo "scripts/ha/install.sh: no Python 3.13 at $python (set GENIE_HA_PYTHON)" >&2
    exit 2
fi
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
export PIP_CACHE_DIR="$dir/cache/pip" UV_CACHE_DIR="$dir/cache/uv" PIP_DISABLE_PIP_VERSION_CHECK=1
# quiet unless it fails: then its whole output, and stop
run() {
    local log; log="$(mktemp -p "$dir" step.XXXXXX)"
    "$@" > "$log" 2>&1 || { cat "$log" >&2; echo "scripts/ha/install.sh: failed: $*" >&2; exit 1; }
    rm -f "$log"
}
timed() { local t; t=$(date +%s); "$@"; echo "   $(( $(date +%s) - t )) s: ${*:2:2}" >&2; }
timed run "$python" -m venv "$dir/venv"
pip="$dir/venv/bin/pip"
# The wheel (for its constraints) and uv, side by side; uv at the version 2025.4.4's constraints pin.
uv_version="${GENIE_HA_UV:-0.6.10}"
(timed run "$pip" download --no-deps "homeassistant==$version" -d "$dir/wheel") &
fetching=$!
PIP_CACHE_DIR="$dir/cache/pip-uv" timed run "$pip" install --no-deps "uv==$uv_version"
wait "$fetching"
wheel="$(ls "$dir"/wheel/homeassistant-"$version"-*.whl)"
# The constraints, and the pinned requirements of every integration the test configuration sets up.
"$dir/venv/bin/python" - "$wheel" "$dir" <<'PY'
import json, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(wheel)
open(f"{out}/constraints.txt", "wb").write(z.read("homeassistant/package_constraints.txt"))
# tests/ha/harness.py CONFIGURATION, Home Assistant's bootstrap DEFAULT_INTEGRATIONS and the MQTT integration
wanted = ["config", "api", "onboarding", "frontend", "logger", "mqtt", "http", "websocket_api", "isal", "network",
          "system_log", "analytics", "application_credentials", "backup", "hardware", "system_health", "automation",
          "person", "scene", "script", "tag", "zone", "counter", "input_boolean", "input_button", "input_datetime",
          "input_number", "input_select", "input_text", "schedule", "timer"]
seen, requirements = set(), set()
def walk(domain):
    if domain in seen:
        return
    seen.add(domain)
    try:
        manifest = json.loads(z.read(f"homeassistant/components/{domain}/manifest.json"))
    except KeyError:
        return
    requirements.update(manifest.get("requirements", []))
    for other in manifest.get("dependencies", []) + manifest.get("after_dependencies", []):
        walk(other)
for domain in wanted:
    walk(domain)
open(f"{out}/requirements.txt", "w").write("\n".join(sorted(requirements)) + "\n")
PY
if ! grep -qx "uv==$uv_version" "$dir/constraints.txt"; then
    echo "scripts/ha/install.sh: $version's constraints pin $(grep -E '^uv==' "$dir/constraints.txt"), not" \
         "uv==$uv_version (set GENIE_HA_UV)" >&2
    exit 1
fi
timed run "$dir/venv/bin/uv" pip install --python "$dir/venv/bin/python" "$wheel" -r "$dir/requirements.txt" \
    -c "$dir/constraints.txt"
timed run "$dir/venv/bin/hass" --version
rm -rf "$dir/cache" "$dir/wheel"
echo "$dir/venv"
