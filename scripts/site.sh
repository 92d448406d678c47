#!/usr/bin/env bash
# Quick start, step 1: install everything and build the whole site into output/.
source "$(dirname "$0")/_env.sh"
ensure_venv site
.venv/bin/mapgen build "$@"
echo "Open output/index.html in a browser (no server or network needed)."
