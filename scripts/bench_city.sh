#!/usr/bin/env bash
# `make bench-city`: the city benchmark (benchmarks/README.md).
# PostgreSQL keeps its data in var/bench/pg, so each city is generated once
# (one database per scale, mulin_city_<scale>); Redis is throw-away. Both listen
# on free loopback ports. Usage: scripts/bench_city.sh [--scale 0.01] [--duration 10]
# [--skip load,uncached,jobs,counts] (benchmarks/city_run.py --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null
PY=.venv/bin/python
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

bench=$(pwd)/var/bench
work=$(mktemp -d /tmp/mulin-bench.XXXXXX)
chmod 755 "$work"
pg_port=$(free_port)
redis_port=$(free_port)
cleanup() {
  set +e
  [ -f "$work/redis.pid" ] && kill "$(cat "$work/redis.pid")" 2>/dev/null
  (cd /tmp && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$bench/pg" -m fast stop >/dev/null 2>&1)
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$bench" "$work/pgsock" "$work/redis" "$work/var"
chown postgres:postgres "$work/pgsock"
if [ ! -f "$bench/pg/PG_VERSION" ]; then
  mkdir -p "$bench/pg" && chown postgres:postgres "$bench/pg"
  (cd /tmp && runuser -u postgres -- "$PGBIN/initdb" -D "$bench/pg" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null)
fi
# Durability off: the city is regenerated if the machine crashes mid-run.
(cd /tmp && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$bench/pg" -l "$work/pgsock/pg.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work/pgsock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=256MB -c maintenance_work_mem=256MB" \
  start >/dev/null)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --dir "$work/redis" --pidfile "$work/redis.pid" >/dev/null
for _ in $(seq 50); do [ -f "$work/redis.pid" ] && break; sleep 0.1; done

# benchmarks/city_run.py picks the database of the scale (mulin_city_1, mulin_city_0_01, …).
export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"
export CACHE_URL="rediscache://127.0.0.1:$redis_port/2"
export CELERY_BROKER_URL="redis://127.0.0.1:$redis_port/1"
export PORTAL_VAR_DIR="$work/var"
export BENCH_DIR="$bench"
export DJANGO_STATIC_ROOT="$bench/static"
DJANGO_SETTINGS_MODULE=config.settings.bench $PY manage.py collectstatic --noinput -v0
echo "bench services: PostgreSQL 127.0.0.1:$pg_port (data $bench/pg), Redis 127.0.0.1:$redis_port"
${BENCH_ENTRY:-$PY benchmarks/city_run.py} "$@"
