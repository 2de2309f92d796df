"""PIPL retention (portal/retention.py and each app's retention.py): erased at the end of the
period, not a second earlier; files deleted, fields blanked, one audit event per record."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from calls.models import Application, ApplicationDocument
from notices.models import Objection
from organisations.models import FilingStatus, Organisation, Tier
from portal.models import AuditEvent
from portal.retention import personal_data_purge, retention_cutoff
from portal.tasks import purge_personal_data
from services.models import Feedback
from tests.calls.factories import submitted_application
from tests.factories import CommunityFactory, partner_in_state, walk_partner
from tests.notices.factories import approved_partner, file_objection, published_notice, setting
from tests.timebank.factories import individual_partner, submitted_log, timebank_street, volunteer
from timebank.models import Volunteer, VolunteerCredit

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2027, 3, 15, 12, 0))
SECOND = dt.timedelta(seconds=1)


def decided(state, at):
    """An application with its documents whose partner reached `state` at `at`."""
    application = submitted_application()
    # Exit needs an evaluation and a reason (services); its record is beside the point here.
    walk_partner(application.partner, "trial" if state == "exited" else state)
    type(application.partner).objects.filter(pk=application.partner_id).update(
        status=state, status_changed_at=at
    )
    application.refresh_from_db()
    return application


def erased_events(action):
    return AuditEvent.objects.filter(action=action)


def test_cutoff_is_calendar_months_before_now():
    assert retention_cutoff(6, now=NOW) == timezone.make_aware(dt.datetime(2026, 9, 15, 12, 0))


def test_rejected_applicant_erased_one_second_past_the_period_and_not_at_it():
    cutoff = retention_cutoff(6, now=NOW)
    old = decided("rejected", cutoff - SECOND)
    at_limit = decided("rejected", cutoff)
    files = [Path(d.file.path) for d in old.documents.all()]
    assert files and all(f.exists() for f in files)

    counts = personal_data_purge(now=NOW)

    assert counts["unsuccessful_applications"] == 1
    old.refresh_from_db()
    assert (old.id_number, old.mobile, old.email, old.address) == ("", "", "", "")
    assert old.applicant_name and old.project_title  # the record of the call stays
    assert not ApplicationDocument.objects.filter(application=old).exists()
    assert not any(f.exists() for f in files)
    at_limit.refresh_from_db()
    assert at_limit.mobile == "13812345678"
    assert at_limit.documents.count() == 2
    event = erased_events("calls.application.personal_data_erased").get()
    assert event.object_id == str(old.pk)
    assert event.data == {"documents_deleted": 2, "fields_blanked": ["mobile", "email", "address"]}
    assert "13812345678" not in str(event.data) + event.note


def test_not_selected_and_withdrawn_applicants_erased_too():
    cutoff = retention_cutoff(6, now=NOW)
    not_selected = decided("not_selected", cutoff - SECOND)
    withdrawn = decided("withdrawn", cutoff - SECOND)

    assert personal_data_purge(now=NOW)["unsuccessful_applications"] == 2

    for application in (not_selected, withdrawn):
        application.refresh_from_db()
        assert application.mobile == ""
        assert application.documents.count() == 0


def test_serving_partner_older_than_the_period_untouched():
    cutoff = retention_cutoff(60, now=NOW)
    serving = decided("trial", cutoff - dt.timedelta(days=400))

    personal_data_purge(now=NOW)

    serving.refresh_from_db()
    assert serving.mobile == "13812345678"
    assert serving.documents.count() == 2
    assert not AuditEvent.objects.filter(action__endswith="personal_data_erased").exists()


def test_dry_run_counts_and_changes_nothing_and_a_second_run_erases_nothing():
    old = decided("rejected", retention_cutoff(6, now=NOW) - SECOND)

    assert personal_data_purge(now=NOW, dry_run=True)["unsuccessful_applications"] == 1
    old.refresh_from_db()
    assert old.mobile == "13812345678"
    assert not erased_events("calls.application.personal_data_erased").exists()

    assert personal_data_purge(now=NOW)["unsuccessful_applications"] == 1
    assert personal_data_purge(now=NOW)["unsuccessful_applications"] == 0
    assert erased_events("calls.application.personal_data_erased").count() == 1


def test_retention_period_comes_from_settings(settings):
    settings.PORTAL_RETENTION_MONTHS = {**settings.PORTAL_RETENTION_MONTHS, "unsuccessful_applications": 1}
    one_month = decided("rejected", retention_cutoff(1, now=NOW) - SECOND)

    assert personal_data_purge(now=NOW)["unsuccessful_applications"] == 1
    one_month.refresh_from_db()
    assert one_month.mobile == ""


def test_exited_partner_contacts_blanked_after_the_period_documents_kept():
    cutoff = retention_cutoff(60, now=NOW)
    old = decided("exited", cutoff - SECOND)
    at_limit = decided("exited", cutoff)

    assert personal_data_purge(now=NOW)["exited_partner_contacts"] == 1

    old.refresh_from_db()
    at_limit.refresh_from_db()
    assert (old.mobile, old.email) == ("", "")
    assert old.documents.count() == 2  # the project archive (六(二)1) keeps its documents
    assert at_limit.mobile == "13812345678"
    event = erased_events("calls.application.personal_data_erased").get()
    assert event.data["documents_deleted"] == 0


def test_objector_phone_blanked_after_the_period_from_conclusion():
    community, staff = setting()
    notice = published_notice(staff=staff, partners=[approved_partner(community)])
    old, at_limit, open_one = (file_objection(notice, objector_phone=f"1370000111{n}") for n in range(3))
    cutoff = retention_cutoff(12, now=NOW)
    Objection.objects.filter(pk=old.pk).update(status="rejected", concluded_at=cutoff - SECOND)
    Objection.objects.filter(pk=at_limit.pk).update(status="rejected", concluded_at=cutoff)

    assert personal_data_purge(now=NOW)["objector_phones"] == 1

    phones = dict(Objection.objects.values_list("pk", "objector_phone"))
    assert phones == {old.pk: "", at_limit.pk: "13700001111", open_one.pk: "13700001112"}
    event = erased_events("notices.objection.personal_data_erased").get()
    assert (event.object_id, event.community) == (str(old.pk), community)


def test_feedback_contact_blanked_after_the_period():
    partner = partner_in_state("trial")
    cutoff = retention_cutoff(12, now=NOW)
    old, at_limit = (
        Feedback.objects.create(partner=partner, rating=5, comment="很好", contact="13600002222")
        for _ in range(2)
    )
    Feedback.objects.filter(pk=old.pk).update(created_at=cutoff - SECOND)
    Feedback.objects.filter(pk=at_limit.pk).update(created_at=cutoff)

    assert personal_data_purge(now=NOW)["feedback_contacts"] == 1

    assert dict(Feedback.objects.values_list("pk", "contact")) == {old.pk: "", at_limit.pk: "13600002222"}
    assert Feedback.objects.get(pk=old.pk).comment == "很好"
    assert erased_events("services.feedback.personal_data_erased").get().object_id == str(old.pk)


def test_command_dry_run_reports_each_kind_and_erases_nothing(capsys):
    old = decided("rejected", timezone.now() - dt.timedelta(days=400))

    call_command("purge_personal_data", "--dry-run")

    out = capsys.readouterr().out
    assert "unsuccessful_applications (kept 6 months): 1 due" in out
    assert "feedback_contacts (kept 12 months): 0 due" in out
    assert Application.objects.get(pk=old.pk).mobile == "13812345678"


def test_nightly_task_erases():
    old = decided("rejected", timezone.now() - dt.timedelta(days=400))

    purge_personal_data.delay()

    assert Application.objects.get(pk=old.pk).mobile == ""


def test_nightly_task_is_in_the_beat_schedule():
    from config.celery import app

    assert app.conf.beat_schedule["purge-personal-data"]["task"] == "portal.tasks.purge_personal_data"


def test_volunteer_mobile_blanked_when_neither_registration_nor_credit_is_recent():
    """Time bank volunteers (timebank/retention.py): the last credited hour restarts the period."""

    cutoff = retention_cutoff(24, now=NOW)
    community = CommunityFactory(street=timebank_street())
    gone, helping, at_limit = (
        volunteer(community, name=name, mobile=f"1391111000{i}") for i, name in enumerate(["甲", "乙", "丙"])
    )
    Volunteer.objects.filter(pk__in=[gone.pk, helping.pk]).update(created_at=cutoff - SECOND)
    Volunteer.objects.filter(pk=at_limit.pk).update(created_at=cutoff)
    partner, agreement, space = individual_partner(community)
    log = submitted_log(partner, agreement, space)
    VolunteerCredit.objects.create(log=log, volunteer=helping, hours="2")  # credited now

    assert personal_data_purge(now=NOW)["volunteer_contacts"] == 1

    assert dict(Volunteer.objects.values_list("name", "mobile")) == {
        "甲": "",
        "乙": "13911110001",
        "丙": "13911110002",
    }
    assert erased_events("timebank.volunteer.personal_data_erased").get().object_id == str(gone.pk)
    assert personal_data_purge(now=NOW)["volunteer_contacts"] == 0


def test_revoked_organisations_contact_blanked_after_the_period_others_kept():
    """长宁 registry (organisations/retention.py): only teams whose filing was revoked."""

    cutoff = retention_cutoff(60, now=NOW)
    community = CommunityFactory()

    def team(name, status):
        return Organisation.objects.create(
            community=community,
            name=name,
            tier=Tier.ACTIVITY_TEAM,
            contact_name="张三丰",
            contact_phone="13800001111",
            filing_status=status,
        )

    revoked, revoked_lately, filed = (
        team("旧舞蹈队", FilingStatus.REVOKED),
        team("新舞蹈队", FilingStatus.REVOKED),
        team("合唱队", FilingStatus.FILED),
    )
    Organisation.objects.filter(pk__in=[revoked.pk, filed.pk]).update(updated_at=cutoff - SECOND)
    Organisation.objects.filter(pk=revoked_lately.pk).update(updated_at=cutoff)

    assert personal_data_purge(now=NOW, dry_run=True)["organisation_contacts"] == 1
    assert personal_data_purge(now=NOW)["organisation_contacts"] == 1

    contacts = {o.name: (o.contact_name, o.contact_phone) for o in Organisation.objects.all()}
    assert contacts == {
        "旧舞蹈队": ("", ""),
        "新舞蹈队": ("张三丰", "13800001111"),
        "合唱队": ("张三丰", "13800001111"),
    }
    assert erased_events("organisations.organisation.personal_data_erased").get().object_id == str(revoked.pk)
