"""The Celery application: one worker and one beat run the portal's periodic work."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The beat schedule lives here, in one place, so the whole rhythm of the
# programme can be read at a glance. Every task is idempotent.
app.conf.beat_schedule = {
    "heartbeat": {"task": "portal.tasks.heartbeat", "schedule": 60.0},
    # The outbox row is the truth: this sweep delivers what a lost nudge or a dead worker left.
    "deliver-outbox": {"task": "messaging.tasks.deliver_outbox", "schedule": 60.0},
    "close-recruitment-calls": {"task": "calls.tasks.close_due_calls", "schedule": 300.0},
    "end-public-notices": {"task": "notices.tasks.end_due_notices", "schedule": 300.0},
    "send-renewal-reminders": {
        "task": "agreements.tasks.send_renewal_reminders",
        "schedule": crontab(minute=0, hour="*/1"),
    },
    # Hourly from 09:20 to 20:20 on the day before a scoring deadline; each reviewer reminded once.
    "send-scoring-reminders": {
        "task": "reviews.tasks.send_scoring_reminders",
        "schedule": crontab(minute=20, hour="9-20"),
    },
    "send-staff-digest": {
        "task": "services.tasks.send_staff_digest",
        "schedule": crontab(minute=30, hour=8),
    },
    "send-monthly-report-reminders": {
        "task": "reports.tasks.send_monthly_report_reminders",
        "schedule": crontab(minute=15, hour=10),
    },
    "send-log-reminders": {
        "task": "services.tasks.send_log_reminders",
        "schedule": crontab(minute=0, hour=10),
    },
    "purge-personal-data": {
        "task": "portal.tasks.purge_personal_data",
        "schedule": crontab(minute=30, hour=3),
    },
    "send-pace-warnings": {
        "task": "services.tasks.send_pace_warnings",
        "schedule": crontab(minute=0, hour=8, day_of_week="mon"),
    },
    "rebuild-dashboard-summaries": {
        "task": "services.tasks.rebuild_summaries",
        "schedule": crontab(minute=5, hour=0),
    },
}


@app.on_after_finalize.connect
def _ensure_broker_folders(sender, **kwargs):
    opts = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
        if opts.get(key):
            os.makedirs(opts[key], exist_ok=True)
