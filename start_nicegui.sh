#!/usr/bin/env bash
# Start the whole platform (sandbox mode by default: no account, no internet):
#   ./start_nicegui.sh          set up if needed, start and supervise everything (a process
#                               that dies is restarted), Ctrl-C stops it all
#   ./start_nicegui.sh stop     stop a running platform (from another terminal)
#   ./start_nicegui.sh status   show each process: state, pid, restarts, last exit, health
set -euo pipefail
cd "$(dirname "$0")"

case "${1:-start}" in
  start)
    ./setup.sh --quiet
    exec .venv/bin/python -m scripts.launcher start
    ;;
  stop|status)
    if [ ! -x .venv/bin/python ]; then echo "The platform was never set up here."; exit 0; fi
    exec .venv/bin/python -m scripts.launcher "$1"
    ;;
  *)
    echo "usage: ./start_nicegui.sh [start|stop|status]" >&2
    exit 2
    ;;
esac
