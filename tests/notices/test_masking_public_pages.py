"""No public page or feed shows an individual's full name, mobile, ID number or address."""

import datetime as dt

import pytest
from django.urls import reverse

from notices.domain import objection_conclude, objection_file
from tests.factories import ApplicationFactory
from tests.notices.factories import (
    SEEDED_ADDRESS,
    SEEDED_ID_NUMBER,
    SEEDED_MOBILE,
    SEEDED_NAME,
    approved_partner,
    individual_partner,
    past_notice,
    published_notice,
    setting,
)

ORG_MOBILE = ApplicationFactory._meta.declarations["mobile"]
OBJECTOR_PHONE = "13611112222"
OBJECTOR_NAME = "赵举报"
SECRETS = [
    SEEDED_NAME,
    SEEDED_MOBILE,
    SEEDED_ID_NUMBER,
    SEEDED_ADDRESS,
    ORG_MOBILE,
    OBJECTOR_PHONE,
    OBJECTOR_NAME,
]


@pytest.fixture
def seeded(db):
    community, staff = setting()
    organisation = approved_partner(community, applicant_name="句容市银龄互助服务中心")
    current = published_notice(staff=staff, partners=[individual_partner(community), organisation])
    ended = past_notice(staff=staff, partners=[individual_partner(community)])
    objection = objection_file(
        notice=ended,
        entry=ended.entries.get(),
        grounds="异议",
        objector_name=OBJECTOR_NAME,
        objector_phone=OBJECTOR_PHONE,
        now=ended.starts_at + dt.timedelta(days=1),
    )
    objection_conclude(objection=objection, upheld=False, conclusion="异议不成立。", by=staff)
    serving = individual_partner(community, state="active")
    return {"current": current, "ended": ended, "serving": serving, "objection": objection}


def _public_urls(seeded):
    objection = seeded["objection"]
    return [
        reverse("notices:home"),
        reverse("notices:notice_list"),
        reverse("notices:notice_detail", args=[seeded["current"].pk]),
        reverse("notices:notice_detail", args=[seeded["ended"].pk]),
        reverse("notices:notice_feed"),
        reverse("services:directory"),
        reverse("services:partner_detail", args=[seeded["serving"].pk]),
        reverse("notices:objection_status") + f"?reference={objection.reference}&phone_last4=2222",
    ]


def test_masking_no_personal_data_on_any_public_page(client, seeded):
    for url in _public_urls(seeded):
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        leaked = [secret for secret in SECRETS if secret in body]
        assert leaked == [], url


def test_masking_individual_masked_organisation_whole(client, seeded):
    notice = client.get(reverse("notices:notice_detail", args=[seeded["current"].pk])).content.decode()
    feed = client.get(reverse("notices:notice_feed")).content.decode()
    partner = client.get(reverse("services:partner_detail", args=[seeded["serving"].pk])).content.decode()

    for body in (notice, feed, partner):
        assert "张*三" in body
    assert "句容市银龄互助服务中心" in notice
    assert "句容市银龄互助服务中心" in feed


def test_masking_ended_notice_keeps_only_masked_list(client, seeded):
    body = client.get(reverse("notices:notice_detail", args=[seeded["ended"].pk])).content.decode()

    assert "公示期满" in body
    assert "张*三" in body
    assert seeded["ended"].objection_contact not in body
    assert 'name="objector_phone"' not in body
