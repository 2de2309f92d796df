"""The SMS length rules every SMS channel applies before it spends a request (issue 17)."""

import pytest
from django.utils import translation

from messaging.channels import OutgoingMessage, PermanentFailure
from messaging.channels.sms_common import (
    check_sms_fits,
    mainland_mobile,
    segment_capacity,
    sms_length,
    sms_segments,
)

SIGN = "睦邻街道"  # shown as 【睦邻街道】: 6 characters


def message(short_body="", **params):
    return OutgoingMessage(
        address="13800138000",
        subject="",
        body="",
        short_body=short_body,
        template_code="SMS_100",
        template_params=params,
    )


def fits(msg, *, max_segments=1, param_max_chars=35):
    return check_sms_fits(msg, sign_name=SIGN, max_segments=max_segments, param_max_chars=param_max_chars)


def test_sms_length_counts_the_signature_with_its_brackets():
    assert sms_length("", sign_name=SIGN) == 6
    assert sms_length("您的申请已受理。", sign_name=SIGN) == 14
    assert sms_length("abc 1,2") == 7


def test_sms_length_counts_a_character_outside_the_bmp_twice():
    assert sms_length("好😀") == 3


@pytest.mark.parametrize(
    ("length", "segments"),
    [(0, 0), (1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (160, 3), (201, 3), (202, 4)],
)
def test_sms_segments_seventy_in_one_else_sixty_seven_each(length, segments):
    assert sms_segments(length) == segments


def test_segment_capacity_is_capped_at_five_hundred_characters():
    assert segment_capacity(1) == 70
    assert segment_capacity(2) == 134
    assert segment_capacity(7) == 469
    assert segment_capacity(8) == 500


def test_check_sms_fits_at_exactly_seventy_characters():
    assert fits(message("字" * 64)) == 70


def test_check_sms_fits_refuses_seventy_one_characters_in_one_segment():
    with pytest.raises(PermanentFailure) as refused:
        fits(message("字" * 65))
    assert refused.value.code == "too-long"
    assert refused.value.reason == "短信连签名共 71 个字，超过允许的 1 条（70 个字），未发送。"


def test_check_sms_fits_one_character_under_the_limit():
    assert fits(message("字" * 63)) == 69


def test_check_sms_fits_long_sms_at_the_sixty_seven_character_boundary():
    assert fits(message("字" * (134 - 6)), max_segments=2) == 134
    with pytest.raises(PermanentFailure) as refused:
        fits(message("字" * (135 - 6)), max_segments=2)
    assert refused.value.reason == "短信连签名共 135 个字，超过允许的 2 条（134 个字），未发送。"


def test_check_sms_fits_never_more_than_five_hundred_characters():
    assert fits(message("字" * (500 - 6)), max_segments=8) == 500
    with pytest.raises(PermanentFailure):
        fits(message("字" * (501 - 6)), max_segments=8)


def test_check_sms_fits_without_a_rendering_counts_signature_and_parameters():
    assert fits(message(name="字" * 30, place="字" * 34)) == 70
    with pytest.raises(PermanentFailure) as refused:
        fits(message(name="字" * 30, place="字" * 35))
    assert refused.value.code == "too-long"


def test_check_sms_fits_a_parameter_at_the_provider_limit():
    assert fits(message(name="字" * 6), param_max_chars=6) == 12


def test_check_sms_fits_refuses_a_parameter_one_over_the_limit_rather_than_cut_it():
    with pytest.raises(PermanentFailure) as refused:
        fits(message(name="字" * 7), param_max_chars=6)
    assert refused.value.code == "param-too-long"
    assert refused.value.reason == "短信模板参数“name”有 7 个字，服务商限 6 个字，未发送。"


def test_check_sms_fits_refuses_a_link_in_a_parameter():
    with pytest.raises(PermanentFailure) as refused:
        fits(message(link="https://example.org/x"), param_max_chars=40)
    assert refused.value.code == "param-has-link"


def test_check_sms_fits_refuses_a_message_without_a_template():
    msg = OutgoingMessage(address="13800138000", subject="", body="", short_body="您好")
    with pytest.raises(PermanentFailure) as refused:
        fits(msg)
    assert refused.value.code == "no-template"


@pytest.mark.parametrize(
    "address", ["13800138000", "+8613800138000", "+86 138-0013-8000", "86 13800138000", "008613800138000"]
)
def test_mainland_mobile_accepts_the_usual_spellings(address):
    assert mainland_mobile(address) == "13800138000"


@pytest.mark.parametrize(
    "address", ["", "1380013800", "138001380001", "23800138000", "12800138000", "+1 415 555 0100", "abc"]
)
def test_mainland_mobile_refuses_what_is_not_a_mainland_mobile(address):
    with pytest.raises(PermanentFailure) as refused:
        mainland_mobile(address)
    assert refused.value.code == "invalid-number"


def test_refusal_reads_in_english_for_an_english_reader():
    with translation.override("en"), pytest.raises(PermanentFailure) as refused:
        mainland_mobile("12345")

    assert refused.value.reason == "“12345” is not a valid mainland China mobile number; not sent."
