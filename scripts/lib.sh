# shellcheck shell=bash
# Shared by the scripts in this folder: where things are, the virtual environment and its
# install stamp, and the secret key a single machine keeps beside its data.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
# The stamp records what was installed; the install runs again only when it would differ.
STAMP="$ROOT/var/install.stamp"

# NGHEDAN_VAR_DIR may move the data (database, static files, key); relative to the project.
VAR_DIR="${NGHEDAN_VAR_DIR:-$ROOT/var}"
case "$VAR_DIR" in /*) ;; *) VAR_DIR="$ROOT/$VAR_DIR" ;; esac

say() { printf '\n==> %s\n' "$*"; }
warn() { printf 'Chú ý / Note: %s\n' "$*" >&2; }
die() { printf 'Lỗi / Error: %s\n' "$*" >&2; exit 1; }

# The newest Python 3.11+ on the PATH, or $PYTHON if given.
find_python() {
    local candidate
    local -a candidates=(python3.13 python3.12 python3.11 python3)
    if [ -n "${PYTHON:-}" ]; then candidates=("$PYTHON"); fi
    for candidate in "${candidates[@]}"; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    die "cần Python 3.11 trở lên / Python 3.11 or newer is needed (apt-get install python3)"
}

make_venv() {
    local python
    python="$(find_python)"
    say "Tạo môi trường ảo .venv / Creating the virtual environment .venv ($("$python" --version))"
    rm -rf "$VENV"
    if "$python" -m venv "$VENV"; then return 0; fi
    rm -rf "$VENV"
    # Debian ships venv (ensurepip) in a package of its own.
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "Cài python3-venv / Installing python3-venv"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
        "$python" -m venv "$VENV" && return 0
    fi
    die "không tạo được .venv; hãy cài gói python3-venv / cannot create .venv: install the python3-venv package (sudo apt-get install python3-venv)"
}

fingerprint() {
    {
        cat "$ROOT/pyproject.toml" "$ROOT/requirements.lock"
        "$PY" -c 'import sys; print(sys.version)'
    } | sha256sum | cut -d' ' -f1
}

# Create .venv if missing and install the project, unless pyproject.toml and
# requirements.lock are what was installed last time.
ensure_installed() {
    mkdir -p "$ROOT/var"
    # Two commands started together (make start, make test) install once, one after the other.
    exec 9>"$ROOT/var/install.lock"
    if command -v flock >/dev/null 2>&1; then flock 9; fi
    if ! [ -x "$PY" ] || ! "$PY" -c 'import sys' 2>/dev/null; then
        make_venv
    fi
    local want
    want="$(fingerprint)"
    if [ "$(cat "$STAMP" 2>/dev/null || true)" != "$want" ]; then
        say "Cài Nghe Dân và các gói theo requirements.lock / Installing Nghe Dân and its pinned packages"
        (cd "$ROOT" && "$PY" -m pip install --disable-pip-version-check -q \
            -c requirements.lock -e ".[dev]")
        printf '%s\n' "$want" >"$STAMP"
    fi
    exec 9>&-
}

# Without NGHEDAN_SECRET_KEY, one machine keeps its own key in var/secret-key (mode 600).
ensure_secret_key() {
    if [ -n "${NGHEDAN_SECRET_KEY:-}" ] || [ -n "${NGHEDAN_SECRET_KEY_FILE:-}" ]; then
        return 0
    fi
    local key_file="$VAR_DIR/secret-key"
    mkdir -p "$VAR_DIR"
    if ! [ -s "$key_file" ]; then
        (umask 077 && "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$key_file.new")
        mv "$key_file.new" "$key_file"
        say "Đã tạo khóa bí mật $key_file: hãy giữ và sao lưu nó / Made a secret key in $key_file: keep it and back it up"
    fi
    chmod 600 "$key_file"
    export NGHEDAN_SECRET_KEY_FILE="$key_file"
}

manage() {
    "$PY" "$ROOT/manage.py" "$@"
}
