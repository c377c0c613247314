#!/usr/bin/env bash
# The release steps: install the front-end tools exactly as locked, build the bundles, build the wheel.
# The wheel then carries the built JavaScript and its stats file; the repository never commits them.
#   dev/release.sh [OUT_DIR]     (default: dist/)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-dist}
PYTHON=${PYTHON:-.venv/bin/python}

npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
"$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$OUT" .
ls "$OUT"/*.whl
