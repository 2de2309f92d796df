"""A first agreement may not be backdated beyond the street's grace — rulebook 五(三)1 (issue 13)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from agreements.domain import agreement_create, agreement_draft_next_term
from agreements.models import Agreement, AgreementKind
from portal.dates import local_today
from tests.factories import CommunityFactory, community_staff, partner_in_state, street_staff

from .factories import sign_all, trial_partner

pytestmark = pytest.mark.django_db


def refusal(today, days=30):
    earliest = today - dt.timedelta(days=days)
    return (
        f"协议起始日不能早于 {earliest.isoformat()}（起草当天前{days}天）；"
        "协议在公示无异议后签订（办法五（三）1），不得倒签。"
    )


def create(partner, start, **kwargs):
    return agreement_create(
        partner=partner,
        kind=AgreementKind.FIRST,
        start_date=start,
        months=6,
        by=street_staff(street=partner.community.street),
        **kwargs,
    )


@pytest.mark.parametrize("days_ago", [30, 0, -45])
def test_first_agreement_starting_within_the_grace_or_later_is_accepted(days_ago):
    partner = partner_in_state("signing")
    start = local_today() - dt.timedelta(days=days_ago)

    agreement = create(partner, start)

    assert (agreement.start_date, Agreement.objects.count()) == (start, 1)


@pytest.mark.parametrize("days_ago", [31, 150])
def test_first_agreement_starting_before_the_grace_is_refused_and_saves_nothing(days_ago):
    partner = partner_in_state("signing")
    today = local_today()

    with pytest.raises(ValidationError) as refused:
        create(partner, today - dt.timedelta(days=days_ago))

    assert refused.value.message_dict == {"start_date": [refusal(today)]}
    assert Agreement.objects.count() == 0


def test_grace_is_the_streets_number():
    partner = partner_in_state("signing", community=CommunityFactory(street__agreement_start_grace_days=7))
    today = local_today()

    with pytest.raises(ValidationError) as refused:
        create(partner, today - dt.timedelta(days=8))
    assert refused.value.message_dict == {"start_date": [refusal(today, 7)]}

    assert create(partner, today - dt.timedelta(days=7)).start_date == today - dt.timedelta(days=7)


def test_late_renewal_drafted_from_the_previous_term_is_not_held_to_the_grace():
    # The trial ended 60 days ago; its successor starts the day after, whatever today is.
    partner, first = trial_partner(end=local_today() - dt.timedelta(days=60), months=6)

    renewal = agreement_draft_next_term(
        term=first, months=12, by=street_staff(street=partner.community.street)
    )

    assert (renewal.kind, renewal.start_date) == (
        AgreementKind.RENEWAL,
        first.end_date + dt.timedelta(days=1),
    )
    assert sign_all(renewal).status == "signed"


def test_admin_form_refuses_a_backdated_start_keeps_input_then_accepts_the_boundary(client):
    community = CommunityFactory()
    partner = partner_in_state("signing", community=community)
    client.force_login(community_staff(community=community))
    today = local_today()
    form = {
        "partner": partner.pk,
        "kind": "first",
        "start_date": (today - dt.timedelta(days=31)).isoformat(),
        "months": "6",
        "services_description": "每周二下午智能手机课程",
    }

    response = client.post("/admin/agreements/agreement/add/", form)

    page = response.content.decode()
    assert response.status_code == 200
    assert refusal(today) in page
    assert "每周二下午智能手机课程" in page
    assert Agreement.objects.count() == 0

    start = today - dt.timedelta(days=30)
    response = client.post("/admin/agreements/agreement/add/", {**form, "start_date": start.isoformat()})

    assert response.status_code == 302
    assert Agreement.objects.get().start_date == start
