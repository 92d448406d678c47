# Shared by site.sh and test.sh: a virtual environment in .venv with the project
# installed (editable, so that geodata/ and zones/ are read from the checkout),
# every dependency at the version and hash its lock in requirements/ gives.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

pick_python() {
  for py in python3.13 python3.12 python3.11 python3; do
    if command -v "$py" >/dev/null 2>&1 &&
      "$py" -c 'import sys; raise SystemExit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$py"
      return 0
    fi
  done
  echo "Python 3.11 or newer is needed (apt-get install python3)." >&2
  return 1
}

ensure_venv() {
  local lock="$1" py
  if [ ! -x .venv/bin/python ]; then
    py=$(pick_python)
    if ! "$py" -m venv .venv 2>/dev/null; then
      # Debian ships venv separately from python3.
      rm -rf .venv
      echo "Installing python3-venv with apt..." >&2
      as_root apt-get update -qq
      as_root apt-get install -y -qq python3-venv >/dev/null
      "$py" -m venv .venv
    fi
  fi
  # Exactly what the committed lock says (scripts/lock.sh refreshes it), then the
  # project itself, editable, built by the locked hatchling.
  .venv/bin/python -m pip install --quiet --disable-pip-version-check \
    --require-hashes --no-deps -r "requirements/$lock.lock"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check \
    --no-deps --no-build-isolation -e .
}
