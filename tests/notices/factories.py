"""Builders for notice tests: approved partners, published notices, objections."""

import contextlib
import datetime as dt
from unittest import mock

from django.utils import timezone

from notices.domain import notice_publish, notice_save_draft, objection_file
from portal.choices import PartnerKind
from tests.factories import CommunityFactory, partner_in_state, street_staff

# Personal data seeded on an individual applicant; no public page may show it.
SEEDED_NAME = "张晓三"
SEEDED_MOBILE = "13912345678"
SEEDED_ID_NUMBER = "320104199001011234"
SEEDED_ADDRESS = "华阳北路18号3幢502室"


def approved_partner(community, **application):
    application = {f"application__{k}": v for k, v in application.items()}
    return partner_in_state("approved", community=community, **application)


def individual_partner(community, state="approved"):
    return partner_in_state(
        state,
        community=community,
        application__kind=PartnerKind.INDIVIDUAL_OR_TEAM,
        application__applicant_name=SEEDED_NAME,
        application__contact_name=SEEDED_NAME,
        application__mobile=SEEDED_MOBILE,
        application__id_number=SEEDED_ID_NUMBER,
        application__credit_code="",
        application__address=SEEDED_ADDRESS,
        application__project_title="邻里心理驿站",
    )


@contextlib.contextmanager
def clock_at(moment):
    """Run the block as if it were `moment`: how a test publishes a notice in the past.

    The domain records the publication time itself; nobody can type it.
    """
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def draft_notice(*, staff, partners, ends_at=None, **kwargs):
    """A draft; no end means the notice runs exactly the street's minimum from publication."""
    street = staff.profile.street
    return notice_save_draft(
        street=street,
        title=kwargs.pop("title", "2026年第一批“睦邻合伙人”拟入驻名单公示"),
        body=kwargs.pop("body", "经街道党工委会议研究，现将拟入驻名单予以公示。"),
        decision_reference=kwargs.pop("decision_reference", "崇明街道党工委2026年第3次会议"),
        ends_at=ends_at,
        objection_contact=kwargs.pop("objection_contact", "崇明街道纪检室 0511-87260000"),
        partners=partners,
        by=staff,
        **kwargs,
    )


def published_notice(*, staff, partners, at=None, **kwargs):
    """A notice drafted and published at `at` (now if not given)."""
    with clock_at(at) if at else contextlib.nullcontext():
        notice = draft_notice(staff=staff, partners=partners, **kwargs)
        return notice_publish(notice=notice, by=staff)


def past_notice(*, staff, partners, **kwargs):
    """A notice published 5 days 1 hour ago for exactly the minimum: it ended an hour ago."""
    return published_notice(
        staff=staff, partners=partners, at=timezone.now() - dt.timedelta(days=5, hours=1), **kwargs
    )


def setting(street_name=None):
    """A street with one community and a street staff member."""
    community = CommunityFactory(**({"street__name": street_name} if street_name else {}))
    staff = street_staff(street=community.street)
    return community, staff


def file_objection(notice, entry=None, **kwargs):
    entry = entry or notice.entries.first()
    return objection_file(
        notice=notice,
        entry=entry,
        grounds=kwargs.get("grounds", "该申请人曾有不良记录。"),
        objector_name=kwargs.get("objector_name", "李居民"),
        objector_phone=kwargs.get("objector_phone", "13700001111"),
        evidence=kwargs.get("evidence"),
    )
