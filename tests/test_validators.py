from datetime import date

import pytest

from jobmatch.education import meets_education, parse_education
from jobmatch.validators import (
    mask_id_number,
    mask_mobile,
    parse_credit_code,
    parse_id_number,
    parse_mobile,
)


@pytest.mark.parametrize(
    ("raw", "number", "birth", "gender"),
    [
        ("11010519491231002X", "11010519491231002X", date(1949, 12, 31), "female"),
        ("34052419800101001x", "34052419800101001X", date(1980, 1, 1), "male"),
        (" 3405 2419 8001 0100 1X ", "34052419800101001X", date(1980, 1, 1), "male"),
        ("３４０５２４１９８００１０１００１Ｘ", "34052419800101001X", date(1980, 1, 1), "male"),
    ],
)
def test_valid_id_numbers_give_birth_date_and_gender(raw, number, birth, gender):
    parsed = parse_id_number(raw)
    assert (parsed.number, parsed.birth_date, parsed.gender) == (number, birth, gender)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("110105194912310021", "最后一位应为X"),
        ("11010519491231002", "18位"),
        ("1101051949123100AX", "数字"),
        ("110105194902300027", "不是真实日期"),
        ("110105209912310021", "不合理"),
    ],
)
def test_invalid_id_numbers_say_what_is_wrong(raw, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_id_number(raw)


def test_age_counts_whole_years():
    parsed = parse_id_number("34052419800101001X")
    assert parsed.age_on(date(2025, 12, 31)) == 45
    assert parsed.age_on(date(2026, 1, 1)) == 46


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L"])
def test_valid_credit_codes(code):
    assert parse_credit_code(code.lower()) == code


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91350100M000100Y44", "校验位"),
        ("91350100M000100Y4", "18位"),
        ("91350100M0001OOY43", "字符"),
    ],
)
def test_invalid_credit_codes(code, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_credit_code(code)


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "138 1234 5678",
        "+86 138-1234-5678",
        "008613812345678",
        "１３８１２３４５６７８",
    ],
)
def test_mobile_numbers_are_normalised(raw):
    assert parse_mobile(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "0352-1234567", "abc"])
def test_invalid_mobile_numbers(raw):
    with pytest.raises(ValueError, match="11位"):
        parse_mobile(raw)


def test_masks():
    assert mask_id_number("140222198506150011") == "140222********0011"
    assert mask_mobile("13812345678") == "138****5678"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("初中", "junior_high"),
        ("初中毕业", "junior_high"),
        ("初级中学", "junior_high"),
        (" 初 中 ", "junior_high"),
        ("初中及以下", "junior_high"),
        ("70", "junior_high"),
        ("junior_high", "junior_high"),
        ("JUNIOR_HIGH", "junior_high"),
        ("中专", "secondary_vocational"),
        ("技校", "secondary_vocational"),
        ("高中肄业", "senior_high"),
        ("大专", "college"),
        ("大学本科", "bachelor"),
        ("硕士研究生", "postgraduate"),
        ("小学文化", "primary"),
        ("文盲", "other"),
    ],
)
def test_education_spellings(raw, value):
    assert parse_education(raw) == value


def test_unknown_education_lists_the_choices():
    with pytest.raises(ValueError, match="初中"):
        parse_education("幼儿园大班")


def test_education_order():
    assert meets_education("senior_high", "secondary_vocational")
    assert meets_education("secondary_vocational", "senior_high")
    assert not meets_education("junior_high", "senior_high")
    assert meets_education("other", None)
    assert not meets_education("other", "primary")
