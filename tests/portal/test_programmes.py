"""Programme presets (issue 20): a street adopts what the other four policies add.

The pieces themselves (surveys, reports, time bank, organisations) test their own
presets; here: the application is checked, audited and offered to the street's staff.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.domain import street_programmes_apply
from portal.features import Programme, feature_models
from portal.models import AuditEvent
from tests.factories import StreetFactory, UserFactory, street_staff

pytestmark = pytest.mark.django_db


def test_an_unknown_programme_is_refused_and_nothing_is_recorded():
    street = StreetFactory()
    with pytest.raises(ValidationError, match="没有这种方案预设：hangzhou"):
        street_programmes_apply(street=street, programmes=["hangzhou"], by=None)
    assert not AuditEvent.objects.filter(action="portal.street.programmes_applied").exists()


def test_applying_presets_is_audited_with_the_programmes_and_what_is_on():
    street = StreetFactory()
    enabled = street_programmes_apply(street=street, programmes=[Programme.CHENGDU], by=None)
    event = AuditEvent.objects.get(action="portal.street.programmes_applied", object_id=str(street.pk))
    assert event.note == "成都社区合伙人"
    assert event.data == {"programmes": ["chengdu"], "enabled": enabled}
    for model in feature_models():
        assert model.for_street(street).enabled == bool(model.PRESETS.get("chengdu", {}).get("enabled"))


def test_the_chongming_preset_turns_every_piece_off():
    street = StreetFactory()
    street_programmes_apply(
        street=street, programmes=[p for p in Programme.values if p != "chongming"], by=None
    )
    assert street_programmes_apply(street=street, programmes=[], by=None) == []
    assert (
        AuditEvent.objects.filter(action="portal.street.programmes_applied").order_by("pk").last().note
        == "崇明睦邻合伙人（默认）"
    )
    assert not any(model.for_street(street).enabled for model in feature_models())


def test_street_staff_adopt_a_preset_from_the_street_list(client):
    staff = street_staff()
    street = staff.profile.street
    client.force_login(staff)
    response = client.post(
        reverse("admin:portal_street_changelist"),
        {"action": "apply_programme_jinjiang", "_selected_action": [street.pk]},
        follow=True,
    )
    assert f"{street}已采用晋江共建共享" in response.content.decode()
    assert AuditEvent.objects.filter(action="portal.street.programmes_applied", actor=staff).exists()


def test_street_staff_cannot_adopt_a_preset_for_another_street(client):
    other = StreetFactory()
    staff = street_staff()
    client.force_login(staff)
    client.post(
        reverse("admin:portal_street_changelist"),
        {"action": "apply_programme_chengdu", "_selected_action": [other.pk]},
    )
    assert not AuditEvent.objects.filter(action="portal.street.programmes_applied").exists()


def test_reviewers_are_not_offered_the_presets(client):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    response = client.get(reverse("admin:portal_street_changelist"))
    assert "apply_programme_" not in response.content.decode()
