"""Check-digit validators: 统一社会信用代码 (GB 32100-2015), 身份证号 (GB 11643), mobile."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from calls.validators import validate_credit_code, validate_id_number, validate_mobile


@pytest.mark.parametrize(
    "code",
    [
        "91330100716105852F",
        "9144030071526726XG",
        "914403001922038216",
        "91110000600037341L",
    ],
)
def test_credit_code_valid(code):
    assert validate_credit_code(code) is None


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91330100716105852G", "check_digit"),  # last character changed
        ("91330100716105852", "length"),  # 17 characters
        ("9133010071610585201", "length"),  # 19
        ("91330100716I05852F", "shape"),  # I is not in the alphabet
        ("913301OO716105852F", "shape"),  # letters where the region code is
        ("", "length"),
    ],
)
def test_credit_code_invalid(code, error):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == error


@pytest.mark.parametrize(
    "number", ["11010519491231002X", "11010519491231002x", "110101199003077774", "11010119900307803X"]
)
def test_id_number_valid_including_x(number):
    assert validate_id_number(number, today=dt.date(2026, 11, 22)) is None


@pytest.mark.parametrize(
    ("number", "error"),
    [
        ("110105194912310021", "check_digit"),  # should end in X
        ("110101199003077775", "check_digit"),
        ("11010519491331002X", "birth_date"),  # month 13
        ("11010519490230002X", "birth_date"),  # 30 February
        ("110105203001010011", "birth_date"),  # born in the future
        ("11010518991231002X", "birth_date"),  # before 1900
        ("1101051949123100", "length"),
        ("11010519491231002Y", "shape"),
        ("X10105194912310020", "shape"),
    ],
)
def test_id_number_invalid(number, error):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(number, today=dt.date(2026, 11, 22))
    assert exc.value.code == error


def test_id_number_born_today_is_valid_and_tomorrow_is_not():
    from calls.validators import id_number_check_char

    first17 = "11010520261122001"
    number = first17 + id_number_check_char(first17)
    assert validate_id_number(number, today=dt.date(2026, 11, 22)) is None
    with pytest.raises(ValidationError):
        validate_id_number(number, today=dt.date(2026, 11, 21))


@pytest.mark.parametrize("mobile", ["13812345678", "19912345678", "15000000000"])
def test_mobile_valid(mobile):
    assert validate_mobile(mobile) is None


@pytest.mark.parametrize(
    "mobile", ["12812345678", "1381234567", "138123456789", "1381234567a", "+8613812345678", ""]
)
def test_mobile_invalid(mobile):
    with pytest.raises(ValidationError):
        validate_mobile(mobile)
