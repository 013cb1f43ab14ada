#!/usr/bin/env bash
# Run the whole test suite: lint, then pytest with coverage.
#   ./run_tests.sh                 on SQLite (the embedded default)
#   ./run_tests.sh --postgres [URL]  on PostgreSQL (default postgresql://postgres@127.0.0.1:5432/test)
#   ./run_tests.sh -- <pytest args>  pass arguments to pytest (e.g. -k health)
# Installs what it needs: the virtualenv and test packages (./setup.sh --dev),
# and Debian's chromium for the browser tests when run as root.
set -euo pipefail
cd "$(dirname "$0")"

COVERAGE_GATE=${COVERAGE_GATE:-85}
PYTEST_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --postgres)
      if [ $# -gt 1 ] && [[ "$2" == postgres* ]]; then export TEST_DATABASE_URL="$2"; shift
      else export TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/test"; fi ;;
    --) shift; PYTEST_ARGS+=("$@"); break ;;
    *) PYTEST_ARGS+=("$1") ;;
  esac
  shift
done

./setup.sh --dev --quiet

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the browser tests ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "NOTE: chromium is not installed; browser tests will be skipped (sudo apt-get install chromium)."
  fi
fi

echo "== black"; .venv/bin/black --check scripts dashboard_ui tests bench
echo "== flake8"; .venv/bin/flake8 scripts dashboard_ui tests bench
echo "== mypy (strict over scripts, dashboard_ui, bench; config in pyproject.toml)"; .venv/bin/mypy
echo "== pytest (${TEST_DATABASE_URL:-sqlite})"
set +e
.venv/bin/python -m pytest --cov --cov-report=term --cov-fail-under="$COVERAGE_GATE" "${PYTEST_ARGS[@]}"
status=$?
set -e
if [ "$status" = 5 ]; then
  echo "pytest collected no tests: that is a failure, not a pass." >&2
  exit 1
fi
exit "$status"
