#!/usr/bin/env bash
# Prepare this checkout to run: virtualenv, pinned packages, generated protobuf
# code, .env with fresh secrets, database migrated and seeded.
# Safe to run any number of times; a second run only checks and changes nothing.
#   ./setup.sh          runtime packages
#   ./setup.sh --dev    runtime + test/lint packages
#   ./setup.sh --quiet  print only what changed
set -euo pipefail
cd "$(dirname "$0")"

DEV=0; QUIET=0
for arg in "$@"; do
  case "$arg" in
    --dev) DEV=1 ;;
    --quiet) QUIET=1 ;;
    *) echo "usage: ./setup.sh [--dev] [--quiet]" >&2; exit 2 ;;
  esac
done
say() { [ "$QUIET" = 1 ] || echo "$@"; }

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ]; then
  PYTHON=$(find_python) || { echo "Python 3.11 or newer is needed (python3.11 not found)." >&2; exit 1; }
  echo "Creating .venv with $($PYTHON --version) ..."
  "$PYTHON" -m venv .venv
fi

REQS=(requirements.txt)
[ "$DEV" = 1 ] && REQS+=(requirements-dev.txt)
STAMP=.venv/.installed-$( [ "$DEV" = 1 ] && echo dev || echo runtime )
WANT=$(cat "${REQS[@]}" constraints.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  echo "Installing pinned packages (${REQS[*]}) ..."
  .venv/bin/python -m pip install --quiet --upgrade pip
  ARGS=(); for r in "${REQS[@]}"; do ARGS+=(-r "$r"); done
  .venv/bin/python -m pip install --quiet "${ARGS[@]}" -c constraints.txt
  echo "$WANT" > "$STAMP"
else
  say "Packages are up to date."
fi

# Protobuf classes for the Upstox market feed, compiled from the .proto.
.venv/bin/python -m scripts.upstox_wire.build

# .env with generated secrets (created once; later runs only add new settings).
.venv/bin/python -m scripts.config.env_file ensure

# Database: back up (SQLite), migrate, seed bundled reference data.
.venv/bin/python -m scripts.db.migrate
say "Setup complete."
