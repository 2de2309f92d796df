"""Personal data never reaches a log (portal/log_masking.py, on every handler)."""

import logging

import pytest

from portal.log_masking import PersonalDataFilter, mask_personal_data


@pytest.mark.parametrize(
    "text, masked",
    [
        ("手机 13812345678 已提交", "手机 138****5678 已提交"),
        ("mobile=19912345678,", "mobile=199****5678,"),
        ("身份证 11010519491231002X", "身份证 1****************X"),
        ("id 110101199003077774.", "id 1****************4."),
        ("mail wang.xiaoming@example.cn now", "mail w***@example.cn now"),
        # Not personal data of the kinds masked: kept as they are.
        ("reference MLHH-2026-000123", "reference MLHH-2026-000123"),
        ("12812345678 is no mobile", "12812345678 is no mobile"),
        ("138123456789 has twelve digits", "138123456789 has twelve digits"),
        ("1101051949123100 is sixteen", "1101051949123100 is sixteen"),
    ],
)
def test_mask_personal_data(text, masked):
    assert mask_personal_data(text) == masked


def test_filter_masks_arguments_and_traceback():
    handler_records = []

    class Keep(logging.Handler):
        def emit(self, record):
            handler_records.append(self.format(record))

    handler = Keep()
    handler.addFilter(PersonalDataFilter())
    logger = logging.getLogger("tests.masking")
    logger.addHandler(handler)
    try:
        logger.warning("submitted by %s (%s)", "13812345678", "a@b.cn")
        try:
            raise ValueError("bad id 11010519491231002X")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)

    assert handler_records[0] == "submitted by 138****5678 (a***@b.cn)"
    assert "1****************X" in handler_records[1]
    assert "11010519491231002X" not in handler_records[1]


def test_every_configured_handler_masks(settings):
    assert all("personal_data" in h.get("filters", []) for h in settings.LOGGING["handlers"].values())


def test_request_log_of_the_portal_is_masked(caplog, settings):
    # The root handler of the configured logging masks what Django's loggers write.
    root_filters = [f for h in logging.getLogger().handlers for f in h.filters]
    assert any(isinstance(f, PersonalDataFilter) for f in root_filters)
