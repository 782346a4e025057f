#!/usr/bin/env bash
# Create .venv if missing and install Nghe Dân with its pinned packages (skipped when nothing
# changed since the last install).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_installed
