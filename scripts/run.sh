#!/usr/bin/env bash
# `make run`: the portal on embedded defaults (SQLite, filesystem broker) with
# the web server, a Celery worker and Celery beat; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh run
export DJANGO_SETTINGS_MODULE=config.settings.dev
PY=.venv/bin/python

$PY manage.py migrate --noinput -v0
$PY manage.py load_demo
mkdir -p var/log

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping web, workers and beat…"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

.venv/bin/celery -A config worker -Q celery -n worker@%h --loglevel=INFO --concurrency=2 >var/log/worker.log 2>&1 &
pids+=($!)
# PDFs and the dossier's ZIP/XLSX (the "pdf" queue): one at a time, the child replaced after a
# task that left it above 450 MB (README, Production).
.venv/bin/celery -A config worker -Q pdf -n pdf@%h --loglevel=INFO --concurrency=1 --prefetch-multiplier=1 \
  --max-memory-per-child=450000 >var/log/pdf-worker.log 2>&1 &
pids+=($!)
.venv/bin/celery -A config beat --loglevel=INFO --schedule=var/celerybeat-schedule >var/log/beat.log 2>&1 &
pids+=($!)
$PY manage.py runserver 127.0.0.1:8000 --noreload &
pids+=($!)

cat <<MSG

  睦邻合伙人 portal is running
  ---------------------------
  Residents' notice board  http://127.0.0.1:8000/
  Admin (staff)            http://127.0.0.1:8000/admin/
  Reviewers' scoring page  http://127.0.0.1:8000/review/
  API docs                 http://127.0.0.1:8000/api/docs/
  Health                   http://127.0.0.1:8000/healthz

  Demo log-ins (password for all: mulin-demo-2026)
    admin        superuser
    jiedao       street staff (崇明街道 党建工作办公室)
    dangzheng    street staff (党政和人大办公室)
    zhengfa      street staff (政法和社会事业办公室)
    jijian       street staff (纪检室)
    shegongzhan  street staff (街道社工站)
    shequ1       community staff (华阳社区)
    pingshen1    reviewer (expert panel)
    guanchayuan  community observer

  Worker and beat logs: var/log/worker.log, var/log/beat.log
  Press Ctrl-C to stop all three.

MSG
wait -n "${pids[@]}" || true
