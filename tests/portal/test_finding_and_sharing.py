"""Finding and sharing (issue 19): the account bar, /partners/ cards with address and phone, og: tags."""

import re
from html import unescape

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from portal.choices import PartnerKind
from tests.factories import RecruitmentCallFactory, partner_in_state
from tests.notices.factories import (
    SEEDED_ADDRESS,
    SEEDED_MOBILE,
    approved_partner,
    published_notice,
    setting,
)
from tests.services.factories import partner_user

LOGIN_LINK = '<a href="/accounts/login/">登录</a>'


@pytest.fixture
def world(db):
    community, staff = setting()
    community.address, community.contact_phone = "华阳西路100号", "0511-87261234"
    community.save()
    return community, staff


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_pages_have_the_login_link_and_no_account(client, world):
    html = client.get("/calls/").content.decode()

    assert LOGIN_LINK in html
    assert "account-name" not in html and 'action="/accounts/logout/"' not in html


def test_signed_in_pages_show_the_name_and_a_logout_button(world):
    partner = partner_in_state("active", community=world[0])
    user = partner_user(partner)
    user.first_name, user.last_name = "王小明", ""
    user.save()

    html = _signed_in(user).get("/services/logs/").content.decode()

    assert re.search(
        r'<span class="account-name">王小明</span> ·\s*<form class="logout" method="post" action="/accounts/logout/">',
        html,
    )
    assert ">退出</button>" in html and LOGIN_LINK not in html


def test_logout_button_signs_out_and_returns_home(world):
    client = _signed_in(world[1])

    response = client.post("/accounts/logout/", {"next": "/"})

    assert (response.status_code, response["Location"]) == (302, "/")
    assert LOGIN_LINK in client.get("/calls/").content.decode()


@pytest.mark.parametrize("first", ["signed_in", "anonymous"])
def test_the_shared_cache_never_gives_a_name_to_anyone_else(world, django_assert_num_queries, first):
    """Whoever comes first, the anonymous page (from the shared cache) has no name and the
    signed-in page (never from it) has its own."""
    staff = world[1]
    staff.first_name = "李经办"
    staff.save()
    signed_in, anonymous = _signed_in(staff), Client()
    if first == "signed_in":
        assert "李经办" in signed_in.get("/calls/").content.decode()
        anonymous.get("/calls/")  # renders and stores the shared page
    else:
        anonymous.get("/calls/")
        assert "李经办" in signed_in.get("/calls/").content.decode()

    with django_assert_num_queries(0):
        shared = Client().get("/calls/").content.decode()

    assert LOGIN_LINK in shared and "李经办" not in shared
    assert "李经办" in signed_in.get("/calls/").content.decode()


def test_directory_cards_show_an_organisations_address_and_phone_as_tel_links(client, world):
    community = world[0]
    partner_in_state(
        "active",
        community=community,
        application__applicant_name="句容市银龄互助服务中心",
        application__address="华阳北路18号",
        application__mobile="13812345678",
    )

    html = client.get(reverse("services:directory")).content.decode()

    assert "地址：华阳北路18号" in html
    assert '联系电话：<a href="tel:13812345678">13812345678</a>' in html


def test_directory_cards_never_show_an_individuals_mobile_or_home_address(client, world):
    community = world[0]
    partner_in_state(
        "active",
        community=community,
        application__kind=PartnerKind.INDIVIDUAL_OR_TEAM,
        application__applicant_name="张晓三",
        application__mobile=SEEDED_MOBILE,
        application__credit_code="",
        application__id_number="320104199001011234",
        application__address=SEEDED_ADDRESS,
    )

    html = client.get(reverse("services:directory")).content.decode()

    assert SEEDED_MOBILE not in html and SEEDED_ADDRESS not in html and "张晓三" not in html
    assert "地址：华阳西路100号" in html
    assert '社区联系电话：<a href="tel:0511-87261234">0511-87261234</a>' in html


def _og(html: str) -> dict:
    return {k: unescape(v) for k, v in re.findall(r'<meta property="og:([a-z:]+)" content="([^"]*)">', html)}


def test_call_notice_and_partner_pages_have_share_previews(client, world, settings):
    settings.PORTAL_BASE_URL = "https://mulin.example.cn/"
    community, staff = world
    call = RecruitmentCallFactory(
        street=community.street, title="第一批招募公告", body="面向社会招募睦邻合伙人。"
    )
    notice = published_notice(
        staff=staff, partners=[approved_partner(community)], title="拟入驻名单公示", body="现予以公示。"
    )
    partner = partner_in_state(
        "active",
        community=community,
        application__project_title="银龄学堂",
        application__applicant_name="句容市银龄中心",
    )
    image = "https://mulin.example.cn/static/portal/og-default.png"

    pages = {
        "call": _og(client.get(f"/calls/{call.pk}/").content.decode()),
        "notice": _og(client.get(f"/notices/{notice.pk}/").content.decode()),
        "partner": _og(client.get(f"/partners/{partner.pk}/").content.decode()),
    }

    assert (
        pages["call"]["title"] == "第一批招募公告"
        and pages["call"]["description"] == "面向社会招募睦邻合伙人。"
    )
    assert pages["notice"]["title"] == "拟入驻名单公示" and pages["notice"]["description"] == "现予以公示。"
    assert pages["partner"]["title"] == "句容市银龄中心"
    assert (
        pages["partner"]["description"] == f"银龄学堂 · {community.name}的睦邻合伙人，以社区空间换公益服务。"
    )
    assert {p["image"] for p in pages.values()} == {image}
    assert pages["call"]["url"] == f"https://mulin.example.cn/calls/{call.pk}/"
    assert finders.find("portal/og-default.png")
