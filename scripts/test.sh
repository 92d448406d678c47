#!/usr/bin/env bash
# Quick start, step 2: install what the tests need (Chromium included) and run
# the whole suite: lint, strict typing, unit, build and real-browser tests.
source "$(dirname "$0")/_env.sh"
ensure_venv test
if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Chromium with apt for the browser tests..." >&2
  as_root apt-get update -qq
  as_root apt-get install -y -qq chromium >/dev/null
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy --strict mapgen tools
.venv/bin/python -m pytest -q "$@"
