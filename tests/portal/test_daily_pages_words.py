"""The five daily change pages show people's names and words, never usernames or codes (issue 16),
in Chinese and in English."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from calls.domain import application_request_documents
from notices.domain import objection_investigate
from services import domain as services_domain
from services.models import LogStatus
from tests.factories import partner_in_state, street_staff
from tests.notices.factories import approved_partner, file_objection, published_notice
from tests.services.factories import make_log, serving_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    """One record of each daily page, each touched by a clerk whose username is `jiedao`."""
    clerk = street_staff(username="jiedao", first_name="李", last_name="")
    street = clerk.profile.street
    partner, agreement, space = serving_partner("trial", by=clerk, community__street=street)
    log = make_log(partner, agreement, space, date=dt.date(2026, 2, 2), status=LogStatus.SUBMITTED)
    services_domain.servicelog_review(log=log, decision=LogStatus.VERIFIED, by=clerk)
    other = approved_partner(partner.community)
    notice = published_notice(staff=clerk, partners=[other])
    objection = file_objection(notice)
    objection_investigate(objection=objection, by=clerk, assigned_to=clerk, note="已联系异议人。")
    vetting = partner_in_state("vetting", by=clerk, community=partner.community)
    application_request_documents(
        application=vetting.application, kind="registration", message="请补充登记证书。", by=clerk
    )
    return clerk, {
        "application": reverse("admin:calls_application_change", args=[vetting.application.pk]),
        "partner": reverse("admin:partners_partner_change", args=[partner.pk]),
        "log": reverse("admin:services_servicelog_change", args=[log.pk]),
        "objection": reverse("admin:notices_objection_change", args=[objection.pk]),
        "agreement": reverse("admin:agreements_agreement_change", args=[agreement.pk]),
    }


RAW_CODES = [
    ">forward<",
    ">pass_trial<",
    "submitted → vetting",
    ">verified<",
    ">signed<",
    ">open<",
    ">registration<",
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("name", ["application", "partner", "log", "objection", "agreement"])
def test_daily_page_names_people_and_says_words(client, pages, name, language):
    clerk, urls = pages
    client.force_login(clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.get(urls[name])

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}"' in page
    assert "jiedao" not in page
    assert "李" in page
    for code in RAW_CODES:
        assert code not in page, code
