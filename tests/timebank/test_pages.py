"""The time bank's pages and admin: public benefits, the partner's own ledger, staff lists, ledgers, dossier."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import dossier as registry
from portal.domain import street_programmes_apply
from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    StreetFactory,
    community_staff,
    district_staff,
    street_staff,
)
from tests.services.factories import partner_user
from tests.utils import xlsx_rows
from timebank.domain import redemption_record
from timebank.models import Account, Benefit, Redemption

from .factories import benefit, funded_account, individual_partner, submitted_log, timebank_street, verify

pytestmark = pytest.mark.django_db
XLSX = "0"  # the export form's first format


@pytest.fixture
def community():
    return CommunityFactory(street=timebank_street(rate="1.00"), name="南门社区", contact_phone="028-8888001")


# --- Public: the community's benefits -------------------------------------------------------


def test_benefits_page_lists_what_is_in_stock_with_the_rate(client, community):
    benefit(community, points="2", name="理发券")
    benefit(community, points="10", stock=5, name="米面油礼包")
    benefit(community, points="3", stock=0, name="已兑完的项目")
    Benefit.objects.create(community=community, name="已下架的项目", points=1, active=False)
    response = client.get(reverse("timebank:benefits", args=[community.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("理发券") < html.index("米面油礼包")
    assert "已兑完的项目" not in html and "已下架的项目" not in html
    assert "每小时折算 1.00 积分" in html
    assert "028-8888001" in html
    assert "<script>" not in html and "style=" not in html


def test_benefits_page_is_not_found_where_the_street_does_not_run_it(client):
    community = CommunityFactory(street=StreetFactory())
    benefit(community, name="理发券")
    assert client.get(reverse("timebank:benefits", args=[community.pk])).status_code == 404


def test_benefits_page_follows_stock_and_the_switch_through_the_shared_cache(client, community):
    """Anonymous visitors get a shared copy: a redemption (stock) and turning off invalidate it."""
    last = benefit(community, points="1", stock=1, name="最后一张理发券")
    url = reverse("timebank:benefits", args=[community.pk])
    assert "最后一张理发券" in client.get(url).content.decode()
    account = funded_account(community, "1.00")
    with TestCase.captureOnCommitCallbacks(execute=True):  # the cache is bumped after commit
        redemption_record(account=account, benefit=last, by=community_staff(community))
    assert "最后一张理发券" not in client.get(url).content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        street_programmes_apply(street=community.street, programmes=[], by=None)
    assert client.get(url).status_code == 404


# --- The individual partner's own ledger ---------------------------------------------------


def test_an_individual_partner_reads_its_own_ledger(client, community):
    partner, agreement, space = individual_partner(community)
    verify(submitted_log(partner, agreement, space, date=dt.date(2026, 3, 10)))
    client.force_login(partner_user(partner))
    response = client.get(reverse("timebank:my_points"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "当前积分余额：2.00 分" in html
    assert "2026-03-10 智能手机课" in html and "+2.00" in html


def test_an_organisation_partner_has_no_points_page(client, community):
    partner, _agreement, _space = individual_partner(community, kind="social_organization")
    client.force_login(partner_user(partner))
    assert client.get(reverse("timebank:my_points")).status_code == 404


def test_the_points_page_is_not_found_when_the_street_turned_it_off(client, community):
    partner, agreement, space = individual_partner(community)
    verify(submitted_log(partner, agreement, space))
    street_programmes_apply(street=community.street, programmes=[], by=None)
    client.force_login(partner_user(partner))
    assert client.get(reverse("timebank:my_points")).status_code == 404
    assert Account.objects.get(partner=partner).balance == Decimal("2.00")  # kept


def test_partner_menu_links_the_points_page_for_individuals_where_the_street_runs_it(client, community):
    person, _agreement, _space = individual_partner(community)
    organisation, _agreement, _space = individual_partner(community, kind="social_organization")
    points = reverse("timebank:my_points")
    client.force_login(partner_user(person))
    assert f'<a href="{points}">时间银行积分</a>' in client.get(reverse("services:log_list")).content.decode()
    client.force_login(partner_user(organisation))
    assert points not in client.get(reverse("services:log_list")).content.decode()

    street_programmes_apply(street=community.street, programmes=[], by=None)  # switched off: gone at once
    client.force_login(partner_user(person))
    assert points not in client.get(reverse("services:log_list")).content.decode()


def test_staff_have_no_partner_points_page(client, community):
    client.force_login(community_staff(community))
    assert client.get(reverse("timebank:my_points")).status_code == 404


# --- Staff admin ---------------------------------------------------------------------------

CHANGELISTS = [
    "account",
    "entry",
    "benefit",
    "volunteer",
    "volunteercredit",
    "redemption",
    "timebanksettings",
]


@pytest.mark.parametrize("model", CHANGELISTS)
def test_admin_lists_open_to_staff_of_a_street_running_it(client, community, model):
    client.force_login(street_staff(street=community.street))
    assert client.get(reverse(f"admin:timebank_{model}_changelist")).status_code == 200


@pytest.mark.parametrize("model", CHANGELISTS)
def test_admin_hidden_from_staff_of_a_street_not_running_it(client, model):
    client.force_login(street_staff(street=StreetFactory()))
    assert client.get(reverse(f"admin:timebank_{model}_changelist")).status_code == 403
    assert "时间银行" not in client.get(reverse("admin:index")).content.decode()


def test_admin_index_shows_the_time_bank_where_it_runs(client, community):
    client.force_login(street_staff(street=community.street))
    assert "积分兑换" in client.get(reverse("admin:index")).content.decode()


def test_staff_see_only_their_communities_accounts(client, community):
    mine = funded_account(community, "5.00", name="本社区志愿者")
    other_community = CommunityFactory(street=community.street)
    theirs = funded_account(other_community, "5.00", name="邻社区志愿者")
    client.force_login(community_staff(community))
    html = client.get(reverse("admin:timebank_account_changelist")).content.decode()
    assert "本社区志愿者" in html and "邻社区志愿者" not in html
    assert client.get(reverse("admin:timebank_account_change", args=[mine.pk])).status_code == 200
    assert client.get(reverse("admin:timebank_account_change", args=[theirs.pk])).status_code == 302


def test_district_staff_read_the_ledgers_below_them(client):
    district = DistrictFactory()
    community = CommunityFactory(street=timebank_street(street=StreetFactory(district=district)))
    funded_account(community, "5.00", name="区里可见")
    funded_account(CommunityFactory(street=timebank_street()), "5.00", name="别区不可见")
    client.force_login(district_staff(district=district))
    html = client.get(reverse("admin:timebank_account_changelist")).content.decode()
    assert "区里可见" in html and "别区不可见" not in html
    assert client.get(reverse("admin:timebank_redemption_add")).status_code == 403  # the levels only read


def test_staff_redeem_at_the_counter_through_the_admin(client, community):
    account = funded_account(community, "10.00")
    gift = benefit(community, points="10.00", name="米面油礼包")
    client.force_login(community_staff(community))
    response = client.post(
        reverse("admin:timebank_redemption_add"), {"account": account.pk, "benefit": gift.pk, "note": ""}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.balance, Redemption.objects.get().benefit) == (Decimal("0.00"), gift)


def test_a_redemption_beyond_the_balance_comes_back_with_the_balance_and_saves_nothing(client, community):
    account = funded_account(community, "9.99")
    gift = benefit(community, points="10.00", name="米面油礼包")
    client.force_login(community_staff(community))
    response = client.post(
        reverse("admin:timebank_redemption_add"), {"account": account.pk, "benefit": gift.pk, "note": "现场"}
    )
    assert response.status_code == 200
    assert "积分不足：李志愿 当前余额 9.99 分，兑换“米面油礼包”需要 10.00 分。" in response.content.decode()
    assert not Redemption.objects.exists()


def test_staff_credit_volunteer_hours_through_the_admin(client, community):
    from tests.services.factories import make_log, serving_partner
    from timebank.models import Volunteer

    partner, agreement, space = serving_partner("trial", community=community)
    log = make_log(partner, agreement, space, date=dt.date(2026, 3, 10))
    person = Volunteer.objects.create(community=community, name="王桂兰", mobile="13911110001")
    client.force_login(street_staff(street=community.street))
    too_long = client.post(
        reverse("admin:timebank_volunteercredit_add"),
        {"log": log.pk, "volunteer": person.pk, "hours": "2.01"},
    )
    assert "志愿服务时数不能超过该次服务的时数（2.00 小时）。" in too_long.content.decode()
    response = client.post(
        reverse("admin:timebank_volunteercredit_add"), {"log": log.pk, "volunteer": person.pk, "hours": "2"}
    )
    assert response.status_code == 302
    assert Account.objects.get(volunteer=person).balance == Decimal("2.00")
    listing = client.get(reverse("admin:timebank_volunteer_changelist")).content.decode()
    assert "139****0001" in listing and "13911110001" not in listing


def test_the_entry_ledger_exports_as_xlsx(client, community):
    funded_account(community, "4.50", name="台账志愿者")
    client.force_login(street_staff(street=community.street))
    response = client.post(reverse("admin:timebank_entry_export"), {"format": XLSX, "resource": "0"})
    title, header, *rows = xlsx_rows(response.content)
    assert title[0].startswith("积分明细台账")
    assert header[:6] == ["时间", "社区", "个人合伙人", "志愿者", "类型", "积分变动"]
    assert rows[0][1:7] == ["南门社区", None, "台账志愿者", "服务积分", 4.5, 4.5]


def test_the_dossier_shows_the_partners_points(community):
    partner, agreement, space = individual_partner(community)
    verify(submitted_log(partner, agreement, space, date=dt.date(2026, 3, 10)))
    section = next(s for s in registry.dossier_sections(partner) if s.key == "timebank")
    assert section.title == "时间银行积分"
    assert [e.title for e in section.entries] == ["时间银行积分余额 2.00 分", "服务积分 +2.00"]
    assert section.entries[1].detail == "2026-03-10 智能手机课；余额 2.00 分"


# --- Query counts at two sizes ---------------------------------------------------------------


def street_with(rows: int):
    street = timebank_street()
    for i in range(rows):
        community = CommunityFactory(street=street)
        account = funded_account(community, "5.00", name=f"志愿者{i}")
        redemption_record(
            account=account, benefit=benefit(community, points="1"), by=street_staff(street=street)
        )
    return street


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelist_query_count_does_not_grow_with_rows(client, model):
    url = reverse(f"admin:timebank_{model}_changelist")
    small, large = street_with(1), street_with(3)
    client.force_login(street_staff(street=small))
    queries(client, url)  # warm per-process caches
    at_one = queries(client, url)
    client.force_login(street_staff(street=large))
    queries(client, url)
    assert queries(client, url) == at_one


def test_public_and_partner_pages_query_count_does_not_grow(client):
    def community_with(rows):
        community = CommunityFactory(street=timebank_street())
        for i in range(rows):
            benefit(community, name=f"项目{i}", points=str(i + 1))
        partner, agreement, space = individual_partner(community)
        for day in range(1, rows + 1):
            verify(submitted_log(partner, agreement, space, date=dt.date(2026, 3, day)))
        return community, partner

    (small, small_partner), (large, large_partner) = community_with(1), community_with(3)
    counts = []
    for community, partner in ((small, small_partner), (large, large_partner)):
        client.logout()
        client.force_login(partner_user(partner))  # logged in: never the shared copy
        counts.append(
            (
                queries(client, reverse("timebank:benefits", args=[community.pk])),
                queries(client, reverse("timebank:my_points")),
            )
        )
    assert counts[0] == counts[1]


def test_staff_withdraw_a_verification_from_the_log_list_and_the_points_follow(client, community):
    from services.models import LogStatus, ServiceLog

    partner, agreement, space = individual_partner(community)
    log = verify(submitted_log(partner, agreement, space))
    client.force_login(street_staff(street=community.street))
    url = reverse("admin:services_servicelog_changelist")
    without_note = {"action": "withdraw_verification", "_selected_action": [log.pk], "note": ""}
    client.post(url, without_note)
    assert ServiceLog.objects.get(pk=log.pk).status == LogStatus.VERIFIED
    client.post(url, {**without_note, "note": "签到表不符"})
    assert ServiceLog.objects.get(pk=log.pk).status == LogStatus.QUERIED
    assert Account.objects.get(partner=partner).balance == Decimal("0.00")
