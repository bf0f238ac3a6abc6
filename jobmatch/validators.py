"""Checks for the identifiers and codes a bureau roster carries, as plain functions.

Each ``parse_*`` function takes what a person typed (full-width digits, stray spaces and a
lower-case x included) and returns the normalised value, or raises ``ValueError`` with a message
a person can act on.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from jobmatch import clock

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")

MIN_WORKING_AGE = 16


def normalise_text(value: str) -> str:
    """Full-width letters and digits to ASCII (NFKC), inner and outer white space removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: date
    gender: str  # "male" or "female", from the sequence number's parity

    @property
    def area_code(self) -> str:
        return self.number[:6]

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)


def age_on(birth_date: date, day: date) -> int:
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


def id_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def parse_id_number(value: str, today: date | None = None) -> IdNumber:
    """Validate a GB 11643-1999 citizen ID number: shape, real birth date, check character."""
    number = normalise_text(value).upper()
    if len(number) != 18:
        raise ValueError(f"身份证号码应为18位，现为{len(number)}位。")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValueError("身份证号码前17位应为数字，最后一位为数字或X。")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValueError(f"身份证号码中的出生日期{number[6:14]}不是真实日期。") from None
    today = today or clock.today()
    if birth > today or birth.year < 1900:
        raise ValueError(f"身份证号码中的出生日期{number[6:14]}不合理。")
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise ValueError(f"身份证号码校验位错误：最后一位应为{expected}，请核对号码。")
    gender = "male" if int(number[16]) % 2 == 1 else "female"
    return IdNumber(number=number, birth_date=birth, gender=gender)


def parse_working_age_id(value: str, today: date | None = None) -> IdNumber:
    """A valid ID number of someone of working age (16 and over) today."""
    today = today or clock.today()
    parsed = parse_id_number(value, today)
    if parsed.age_on(today) < MIN_WORKING_AGE:
        raise ValueError(
            f"未满{MIN_WORKING_AGE}周岁（出生于{parsed.birth_date.isoformat()}），不能登记。"
        )
    return parsed


def credit_code_check_char(first17: str) -> str:
    total = sum(
        CREDIT_CODE_CHARS.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def parse_credit_code(value: str) -> str:
    """Validate a GB 32100-2015 unified social credit code and its check character."""
    code = normalise_text(value).upper()
    if len(code) != 18:
        raise ValueError(f"统一社会信用代码应为18位，现为{len(code)}位。")
    if not CREDIT_CODE_PATTERN.match(code):
        raise ValueError("统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V）。")
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValueError(f"统一社会信用代码校验位错误：最后一位应为{expected}。")
    return code


def parse_mobile(value: str) -> str:
    """Validate a mainland mobile number; accepts +86/0086 prefixes and separators."""
    number = re.sub(r"[-()（）]", "", normalise_text(value))
    number = re.sub(r"^(\+?86|0086)(?=1\d{10}$)", "", number)
    if not MOBILE_PATTERN.match(number):
        raise ValueError("手机号码应为11位数字，以13至19开头。")
    return number


def mask_id_number(number: str) -> str:
    return f"{number[:6]}{'*' * 8}{number[-4:]}"


def mask_mobile(number: str) -> str:
    return f"{number[:3]}****{number[-4:]}"
