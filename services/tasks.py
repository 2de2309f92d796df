"""Periodic work of the services app (scheduled in config/celery.py)."""

from celery import shared_task


@shared_task(name="services.tasks.send_pace_warnings")
def send_pace_warnings():
    """Weekly 预警: partners behind pace on their targets. Safe to run twice."""
    # deferred: Celery task module imports domain (HackSoft pattern)
    from .domain import pace_warnings_send

    return pace_warnings_send()
