#!/usr/bin/env bash
# manage.py with the same set-up as `make start` (installed .venv, the machine's secret key):
#   scripts/manage.sh createsuperuser
#   scripts/manage.sh sweep_tasks
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_installed
ensure_secret_key
cd "$ROOT"
exec "$PY" manage.py "$@"
