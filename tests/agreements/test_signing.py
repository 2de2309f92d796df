"""Signing by three parties and what it sets off — rulebook 五(三)1 (issue 8)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.domain import (
    agreement_sign,
    agreement_target_set,
    agreement_timeslot_add,
    agreement_void,
)
from agreements.models import AgreementKind, AgreementSignature, AgreementStatus, Party
from partners.domain import partner_transition
from partners.guards import fact
from partners.models import PartnerStatus, PartnerTransition
from portal.dates import local_today
from spaces.domain import timeslot_create, timeslots_active_on
from tests.factories import SpaceFactory, community_staff, partner_in_state, role_user, street_staff

from .factories import active_partner, draft_agreement, sign_all, with_fact

pytestmark = pytest.mark.django_db
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _sign(agreement, party, by, **kwargs):
    return with_fact(
        "notice_period_over",
        agreement_sign,
        agreement=agreement,
        party=party,
        signatory=kwargs.pop("signatory", "张三"),
        signed_on=kwargs.pop("signed_on", local_today()),
        by=by,
        **kwargs,
    )


def test_two_signatures_leave_agreement_draft_and_partner_signing():
    partner = partner_in_state("signing")
    agreement = draft_agreement(partner)
    staff = community_staff(community=partner.community)

    _sign(agreement, Party.STATION, staff)
    _sign(agreement, Party.PARTNER, staff)

    agreement.refresh_from_db()
    partner.refresh_from_db()
    assert (agreement.status, partner.status) == (AgreementStatus.DRAFT, PartnerStatus.SIGNING)
    assert fact("first_agreement_signed", partner) is False


def test_third_signature_signs_agreement_and_starts_trial():
    partner = partner_in_state("signing")
    agreement = draft_agreement(partner)
    staff = community_staff(community=partner.community)

    for party in (Party.STATION, Party.PARTNER, Party.COMMUNITY):
        _sign(agreement, party, staff)

    agreement.refresh_from_db()
    partner.refresh_from_db()
    last = PartnerTransition.objects.filter(partner=partner).last()
    assert (agreement.status, partner.status) == (AgreementStatus.SIGNED, PartnerStatus.TRIAL)
    assert agreement.signed_at is not None
    assert (last.transition, last.actor, last.data) == ("sign", staff, {"agreement": agreement.number})
    assert fact("first_agreement_signed", partner) is True


def test_signed_partner_slots_show_in_space_calendar():
    partner = partner_in_state("signing")
    agreement = sign_all(draft_agreement(partner, weekday=1, start=dt.date(2026, 1, 1), months=6))

    tuesday = dt.date(2026, 3, 3)
    slots = list(timeslots_active_on(tuesday, partner=partner))

    assert [s.pk for s in slots] == [s.pk for s in agreement.timeslots.all()]
    assert (slots[0].valid_from, slots[0].valid_to) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))


def test_same_party_cannot_sign_twice():
    partner = partner_in_state("signing")
    agreement = draft_agreement(partner)
    staff = street_staff(street=partner.community.street)
    _sign(agreement, Party.STATION, staff)

    with pytest.raises(ValidationError) as refused:
        _sign(agreement, Party.STATION, staff, signatory="李四")

    assert refused.value.message_dict == {"party": ["街道社工站已签署该协议。"]}
    assert AgreementSignature.objects.filter(agreement=agreement).count() == 1


def test_signing_refused_without_targets():
    partner = partner_in_state("signing")
    agreement = draft_agreement(partner, targets=[])

    with pytest.raises(ValidationError) as refused:
        _sign(agreement, Party.STATION, street_staff(street=partner.community.street))

    assert refused.value.messages == ["协议尚未填写公益服务量化指标（办法六（一）2），不能签署。"]


def test_signing_refused_for_future_date_and_missing_signatory():
    partner = partner_in_state("signing")
    agreement = draft_agreement(partner)

    with pytest.raises(ValidationError) as refused:
        _sign(
            agreement,
            Party.STATION,
            street_staff(street=partner.community.street),
            signatory=" ",
            signed_on=local_today() + dt.timedelta(days=1),
        )

    assert refused.value.message_dict == {
        "signatory": ["请填写签字人姓名。"],
        "signed_on": ["签署日期不能晚于今天。"],
    }


def test_scan_must_really_be_pdf_or_image():
    partner = partner_in_state("signing")
    agreement = draft_agreement(partner)
    fake = SimpleUploadedFile(
        "签字页.pdf", b"MZ\x90\x00 not a pdf at all" * 10, content_type="application/pdf"
    )

    with pytest.raises(ValidationError) as refused:
        _sign(agreement, Party.STATION, street_staff(street=partner.community.street), scan=fake)

    assert refused.value.message_dict == {
        "scan": ["文件“签字页.pdf”的实际内容不是允许的类型（仅限 PDF、JPEG、PNG）。"]
    }


def test_scan_is_stored_privately():
    partner = partner_in_state("signing")
    agreement = draft_agreement(partner)
    scan = SimpleUploadedFile("签字页.pdf", PDF_BYTES, content_type="application/pdf")

    signature = _sign(agreement, Party.STATION, street_staff(street=partner.community.street), scan=scan)

    assert signature.scan.name.startswith("agreements/agreementsignature/")
    with signature.scan.open("rb") as stored:
        assert stored.read() == PDF_BYTES


def test_signed_agreement_cannot_be_changed():
    partner = partner_in_state("signing")
    agreement = sign_all(draft_agreement(partner))
    staff = street_staff(street=partner.community.street)
    message = "协议已签署或作废，不能修改；如需变更，请起草补充协议或下一期协议。"

    with pytest.raises(ValidationError) as target_refused:
        agreement_target_set(agreement=agreement, metric="hours", value=5, by=staff)
    with pytest.raises(ValidationError) as slot_refused:
        agreement_timeslot_add(
            agreement=agreement,
            space=agreement.timeslots.first().space,
            weekday=4,
            start_time=dt.time(9),
            end_time=dt.time(10),
            by=staff,
        )
    with pytest.raises(ValidationError) as void_refused:
        agreement_void(agreement=agreement, by=staff)

    assert target_refused.value.messages == [message]
    assert slot_refused.value.messages == [message]
    assert void_refused.value.messages == ["只有草拟中的协议可以作废。"]


def test_slot_conflict_refused_naming_the_conflict():
    partner = partner_in_state("signing")
    space = SpaceFactory(community=partner.community, name="二楼多功能室")
    staff = street_staff(street=partner.community.street)
    timeslot_create(
        space=space, weekday=1, start_time=dt.time(15), end_time=dt.time(17), title="老年大学", by=staff
    )
    agreement = draft_agreement(partner, with_slot=False)

    with pytest.raises(ValidationError) as refused:
        agreement_timeslot_add(
            agreement=agreement,
            space=space,
            weekday=1,
            start_time=dt.time(14),
            end_time=dt.time(16),
            by=staff,
        )

    assert refused.value.messages == ["该时段与已有安排冲突：老年大学 周二 15:00–17:00。"]


def test_void_draft_frees_its_slots():
    partner = partner_in_state("signing")
    agreement = draft_agreement(partner)
    space = agreement.timeslots.first().space

    agreement_void(agreement=agreement, by=street_staff(street=partner.community.street))

    assert (agreement.status, space.timeslots.count()) == (AgreementStatus.VOID, 0)


def test_other_community_staff_may_not_sign():
    partner = partner_in_state("signing")
    agreement = draft_agreement(partner)

    with pytest.raises(PermissionDenied):
        _sign(agreement, Party.STATION, community_staff())
    with pytest.raises(PermissionDenied):
        _sign(agreement, Party.STATION, role_user("reviewer"))


def test_signed_renewal_moves_renewal_due_partner_to_active():
    partner, first = active_partner(end=local_today() + dt.timedelta(days=30), months=12)
    partner_transition(
        partner=partner, transition="mark_renewal_due", by=street_staff(street=partner.community.street)
    )
    assert fact("renewal_agreement_signed", partner) is False
    renewal = draft_agreement(
        partner, kind=AgreementKind.RENEWAL, start=first.end_date + dt.timedelta(days=1), months=24
    )

    sign_all(renewal)

    partner.refresh_from_db()
    assert (renewal.status, partner.status) == (AgreementStatus.SIGNED, PartnerStatus.ACTIVE)
    assert fact("renewal_agreement_signed", partner) is True
    assert PartnerTransition.objects.filter(partner=partner).last().transition == "renew"
