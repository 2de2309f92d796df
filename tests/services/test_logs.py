"""Service-log validations, files, review and the partner's account (rulebook 六(一))."""

import datetime as dt

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError

from partners.models import PartnerTransition
from portal.models import Role
from services import domain
from services.models import LogFileKind, LogoLicence, LogStatus, PartnerAccount, ServiceLog
from tests.factories import community_staff, partner_in_state

from .factories import (
    log_data,
    mp4_upload,
    partner_user,
    png_upload,
    serving_partner,
    sign_partner,
    weekly_slot,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 20)


@pytest.fixture
def setup():
    partner, agreement, space = serving_partner("trial")
    user = partner_user(partner)
    return partner, agreement, space, user


def create(partner, user, space, **overrides):
    return domain.servicelog_create(partner=partner, data=log_data(space, **overrides), by=user, today=TODAY)


def errors_of(exc):
    return exc.value.message_dict


def test_log_create_derives_hours_and_agreement(setup):
    partner, agreement, space, user = setup
    log = create(partner, user, space, start_time=dt.time(9, 15), end_time=dt.time(11, 45))
    assert (log.status, str(log.hours), log.agreement, log.recorded_by) == (
        LogStatus.SUBMITTED,
        "2.50",
        agreement,
        user,
    )


def test_log_refused_in_the_future(setup):
    partner, _a, space, user = setup
    with pytest.raises(ValidationError) as exc:
        create(partner, user, space, date=dt.date(2026, 3, 21))
    assert errors_of(exc) == {"date": ["服务日期不能晚于今天（2026-03-20）。"]}
    assert ServiceLog.objects.count() == 0


def test_log_refused_outside_the_agreement_term(setup):
    partner, _a, space, user = setup
    with pytest.raises(ValidationError) as exc:
        domain.servicelog_create(
            partner=partner, data=log_data(space, date=dt.date(2025, 12, 31)), by=user, today=TODAY
        )
    assert errors_of(exc) == {"date": ["服务日期 2025-12-31 不在协议期内（协议期：2026-01-01–2026-06-30）。"]}


def test_log_refused_when_overlapping_own_log_in_same_space(setup):
    partner, _a, space, user = setup
    create(partner, user, space, title="上午场")
    with pytest.raises(ValidationError) as exc:
        create(partner, user, space, start_time=dt.time(10), end_time=dt.time(12))
    assert errors_of(exc) == {
        "start_time": ["与本合伙人在同一空间的另一条记录时间重叠：2026-03-10 09:00–11:00“上午场”。"]
    }
    # Touching is fine.
    assert create(partner, user, space, start_time=dt.time(11), end_time=dt.time(12)).pk


def test_log_refuses_end_before_start_and_too_many_special(setup):
    partner, _a, space, user = setup
    with pytest.raises(ValidationError) as exc:
        create(partner, user, space, start_time=dt.time(11), end_time=dt.time(9), special_group_residents=30)
    assert errors_of(exc) == {
        "end_time": ["结束时间必须晚于开始时间。"],
        "special_group_residents": ["特定群体人次不能多于服务居民总人次。"],
    }


def test_log_outside_held_slot_is_only_a_warning(setup):
    partner, _a, space, user = setup
    weekly_slot(partner, space, weekday=1, start="09:00", end="11:00")  # Tuesdays; 10 Mar 2026 is a Tuesday
    inside = create(partner, user, space)
    assert inside.warnings == []
    outside = create(partner, user, space, date=dt.date(2026, 3, 11))
    assert outside.warnings == ["合伙人当天在该空间没有使用时段，请确认活动是否调整。"]
    assert outside.status == LogStatus.SUBMITTED


def test_log_files_get_thumbnails_and_sniffed_types(setup):
    partner, _a, space, user = setup
    log = domain.servicelog_create(
        partner=partner,
        data=log_data(space),
        by=user,
        today=TODAY,
        files={
            LogFileKind.PHOTO: [png_upload("a.png"), png_upload("b.png")],
            LogFileKind.VIDEO: [mp4_upload()],
        },
    )
    files = list(log.files.order_by("kind", "id"))
    assert [(f.kind, f.original_name, bool(f.thumbnail)) for f in files] == [
        ("photo", "a.png", True),
        ("photo", "b.png", True),
        ("video", "clip.mp4", False),
    ]
    from PIL import Image

    with files[0].thumbnail.open("rb") as fh, Image.open(fh) as thumb:
        assert thumb.size == (480, 360)


