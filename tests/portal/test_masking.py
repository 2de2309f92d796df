import pytest

from portal.masking import mask_id_number, mask_mobile, mask_person_name


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三丰", "张*丰"),
        ("张三", "张*"),
        ("欧阳娜娜", "欧阳*娜"),
        ("王", "王*"),
        ("", ""),
    ],
)
def test_person_names_keep_only_surname_and_last_character(name, masked):
    assert mask_person_name(name) == masked


def test_mobile_shows_first_three_and_last_four():
    assert mask_mobile("13812341234") == "138****1234"
    assert mask_mobile("123") == "****"


def test_id_number_keeps_only_first_and_last_character():
    assert mask_id_number("32118319900101123X") == "3" + "*" * 16 + "X"
