# Production image: the same code as `make run`, on PostgreSQL + Redis + gunicorn.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORTAL_VAR_DIR=/var/lib/portal

# WeasyPrint needs Pango; Chinese PDFs need a CJK font; gettext compiles translations.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-noto-cjk gettext curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN DJANGO_SETTINGS_MODULE=config.settings.dev python manage.py compilemessages -v0 --ignore=.venv \
 && useradd --system --home /var/lib/portal portal && mkdir -p /var/lib/portal \
 && chown -R portal /var/lib/portal
USER portal
EXPOSE 8000
