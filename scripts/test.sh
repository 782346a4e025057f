#!/usr/bin/env bash
# The whole test suite: scripts/test.sh [pytest arguments]
# SQLite by default; set NGHEDAN_DATABASE_URL=postgres://… to run it on PostgreSQL (the role
# needs CREATEDB: the suite makes its own test database and drops it afterwards).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_installed
cd "$ROOT"
if [ -z "${NGHEDAN_SECRET_KEY:-}" ] && [ -z "${NGHEDAN_SECRET_KEY_FILE:-}" ]; then
    export NGHEDAN_SECRET_KEY="test-only-secret-key-not-for-production-0123456789-abcdefghij"
fi
# The test client speaks plain HTTP.
export NGHEDAN_HTTPS="${NGHEDAN_HTTPS:-false}"
exec "$VENV/bin/pytest" "$@"
