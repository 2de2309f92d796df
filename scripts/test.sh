#!/usr/bin/env bash
# `make test`: the whole suite against a throw-away PostgreSQL and Redis on
# loopback (free ports, temporary directories) and Debian's headless Chromium.
# Extra arguments go to pytest, e.g. scripts/test.sh tests/partners -x
# Tests run in parallel (pytest-xdist: one worker per core, at most 4, each module on one
# worker); `scripts/test.sh -n 0 ...` (or any -n/--numprocesses of your own) overrides that.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
PY=.venv/bin/python
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

work=$(mktemp -d /tmp/mulin-test.XXXXXX)
chmod 755 "$work"
pg_port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis_port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

cleanup() {
  set +e
  [ -f "$work/redis.pid" ] && kill "$(cat "$work/redis.pid")" 2>/dev/null
  [ -d "$work/pg" ] && (cd /tmp && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1)
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/pg" "$work/pgsock" "$work/redis" "$work/var"
chown postgres:postgres "$work/pg" "$work/pgsock"
(cd /tmp && runuser -u postgres -- "$PGBIN/initdb" -D "$work/pg" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null)
(cd /tmp && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$work/pg" -l "$work/pgsock/pg.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work/pgsock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null)
# 64 databases: each xdist worker uses its own three (config/settings/test.py).
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --databases 64 \
  --dir "$work/redis" --pidfile "$work/redis.pid" >/dev/null
for _ in $(seq 50); do [ -f "$work/redis.pid" ] && break; sleep 0.1; done

export DJANGO_SETTINGS_MODULE=config.settings.test
export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/mulin"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
export CELERY_BROKER_URL="redis://127.0.0.1:$redis_port/1"
export CACHE_REDIS_URL="redis://127.0.0.1:$redis_port/2"
export PORTAL_VAR_DIR="$work/var"
export CHROMIUM_EXECUTABLE=/usr/bin/chromium
export DJANGO_ALLOW_ASYNC_UNSAFE=true

echo "test services: PostgreSQL 127.0.0.1:$pg_port, Redis 127.0.0.1:$redis_port"
parallel=(-n auto --maxprocesses 4 --dist loadscope)
for arg in "$@"; do
  case "$arg" in -n|-n*|--numprocesses|--numprocesses=*|no:xdist) parallel=() ;; esac
done
set +e
.venv/bin/python -m pytest ${parallel[@]+"${parallel[@]}"} "$@"
status=$?
set -e
exit $status
