"""The partner is told once that the agreement is ready to sign — rulebook 五(三)1 (issue 17)."""

import datetime as dt

import pytest

from agreements.domain import agreement_clauses_update, agreement_supplement_create, agreement_timeslot_add
from messaging.models import OutboxMessage
from portal.dates import local_today
from tests.factories import SpaceFactory, partner_in_state, street_staff

from .factories import draft_agreement, sign_all

pytestmark = pytest.mark.django_db

CODE = "agreements.ready_to_sign"


def _told(agreement) -> list[tuple[str, str]]:
    return sorted(
        OutboxMessage.objects.filter(
            code=CODE, key__startswith=f"agreements.agreement:{agreement.pk}|"
        ).values_list("channel", "recipient")
    )


def test_draft_without_a_time_slot_is_not_ready_and_the_first_slot_makes_it_ready():
    partner = partner_in_state("signing")
    staff = street_staff(street=partner.community.street)
    agreement = draft_agreement(partner, by=staff, with_slot=False)
    assert _told(agreement) == []

    space = SpaceFactory(community=partner.community)
    agreement_timeslot_add(
        agreement=agreement, space=space, weekday=1, start_time=dt.time(14), end_time=dt.time(16), by=staff
    )

    application = partner.application
    expected = [("email", application.email)] + ([("sms", application.mobile)] if application.mobile else [])
    assert _told(agreement) == sorted(expected)
    row = OutboxMessage.objects.get(code=CODE, channel="email")
    assert agreement.number in row.body
    assert (row.partner_id, row.community_id, row.status) == (partner.pk, partner.community_id, "pending")


def test_draft_without_targets_is_not_ready():
    partner = partner_in_state("signing")

    agreement = draft_agreement(partner, targets=[])

    assert _told(agreement) == []


def test_later_changes_to_a_ready_draft_tell_the_partner_no_second_time():
    partner = partner_in_state("signing")
    staff = street_staff(street=partner.community.street)
    agreement = draft_agreement(partner, by=staff)
    told = _told(agreement)
    assert told

    agreement_timeslot_add(
        agreement=agreement,
        space=agreement.timeslots.first().space,
        weekday=3,
        start_time=dt.time(9),
        end_time=dt.time(11),
        by=staff,
    )
    agreement_clauses_update(agreement=agreement, values={"partner_costs": "水电费由社区承担。"}, by=staff)

    assert _told(agreement) == told
    assert OutboxMessage.objects.filter(code=CODE).count() == len(told)


def test_a_supplement_is_ready_when_drafted():
    partner = partner_in_state("signing")
    staff = street_staff(street=partner.community.street)
    term = sign_all(draft_agreement(partner, by=staff), by=staff)

    supplement = agreement_supplement_create(
        agreement=term, effective_from=local_today(), services_description="增加周末亲子阅读活动。", by=staff
    )

    assert _told(supplement) != []
