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

# Each command is looked for in the source, which is quicker than asking Django.
has_command() { compgen -G "$ROOT/nghedan/*/management/commands/$1.py" >/dev/null; }

logins=""
if has_command load_places; then
    say "Địa danh / Reference places (load_places)"
    manage load_places
    if has_command load_demo; then
        say "Dữ liệu mẫu / Demo data (load_demo)"
        if grep -q -- '--print-logins' "$ROOT"/nghedan/*/management/commands/load_demo.py; then
            logins="$(manage load_demo --print-logins)"
        else
            manage load_demo
        fi
    else
        warn "chưa có lệnh load_demo / no load_demo command yet"
    fi
else
    warn "chưa có lệnh load_places: bỏ qua dữ liệu mẫu / no load_places command yet: no demo data"
fi

say "Nghe Dân: http://$BIND/"
if [ -n "$logins" ]; then
    printf '%s\n' "$logins"
else
    echo "Tài khoản mẫu: xem README.md / Demo logins: see README.md"
fi
echo "Dừng: Ctrl-C / Stop: Ctrl-C"
echo
exec "$PY" manage.py serve --bind "$BIND"
