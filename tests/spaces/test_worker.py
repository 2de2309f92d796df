"""A list import checked and imported by a real Celery worker on the test Redis."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from portal.xlsx import rows_to_xlsx
from spaces.imports import import_job_confirm, import_job_create, import_job_queue
from spaces.models import ImportJob, ImportStatus, Space
from tests.factories import CommunityFactory, community_staff


def wait_for(job, status, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == status:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job stayed {job.status}, wanted {status}")


@pytest.mark.django_db(transaction=True)
def test_import_job_runs_in_real_worker(celery_worker_thread):
    community = CommunityFactory(name="华阳社区")
    staff = community_staff(community=community)
    rows = [["华阳社区", f"活动室{i}", "20"] for i in range(300)]
    with transaction.atomic():
        job = import_job_create(
            kind="spaces",
            uploaded=SimpleUploadedFile("空间.xlsx", rows_to_xlsx(["社区", "名称", "面积（㎡）"], rows)),
            by=staff,
        )
        import_job_queue(job=job)

    job = wait_for(job, ImportStatus.CHECKED)
    assert (job.total, job.new_count, Space.objects.count()) == (300, 300, 0)

    with transaction.atomic():
        import_job_confirm(job=ImportJob.objects.get(pk=job.pk), by=staff)
    job = wait_for(job, ImportStatus.DONE)
    assert (job.processed, Space.objects.filter(community=community).count()) == (300, 300)
