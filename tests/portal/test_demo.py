"""The demo data: every stage of the lifecycle is shown, and loading twice adds nothing."""

import pytest
from django.apps import apps
from django.core.management import call_command

from calls.demo import DEMO_APPLICANTS, demo_partners, demo_target


def row_counts():
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.label not in ("sessions.Session", "portal.Heartbeat")
    }


@pytest.mark.django_db
def test_demo_puts_a_partner_at_every_stage_and_is_idempotent(
    demo_database, django_capture_on_commit_callbacks
):
    # demo_database: what a first `load_demo` made of an empty database (tests/conftest.py).
    first = row_counts()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", verbosity=0)

    assert row_counts() == first
    partners = list(demo_partners())
    assert len(partners) == len(DEMO_APPLICANTS)
    assert {(p.application.applicant_name, p.status) for p in partners} == {
        (p.application.applicant_name, demo_target(p)) for p in partners
    }
    assert {demo_target(p) for p in partners} >= {
        "submitted",
        "vetting",
        "shortlisted",
        "rejected",
        "scored",
        "approved",
        "not_selected",
        "in_notice",
        "signing",
        "trial",
        "active",
        "renewal_due",
        "exited",
    }
