"""Factories for service logs and what they stand on: signed agreements, slots, observers."""

import datetime as dt
import io
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.models import Agreement, AgreementStatus, ServiceTarget
from portal.choices import ServiceCategory
from portal.models import Role
from services.models import LogStatus, Observer, PartnerAccount, ServiceLog
from spaces.domain import timeslot_create
from tests.factories import SpaceFactory, partner_in_state, role_user


class AgreementFactory(factory.django.DjangoModelFactory):
    """A signed agreement (the agreements helper builds the signing itself)."""

    class Meta:
        model = Agreement

    partner = None
    community = factory.SelfAttribute("partner.community")
    number = factory.Sequence(lambda n: f"MLHH-XY-{n:05d}")
    start_date = dt.date(2026, 1, 1)
    end_date = dt.date(2026, 6, 30)
    status = AgreementStatus.SIGNED


def target(agreement, metric, value, period="month", group=""):
    return ServiceTarget.objects.create(
        agreement=agreement, metric=metric, value=Decimal(str(value)), period=period, target_group=group
    )


def serving_partner(state="trial", *, start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30), **kwargs):
    """A partner walked to `state`, with a signed agreement and a space of its community."""
    partner = partner_in_state(state, **kwargs)
    agreement = AgreementFactory(partner=partner, start_date=start, end_date=end)
    space = SpaceFactory(community=partner.community)
    return partner, agreement, space


def partner_user(partner, *, read_only=False):
    """The partner's login (already there when signing ran its after-commit receiver)."""
    existing = PartnerAccount.objects.filter(partner=partner).select_related("user").first()
    if existing:
        return existing.user
    user = role_user(Role.PARTNER, community=partner.community)
    PartnerAccount.objects.create(partner=partner, user=user, read_only=read_only)
    return user


def observer_user(community):
    user = role_user(Role.OBSERVER, community=community)
    Observer.objects.create(user=user, community=community, appointed_on=dt.date(2026, 1, 1))
    return user


def weekly_slot(partner, space, weekday, start="09:00", end="11:00"):
    return timeslot_create(
        space=space,
        partner=partner,
        weekday=weekday,
        start_time=dt.time.fromisoformat(start),
        end_time=dt.time.fromisoformat(end),
    )


def make_log(
    partner,
    agreement,
    space,
    *,
    date,
    start="09:00",
    end="11:00",
    residents=10,
    special=0,
    groups=None,
    status=LogStatus.VERIFIED,
    title="智能手机课",
):
    """A log row written directly (the domain's checks are tested separately)."""
    start_t, end_t = dt.time.fromisoformat(start), dt.time.fromisoformat(end)
    minutes = (dt.datetime.combine(date, end_t) - dt.datetime.combine(date, start_t)).seconds // 60
    return ServiceLog.objects.create(
        partner=partner,
        agreement=agreement,
        space=space,
        date=date,
        start_time=start_t,
        end_time=end_t,
        hours=Decimal(minutes) / 60,
        category=ServiceCategory.ELDERLY,
        title=title,
        description="课程",
        residents_served=residents,
        special_group_residents=special,
        special_groups=groups or [],
        status=status,
    )


def log_data(space, **overrides):
    data = {
        "space": space,
        "date": dt.date(2026, 3, 10),
        "start_time": dt.time(9),
        "end_time": dt.time(11),
        "category": ServiceCategory.ELDERLY,
        "title": "智能手机课",
        "description": "教老人用手机挂号",
        "residents_served": 20,
        "special_group_residents": 15,
        "special_groups": ["elderly"],
        "cost_basis": "free",
        "volunteers": 2,
    }
    data.update(overrides)
    return data


def png_upload(name="photo.png", size=(800, 600)):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def mp4_upload(name="clip.mp4", extra=0):
    # An ISO-BMFF 'ftyp' box: enough for content sniffing to say MP4.
    head = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    return SimpleUploadedFile(name, head + b"\x00" * (1024 + extra), content_type="video/mp4")


def sign_partner(partner, by=None):
    """signing → trial through the real transition, with the agreement facts assumed."""
    from partners import guards
    from partners.domain import partner_transition
    from tests.factories import street_staff

    by = by or street_staff(street=partner.community.street)
    with guards.facts_forced({"first_agreement_signed": True, "notice_period_over": True}):
        partner_transition(partner=partner, transition="sign", by=by)
    partner.refresh_from_db()
    return partner
