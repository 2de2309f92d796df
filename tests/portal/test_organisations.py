"""Streets, communities, roles and the audit trail (issue 2)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from portal.domain import audit_log, street_update_policy, user_assign_role
from portal.models import AuditEvent, Role
from tests.factories import CommunityFactory, StreetFactory, UserFactory, street_staff


@pytest.mark.django_db
def test_street_defaults_are_the_rulebooks_numbers():
    street = StreetFactory()

    assert (
        street.trial_min_months,
        street.trial_max_months,
        street.renewal_max_months,
        street.renewal_special_max_months,
        street.notice_min_days,
        street.resident_rep_min_share,
        street.renewal_notice_months,
        street.trial_evaluation_window_months,
        street.agreement_start_grace_days,
    ) == (6, 12, 24, 36, 5, Decimal("0.30"), 2, 1, 30)
    assert street.policy_deviations() == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("notice_min_days", 4),
        ("resident_rep_min_share", Decimal("0.29")),
        ("trial_min_months", 5),
        ("trial_max_months", 13),
        ("renewal_max_months", 25),
        ("renewal_special_max_months", 37),
        ("renewal_notice_months", 1),
        ("trial_evaluation_window_months", 2),
        ("agreement_start_grace_days", 31),
    ],
)
def test_only_a_superuser_may_configure_looser_than_the_rulebook(field, value):
    street = StreetFactory()
    staff = street_staff(street=street)
    root = UserFactory(is_superuser=True, is_staff=True)

    with pytest.raises(ValidationError) as refused:
        street_update_policy(street=street, by=staff, values={field: value})
    assert field in refused.value.message_dict
    street.refresh_from_db()
    assert getattr(street, field) != value

    street_update_policy(street=street, by=root, values={field: value})
    street.refresh_from_db()
    assert getattr(street, field) == value


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"), [("trial_evaluation_window_months", 1), ("agreement_start_grace_days", 30)]
)
def test_new_numbers_at_the_rulebook_value_are_anyones_to_set(field, value):
    street = StreetFactory(**{field: value + 1})

    street_update_policy(street=street, by=street_staff(street=street), values={field: value})

    street.refresh_from_db()
    assert getattr(street, field) == value


@pytest.mark.django_db
def test_stricter_than_the_rulebook_is_anyones_to_set():
    street = StreetFactory()

    street_update_policy(
        street=street,
        by=street_staff(street=street),
        values={"notice_min_days": 7, "resident_rep_min_share": Decimal("0.40")},
    )

    street.refresh_from_db()
    assert (street.notice_min_days, street.resident_rep_min_share) == (7, Decimal("0.40"))
    assert AuditEvent.objects.filter(action="portal.street.policy_changed").count() == 1


@pytest.mark.django_db
def test_admin_form_refuses_a_looser_notice_for_street_staff(client):
    street = StreetFactory()
    staff = street_staff(street=street)
    staff.is_staff = True
    staff.user_permissions.add(
        *__import__("django.contrib.auth.models", fromlist=["Permission"]).Permission.objects.filter(
            codename__in=["view_street", "change_street"]
        )
    )
    client.force_login(staff)
    data = {
        f: getattr(street, f)
        for f in [
            "name",
            "kind",
            "programme_name",
            "social_work_station",
            "address",
            "contact_phone",
            "trial_min_months",
            "trial_max_months",
            "renewal_max_months",
            "renewal_special_max_months",
            "resident_rep_min_share",
            "renewal_notice_months",
            "trial_evaluation_window_months",
            "agreement_start_grace_days",
        ]
    }
    data["notice_min_days"] = 3

    response = client.post(f"/admin/portal/street/{street.pk}/change/", data)

    assert response.status_code == 200
    assert "办法规定公示时间不少于5天。" in response.content.decode()
    street.refresh_from_db()
    assert street.notice_min_days == 5


@pytest.mark.django_db
def test_assigning_a_role_sets_group_scope_and_admin_access():
    community = CommunityFactory()
    user = UserFactory()

    user_assign_role(user=user, role=Role.COMMUNITY_STAFF, community=community)
    user.refresh_from_db()

    assert (user.profile.role, user.profile.community, user.profile.street) == (
        Role.COMMUNITY_STAFF,
        community,
        community.street,
    )
    assert list(user.groups.values_list("name", flat=True)) == [Role.COMMUNITY_STAFF]
    assert user.is_staff

    user_assign_role(user=user, role=Role.OBSERVER, community=community)
    user.refresh_from_db()
    assert list(user.groups.values_list("name", flat=True)) == [Role.OBSERVER]
    assert not user.is_staff
    assert Group.objects.filter(name=Role.COMMUNITY_STAFF).exists()


@pytest.mark.django_db
def test_community_staff_role_requires_a_community():
    with pytest.raises(ValidationError):
        user_assign_role(user=UserFactory(), role=Role.COMMUNITY_STAFF, street=StreetFactory())


@pytest.mark.django_db
def test_audit_events_are_append_only(client):
    street = StreetFactory()
    event = audit_log(subject=street, action="portal.street.policy_changed", note="first")

    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(note="changed")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(f"/admin/portal/auditevent/{event.pk}/delete/").status_code == 403
    assert client.post(f"/admin/portal/auditevent/{event.pk}/change/", {"note": "x"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).note == "first"


@pytest.mark.django_db
def test_api_schema_and_docs_are_served(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/").status_code == 200


@pytest.mark.django_db
def test_database_refuses_raw_updates_of_the_audit_trail():
    from django.db import connection, transaction
    from django.db.utils import InternalError

    from tests.factories import partner_in_state

    event = audit_log(subject=StreetFactory(), action="portal.street.policy_changed", note="first")
    partner = partner_in_state("vetting")

    with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE portal_auditevent SET note = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM partners_partnertransition")
    assert AuditEvent.objects.get(pk=event.pk).note == "first"
    assert partner.transitions.count() == 1


def test_openapi_schema_generates_without_warnings():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null"],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr[-2000:]
