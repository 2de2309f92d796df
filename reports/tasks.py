from celery import shared_task


@shared_task(name="reports.tasks.send_monthly_report_reminders")
def send_monthly_report_reminders():
    """Daily; on each street's reminder day, last month's reports are compiled and partners reminded."""
    # deferred: Celery task module imports domain (HackSoft pattern)
    from .domain import monthly_reports_remind

    return monthly_reports_remind()
