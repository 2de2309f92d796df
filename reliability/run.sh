#!/usr/bin/env bash
# `make reliability`: the probes of issue 18 against a live gunicorn, PostgreSQL, Redis and a
# Celery worker that reliability/probes.py starts (and stops, for the faults) in a temporary
# folder. Prints a table of what held. Options: reliability/probes.py --help.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
exec .venv/bin/python reliability/probes.py "$@"
