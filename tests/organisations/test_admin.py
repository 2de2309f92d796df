"""The registry in the admin: scoped lists (query counts), the domain behind the form, filing, ledger, links."""

import pytest
from django.urls import reverse

from organisations.models import FilingStatus, Organisation, Tier
from partners.models import Partner
from portal.dates import local_today
from portal.dossier import dossier_sections
from portal.models import AuditEvent
from tests.factories import CommunityFactory, PartnerFactory, UserFactory, community_staff, street_staff
from tests.organisations.factories import OrganisationFactory, registry_on
from tests.utils import xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    community = CommunityFactory(name="南门社区")
    registry_on(community.street)
    return community


@pytest.fixture
def staff(community):
    return street_staff(street=community.street)


@pytest.mark.parametrize("size", [1, 3])
def test_the_list_query_count_does_not_grow(client, community, staff, django_assert_num_queries, size):
    for _ in range(size):
        OrganisationFactory(community=community)
    OrganisationFactory(name="别的街道的合唱团")  # out of scope
    client.force_login(staff)

    # 8, and on a cold cache one read of the programme pieces the staff's streets run
    # (portal.features.scope_runs, kept in the cache until a switch changes).
    with django_assert_num_queries(9):
        response = client.get(reverse("admin:organisations_organisation_changelist"))

    html = response.content.decode()
    assert html.count("睦邻合唱团") == size
    assert "别的街道的合唱团" not in html


def test_staff_register_an_organisation_through_the_form(client, community, staff):
    client.force_login(staff)

    response = client.post(
        reverse("admin:organisations_organisation_add"),
        {
            "community": community.pk,
            "name": "南门书画社",
            "tier": Tier.ACTIVITY_TEAM,
            "members_count": 15,
        },
    )

    assert response.status_code == 302
    organisation = Organisation.objects.get(name="南门书画社")
    assert AuditEvent.objects.filter(
        action="organisations.organisation.registered", object_id=str(organisation.pk), actor=staff
    ).exists()


def test_the_form_shows_the_domains_refusal_next_to_the_field_and_saves_nothing(client, community, staff):
    client.force_login(staff)

    response = client.post(
        reverse("admin:organisations_organisation_add"),
        {"community": community.pk, "name": "南门慈善会", "tier": Tier.REGISTERED, "members_count": 5},
    )

    assert response.status_code == 200
    assert "注册社会组织须填写统一社会信用代码。" in response.content.decode()
    assert not Organisation.objects.exists()


def test_the_street_files_a_team_on_its_page(client, community, staff):
    team = OrganisationFactory(community=community)
    client.force_login(staff)
    change = client.get(reverse("admin:organisations_organisation_change", args=[team.pk])).content.decode()
    assert reverse("admin:organisations_organisation_file", args=[team.pk]) in change

    response = client.post(
        reverse("admin:organisations_organisation_file", args=[team.pk]),
        {"number": "HY-2026-009", "filed_on": local_today().isoformat()},
    )

    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.filing_status, team.filing_number) == (FilingStatus.FILED, "HY-2026-009")


def test_a_filing_without_a_number_is_said_and_nothing_filed(client, community, staff):
    team = OrganisationFactory(community=community)
    client.force_login(staff)

    response = client.post(
        reverse("admin:organisations_organisation_file", args=[team.pk]),
        {"number": "", "filed_on": local_today().isoformat()},
    )

    assert "请填写备案编号。" in response.content.decode()
    team.refresh_from_db()
    assert team.filing_status == FilingStatus.NOT_FILED


def test_community_staff_are_told_the_street_files(client, community):
    team = OrganisationFactory(community=community)
    client.force_login(community_staff(community=community))

    response = client.post(
        reverse("admin:organisations_organisation_file", args=[team.pk]),
        {"number": "X-1", "filed_on": local_today().isoformat()},
        follow=True,
    )

    assert "群众活动团队由街道备案。" in response.content.decode()
    team.refresh_from_db()
    assert team.filing_status == FilingStatus.NOT_FILED


def test_the_ledger_holds_the_scoped_rows_with_labels(client, community, staff):
    OrganisationFactory(community=community, name="南门合唱团", contact_name="李小红")
    OrganisationFactory(name="别的街道的合唱团")
    client.force_login(staff)

    response = client.post(
        reverse("admin:organisations_organisation_export"), {"format": "0", "resource": "0"}
    )

    title, header, *rows = xlsx_rows(response.content)
    assert title[0].startswith("社区组织名录台账")
    assert header[:4] == ["街道", "社区", "名称", "层级"]
    assert [row[2:4] for row in rows] == [["南门合唱团", "群众活动团队"]]
    assert "李小红" in rows[0]  # staff's ledger keeps the contact; only public pages mask it


def test_the_partner_admin_links_an_organisation_through_the_domain(client, community, staff):
    team = OrganisationFactory(community=community)
    partner = PartnerFactory(community=community)
    client.force_login(staff)

    change = client.get(reverse("admin:partners_partner_change", args=[partner.pk])).content.decode()
    assert reverse("admin:partners_partner_organisation", args=[partner.pk]) in change

    response = client.post(
        reverse("admin:partners_partner_organisation", args=[partner.pk]), {"organisation": team.pk}
    )

    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.organisation == team
    assert AuditEvent.objects.filter(action="partners.partner.organisation_linked", actor=staff).exists()


def test_the_partner_admin_refuses_another_streets_organisation(client, community):
    elsewhere = OrganisationFactory()
    partner = PartnerFactory(community=community)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.post(
        reverse("admin:partners_partner_organisation", args=[partner.pk]), {"organisation": elsewhere.pk}
    )

    assert "只能关联本街道社区组织名录中的组织。" in response.content.decode()
    assert Partner.objects.get(pk=partner.pk).organisation_id is None


def test_the_dossier_names_the_partners_organisation(community):
    team = OrganisationFactory(community=community, name="南门合唱团", members_count=30)
    partner = PartnerFactory(community=community, organisation=team)

    section = next(s for s in dossier_sections(partner) if s.key == "organisation")

    assert section.title == "所属社区组织"
    assert section.entries[0].title == "南门社区 · 南门合唱团"
    assert section.entries[0].detail == "群众活动团队；未备案；成员30人"
