#!/usr/bin/env bash
# Refresh the committed locks in requirements/ from pyproject.toml's ranges.
# Run it when a dependency range in pyproject.toml changes, or on purpose to move
# to newer releases (then run both Quick-start commands and commit the locks with
# what they changed). site.sh and test.sh install exactly what the locks say.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
python3 -m venv "$tools/venv"
"$tools/venv/bin/python" -m pip install --quiet --disable-pip-version-check 'uv==0.13.10'
uv="$tools/venv/bin/uv"
# One resolution for Python 3.11 up (fewest forks: 3.11-3.13 share every version).
common=(--universal --fork-strategy fewest --python-version 3.11 --generate-hashes --quiet)
"$uv" pip compile pyproject.toml requirements/build.in "${common[@]}" \
  -o requirements/site.lock
# The test lock keeps every version the site lock chose.
"$uv" pip compile pyproject.toml requirements/build.in --extra test --extra bench \
  "${common[@]}" -c requirements/site.lock -o requirements/test.lock
echo "Wrote requirements/site.lock and requirements/test.lock."
