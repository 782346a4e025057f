#!/usr/bin/env bash
# The first command (make start): install, prepare the database, load the reference places and
# the demo, then run the web server and the background worker at http://127.0.0.1:8000.
# Safe to run again. Ctrl-C stops everything.
#   scripts/start.sh [--bind 127.0.0.1:8000]
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BIND="127.0.0.1:8000"
while [ $# -gt 0 ]; do
    case "$1" in
        --bind) BIND="${2:?--bind HOST:PORT}"; shift 2 ;;
        --bind=*) BIND="${1#--bind=}"; shift ;;
        *) die "không rõ tham số $1 / unknown argument $1 (scripts/start.sh [--bind HOST:PORT])" ;;
    esac
done

cd "$ROOT"
ensure_installed
ensure_secret_key
# Plain HTTP on this machine's loopback address; NGHEDAN_DEBUG stays as set (unset: false).
export NGHEDAN_HTTPS=false
export NGHEDAN_ALLOWED_HOSTS="${NGHEDAN_ALLOWED_HOSTS:-127.0.0.1,localhost}"
export NGHEDAN_SITE_URL="${NGHEDAN_SITE_URL:-http://$BIND}"

say "Cơ sở dữ liệu / Database (migrate)"
manage migrate --noinput

say "Tệp tĩnh / Static files (collectstatic)"
manage collectstatic --noinput -v0

say "Địa danh / Reference places (load_places)"
manage load_places

say "Dữ liệu mẫu / Demo data (load_demo)"
logins="$(manage load_demo --print-logins)"

say "Nghe Dân: http://$BIND/"
printf '%s\n' "$logins"
echo "Dừng: Ctrl-C / Stop: Ctrl-C"
echo
# One machine, no cron: serve runs the sweep (reminders, escalations, feeds) every 5 minutes.
exec "$PY" manage.py serve --bind "$BIND" --sweep-every 300
