"""The registry's write functions: tiers, the street's filing (备案), the committee's record, links."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from organisations.domain import (
    organisation_file,
    organisation_filing_revoke,
    organisation_register,
    organisation_update,
    organisations_public,
)
from organisations.models import FilingStatus, Organisation, Tier
from partners.domain import partner_organisation_link
from portal.dates import local_today
from portal.domain import street_programmes_apply
from portal.exceptions import ActionRefused
from portal.features import Programme
from portal.models import AuditEvent
from tests.factories import CommunityFactory, PartnerFactory, community_staff, street_staff
from tests.organisations.factories import OrganisationFactory, registry_on

pytestmark = pytest.mark.django_db

CREDIT_CODE = "51310105MJ4567890X"


@pytest.fixture
def community():
    community = CommunityFactory()
    registry_on(community.street)
    return community


def register(community, by=None, **data):
    return organisation_register(community=community, data={"name": "南门睦邻合唱团", **data}, by=by)


def test_the_changning_preset_turns_the_registry_on_and_chongming_off():
    community = CommunityFactory()
    street_programmes_apply(street=community.street, programmes=[Programme.CHANGNING], by=None)
    register(community, tier=Tier.ACTIVITY_TEAM)
    street_programmes_apply(street=community.street, programmes=[], by=None)

    with pytest.raises(ValidationError) as refused:
        register(community, name="北山书画社", tier=Tier.ACTIVITY_GROUP)

    assert refused.value.message_dict == {"community": [f"{community.street}未启用社区组织名录。"]}
    assert Organisation.objects.filter(community=community).count() == 1  # the record is kept


def test_a_registered_organisation_needs_its_credit_code_and_legal_form(community):
    with pytest.raises(ValidationError) as refused:
        register(community, tier=Tier.REGISTERED)

    assert set(refused.value.message_dict) == {"credit_code", "legal_form"}
    assert not Organisation.objects.exists()


def test_a_registered_organisation_is_entered_with_its_code_and_grade(community):
    staff = street_staff(street=community.street)
    organisation = register(
        community,
        by=staff,
        tier=Tier.REGISTERED,
        credit_code=CREDIT_CODE.lower(),
        legal_form="social_service",
        rating="3A",
    )

    assert (organisation.credit_code, organisation.rating) == (CREDIT_CODE, "3A")
    event = AuditEvent.objects.get(action="organisations.organisation.registered")
    assert (event.actor, event.note) == (staff, "注册社会组织：南门睦邻合唱团")


@pytest.mark.parametrize(
    "code, valid",
    [
        (CREDIT_CODE, True),
        (CREDIT_CODE[:-1], False),  # 17 characters: one short
        (CREDIT_CODE + "1", False),  # 19: one more (the field holds 18)
        ("51310105MJ4567890I", False),  # I is not used in the code
    ],
)
def test_the_credit_code_is_eighteen_characters_of_the_standard(community, code, valid):
    data = {"tier": Tier.REGISTERED, "credit_code": code, "legal_form": "social_group"}
    if valid:
        assert register(community, **data).credit_code == code
    else:
        with pytest.raises(ValidationError) as refused:
            register(community, **data)
        assert "credit_code" in refused.value.message_dict


def test_only_registered_organisations_carry_a_code_or_grade(community):
    with pytest.raises(ValidationError) as refused:
        register(community, tier=Tier.ACTIVITY_TEAM, credit_code=CREDIT_CODE, rating="4A")

    assert refused.value.message_dict == {
        "credit_code": ["只有注册社会组织填写此项。"],
        "rating": ["只有注册社会组织填写此项。"],
    }


def test_an_activity_group_is_recorded_by_the_residents_committee(community):
    staff = community_staff(community=community)

    group = register(community, by=staff, name="北山编织小组", tier=Tier.ACTIVITY_GROUP, members_count=8)

    assert (group.recorded_on, group.recorded_by, group.filing_status) == (
        local_today(),
        staff,
        FilingStatus.NOT_FILED,
    )


def test_community_staff_cannot_register_in_another_community(community):
    other = CommunityFactory(street=community.street)

    with pytest.raises(ActionRefused):
        register(community, by=community_staff(community=other), tier=Tier.ACTIVITY_GROUP)


def test_the_street_files_an_activity_team(community):
    staff = street_staff(street=community.street)
    team = register(community, tier=Tier.ACTIVITY_TEAM)

    organisation_file(organisation=team, number="CN-HY-2026-001", filed_on=local_today(), by=staff)

    team.refresh_from_db()
    assert (team.filing_status, team.filing_number, team.filed_on) == (
        FilingStatus.FILED,
        "CN-HY-2026-001",
        local_today(),
    )
    event = AuditEvent.objects.get(action="organisations.organisation.filed")
    assert (event.from_state, event.to_state, event.actor) == ("not_filed", "filed", staff)


def test_filing_is_the_streets_not_the_communitys(community):
    team = register(community, tier=Tier.ACTIVITY_TEAM)

    with pytest.raises(ActionRefused, match="群众活动团队由街道备案"):
        organisation_file(
            organisation=team, number="1", filed_on=local_today(), by=community_staff(community=community)
        )


@pytest.mark.parametrize("days, refused", [(-1, False), (0, False), (1, True)])
def test_the_filing_date_is_today_at_the_latest(community, days, refused):
    team = register(community, tier=Tier.ACTIVITY_TEAM)
    day = local_today() + dt.timedelta(days=days)
    if refused:
        with pytest.raises(ValidationError) as error:
            organisation_file(organisation=team, number="A-1", filed_on=day, by=None)
        assert error.value.message_dict == {"filed_on": ["备案日期不能晚于今天。"]}
        team.refresh_from_db()
        assert team.filing_status == FilingStatus.NOT_FILED
    else:
        assert organisation_file(organisation=team, number="A-1", filed_on=day, by=None).filed_on == day


def test_a_filing_number_is_used_once_in_a_street(community):
    first = register(community, tier=Tier.ACTIVITY_TEAM)
    second = register(community, name="太极拳队", tier=Tier.ACTIVITY_TEAM)
    organisation_file(organisation=first, number="A-1", filed_on=local_today(), by=None)

    with pytest.raises(ValidationError) as refused:
        organisation_file(organisation=second, number=" A-1 ", filed_on=local_today(), by=None)

    assert refused.value.message_dict == {"number": ["本街道已有团队使用备案编号A-1。"]}
    assert not AuditEvent.objects.filter(
        action="organisations.organisation.filed", object_id=str(second.pk)
    ).exists()


@pytest.mark.parametrize("tier", [Tier.ACTIVITY_GROUP, Tier.REGISTERED])
def test_only_activity_teams_are_filed(community, tier):
    extra = {"credit_code": CREDIT_CODE, "legal_form": "social_group"} if tier == Tier.REGISTERED else {}
    organisation = register(community, tier=tier, **extra)

    with pytest.raises(ActionRefused, match="只有群众活动团队需要街道备案"):
        organisation_file(organisation=organisation, number="A-1", filed_on=local_today(), by=None)


def test_a_team_is_filed_once_and_may_be_filed_again_after_revocation(community):
    team = register(community, tier=Tier.ACTIVITY_TEAM)
    organisation_file(organisation=team, number="A-1", filed_on=local_today(), by=None)
    with pytest.raises(ActionRefused):
        organisation_file(organisation=team, number="A-2", filed_on=local_today(), by=None)
    with pytest.raises(ValidationError):
        organisation_filing_revoke(organisation=team, note=" ", by=None)

    organisation_filing_revoke(organisation=team, note="团队已停止活动", by=None)
    organisation_file(organisation=team, number="A-2", filed_on=local_today(), by=None)

    team.refresh_from_db()
    assert (team.filing_status, team.filing_number) == (FilingStatus.FILED, "A-2")


def test_a_filed_team_keeps_its_tier_until_the_filing_is_revoked(community):
    team = register(community, tier=Tier.ACTIVITY_TEAM)
    organisation_file(organisation=team, number="A-1", filed_on=local_today(), by=None)

    with pytest.raises(ValidationError) as refused:
        organisation_update(organisation=team, data={"tier": Tier.ACTIVITY_GROUP}, by=None)

    assert "tier" in refused.value.message_dict
    team.refresh_from_db()
    assert team.tier == Tier.ACTIVITY_TEAM


def test_an_update_is_audited_with_the_fields_changed(community):
    team = register(community, tier=Tier.ACTIVITY_TEAM)

    organisation_update(organisation=team, data={"members_count": 35, "activity_area": "南门广场"}, by=None)

    event = AuditEvent.objects.get(action="organisations.organisation.changed")
    assert event.data == {"fields": ["activity_area", "members_count"]}


def test_the_public_registry_masks_contacts_and_leaves_out_revoked_teams(community):
    kept = register(community, tier=Tier.ACTIVITY_TEAM, contact_name="欧阳娜娜", contact_phone="13812341234")
    gone = register(community, name="已解散舞蹈队", tier=Tier.ACTIVITY_TEAM)
    organisation_file(organisation=gone, number="A-9", filed_on=local_today(), by=None)
    organisation_filing_revoke(organisation=gone, note="名存实亡", by=None)

    public = list(organisations_public(street_id=community.street_id))

    assert public == [kept]
    assert (kept.public_contact_name, kept.public_contact_phone) == ("欧阳*娜", "138****1234")


def test_the_public_registry_is_empty_when_the_street_turns_it_off(community):
    register(community, tier=Tier.ACTIVITY_TEAM)
    street_programmes_apply(street=community.street, programmes=[], by=None)

    assert list(organisations_public(street_id=community.street_id)) == []
    assert Organisation.objects.count() == 1


# --- A partner points to its organisation's record ---------------------------------


def test_a_partner_is_linked_to_its_organisation_and_it_is_audited(community):
    team = OrganisationFactory(community=community)
    partner = PartnerFactory(community=community)
    staff = street_staff(street=community.street)

    partner_organisation_link(partner=partner, organisation=team, by=staff)
    partner_organisation_link(partner=partner, organisation=None, by=staff)

    partner.refresh_from_db()
    assert partner.organisation is None
    actions = list(
        AuditEvent.objects.filter(
            object_id=str(partner.pk), action__startswith="partners.partner.organisation"
        )
        .order_by("pk")
        .values_list("action", "data")
    )
    assert actions == [
        ("partners.partner.organisation_linked", {"from": None, "to": team.pk}),
        ("partners.partner.organisation_unlinked", {"from": team.pk, "to": None}),
    ]


def test_a_partner_cannot_point_to_another_streets_organisation(community):
    elsewhere = OrganisationFactory()
    partner = PartnerFactory(community=community)

    with pytest.raises(ValidationError) as refused:
        partner_organisation_link(partner=partner, organisation=elsewhere, by=None)

    assert refused.value.message_dict == {"organisation": ["只能关联本街道社区组织名录中的组织。"]}
    partner.refresh_from_db()
    assert partner.organisation_id is None