def test_log_files_refuse_fake_photo_and_oversized_video(setup, settings):
    partner, _a, space, user = setup
    settings.SERVICES_VIDEO_MAX_BYTES = 2048
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as exc:
        domain.servicelog_create(
            partner=partner,
            data=log_data(space),
            by=user,
            today=TODAY,
            files={
                LogFileKind.PHOTO: [SimpleUploadedFile("x.png", b"%PDF-1.4 not a picture")],
                LogFileKind.VIDEO: [mp4_upload(extra=4096)],
            },
        )
    assert errors_of(exc) == {
        "photo": ["文件“x.png”的实际内容不是允许的类型（仅限 JPEG、PNG）。"],
        "video": ["文件“clip.mp4”大小为 5 KB，超过单个文件上限 2 KB。"],
    }
    assert ServiceLog.objects.count() == 0


def test_log_review_only_verified_counts_and_query_needs_note(
    setup, mailoutbox, django_capture_on_commit_callbacks
):
    partner, _a, space, user = setup
    staff = community_staff(community=partner.community)
    log = create(partner, user, space)
    with pytest.raises(ValidationError):
        domain.servicelog_review(log=log, decision=LogStatus.QUERIED, note="", by=staff)
    user.email = "p@example.cn"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        domain.servicelog_review(log=log, decision=LogStatus.QUERIED, note="请补充签到表", by=staff)
    assert [m.subject for m in mailoutbox] == ["服务记录“智能手机课”：待补充"]
    log.refresh_from_db()
    assert (log.status, log.review_note) == (LogStatus.QUERIED, "请补充签到表")
    # The partner corrects it; it goes back for checking, then is verified.
    log = domain.servicelog_update(log=log, data={"residents_served": 25}, by=user, today=TODAY)
    assert log.status == LogStatus.SUBMITTED
    domain.servicelog_review(log=log, decision=LogStatus.VERIFIED, by=staff)
    with pytest.raises(ValidationError):
        domain.servicelog_review(log=log, decision=LogStatus.REJECTED, note="重复", by=staff)
    with pytest.raises(PermissionDenied):
        domain.servicelog_update(log=log, data={"residents_served": 99}, by=user, today=TODAY)


def test_log_review_refused_outside_scope(setup):
    partner, _a, space, user = setup
    log = create(partner, user, space)
    with pytest.raises(PermissionDenied):
        domain.servicelog_review(log=log, decision=LogStatus.VERIFIED, by=community_staff())


def test_staff_may_enter_log_on_behalf(setup):
    partner, _a, space, _user = setup
    staff = community_staff(community=partner.community)
    log = create(partner, staff, space)
    assert log.recorded_by == staff
    with pytest.raises(PermissionDenied):
        create(partner, community_staff(), space, date=dt.date(2026, 3, 11))


def test_signing_creates_account_licence_and_invitation(mailoutbox, django_capture_on_commit_callbacks):
    partner = partner_in_state("signing")
    partner.application.email = "org@example.cn"
    partner.application.save()
    with django_capture_on_commit_callbacks(execute=True):
        sign_partner(partner)

    account = PartnerAccount.objects.get(partner=partner)
    assert (account.user.email, account.user.profile.role, account.user.has_usable_password()) == (
        "org@example.cn",
        Role.PARTNER,
        False,
    )
    assert LogoLicence.objects.filter(partner=partner, revoked_on__isnull=True).count() == 1
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    link = next(line for line in body.splitlines() if "/accounts/reset/" in line)
    token = link.rstrip("/").split("/")[-1]
    assert default_token_generator.check_token(account.user, token)
    # A second signal (e.g. replay) adds nothing.
    domain.partner_signed(partner=partner)
    assert (PartnerAccount.objects.count(), LogoLicence.objects.count()) == (1, 1)
    assert PartnerTransition.objects.filter(partner=partner, transition="sign").count() == 1


def test_partner_account_cannot_log_for_exited_or_read_only(setup):
    partner, _a, space, user = setup
    PartnerAccount.objects.filter(user=user).update(read_only=True)
    user.refresh_from_db()
    with pytest.raises(PermissionDenied):
        create(partner, user, space)
