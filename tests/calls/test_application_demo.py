"""The demo step creates applications through application_submit, once (issue 5)."""

import pytest
from django.core.management import call_command

from calls.demo import DEMO_APPLICANTS, demo_partners, demo_target
from calls.models import Application, ApplicationDocument, CallStatus, RecruitmentCall

pytestmark = pytest.mark.django_db


def test_demo_loads_applications_with_documents_and_is_idempotent(demo_database):
    # demo_database: what a first `load_demo` made of an empty database (tests/conftest.py).
    # 崇明街道's call; the second demo street 华阳街道 has its own, closed (issue 20).
    call = RecruitmentCall.objects.get(street__name="崇明街道")
    assert call.status == CallStatus.PUBLISHED
    assert Application.objects.filter(call=call).count() == len(DEMO_APPLICANTS)
    assert ApplicationDocument.objects.filter(application__call=call).count() >= 2 * len(DEMO_APPLICANTS)
    counts = (
        Application.objects.count(),
        ApplicationDocument.objects.count(),
        RecruitmentCall.objects.count(),
    )
    assert all(a.reference.startswith("MLHH-") for a in Application.objects.all())
    # Only the applicant meant to stay "submitted" is still with its community.
    still_submitted = sorted(p.name for p in demo_partners() if p.status == "submitted")
    assert still_submitted == sorted(p.name for p in demo_partners() if demo_target(p) == "submitted")

    call_command("load_demo", verbosity=0)
    assert (
        Application.objects.count(),
        ApplicationDocument.objects.count(),
        RecruitmentCall.objects.count(),
    ) == counts
