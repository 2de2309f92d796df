.PHONY: run test lint lock bench bench-city diagram reliability

# Run the portal with demo data, a Celery worker and beat (SQLite, embedded broker).
run:
	scripts/run.sh

# The whole test suite against real PostgreSQL, Redis and headless Chromium.
test:
	scripts/test.sh

# Lint and formatting check (needs .venv: scripts/bootstrap.sh or make test first).
lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

# Re-pin the whole dependency tree after changing pyproject.toml.
lock:
	.venv/bin/python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(p['dependencies'] + p['optional-dependencies']['test']))" > var/requirements.in
	.venv/bin/pip install -q -r var/requirements.in && .venv/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

# The city benchmark: a city-sized PostgreSQL (kept in var/bench/), gunicorn, wrk; see benchmarks/README.md.
# Options: make bench-city ARGS="--scale 0.01 --duration 2"
bench-city:
	scripts/bench_city.sh $(ARGS)

bench:
	.venv/bin/python benchmarks/run.py

# Regenerate the state-machine diagram in docs/.
diagram:
	.venv/bin/python manage.py partner_diagram > docs/partner-lifecycle.md

# The reliability probes (reliability/README.md): 32 concurrent submitters, the upload attack set,
# Redis / worker / PostgreSQL stopped during submissions; prints what held. Options: ARGS="--quick".
reliability:
	reliability/run.sh $(ARGS)
