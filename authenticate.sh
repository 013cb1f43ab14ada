#!/usr/bin/env bash
# Log in to Upstox (live) or the built-in sandbox (default mode) with OAuth and
# store the token encrypted. In sandbox mode no typing is needed.
#   ./authenticate.sh             log in (opens the browser in live mode)
#   ./authenticate.sh --headless  never open a browser
#   ./authenticate.sh status      show the current session
#   ./authenticate.sh logout      end the session
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh --quiet
case "${1:-login}" in
  status|logout) exec .venv/bin/python -m scripts.cli.session "$1" ;;
  login) shift || true; exec .venv/bin/python -m scripts.cli.authenticate "$@" ;;
  *) exec .venv/bin/python -m scripts.cli.authenticate "$@" ;;
esac
