#!/usr/bin/env bash
# Prepare this machine for the portal: system packages, the virtualenv, the
# Python packages from requirements.lock, compiled translations.
# Usage: scripts/bootstrap.sh [run|test]   (test also installs PostgreSQL, Redis, Chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}
PYTHON=${PYTHON:-python3}

run_packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext)
test_packages=(postgresql redis-server chromium poppler-utils)

missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

install_system_packages() {
  command -v dpkg-query >/dev/null || { echo "bootstrap: not a Debian/Ubuntu system; install $* yourself" >&2; return 0; }
  local missing
  missing=$(missing_packages "$@")
  [ -z "$missing" ] && return 0
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      echo "bootstrap: please install these Debian packages: $missing" >&2
      [ "$mode" = test ] && return 1 || return 0
    fi
  fi
  echo "bootstrap: installing Debian packages: $missing"
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

install_system_packages "${run_packages[@]}"
[ "$mode" = test ] && install_system_packages "${test_packages[@]}"

if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.lock | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "bootstrap: installing Python packages from requirements.lock"
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.lock 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory" || true
  .venv/bin/python -c "import django, django_fsm, celery, weasyprint" # fail loudly if incomplete
  echo "$want" > "$stamp"
fi

# Translations are compiled, not committed.
if command -v msgfmt >/dev/null; then
  .venv/bin/python manage.py compilemessages -v0 --ignore=.venv --ignore=var >/dev/null
fi
