"""Education levels (GB/T 4658-2006) and the many ways a roster spells them."""

import re
import unicodedata

# API code -> GB/T 4658-2006 code (docs/domain.md).
EDUCATION_CODES = {
    "postgraduate": 10,
    "bachelor": 20,
    "college": 30,
    "secondary_vocational": 40,
    "senior_high": 60,
    "junior_high": 70,
    "primary": 80,
    "other": 90,
}

# Comparable rank: senior high and secondary vocational stand level with each other.
EDUCATION_RANK = {
    "other": 0,
    "primary": 1,
    "junior_high": 2,
    "senior_high": 3,
    "secondary_vocational": 3,
    "college": 4,
    "bachelor": 5,
    "postgraduate": 6,
}

EDUCATION_NAMES_ZH = {
    "postgraduate": "研究生",
    "bachelor": "大学本科",
    "college": "大专",
    "secondary_vocational": "中专/中职",
    "senior_high": "高中",
    "junior_high": "初中",
    "primary": "小学",
    "other": "其他",
}

_SYNONYMS = {
    "postgraduate": ["研究生", "硕士", "博士", "硕士研究生", "博士研究生"],
    "bachelor": ["本科", "大学本科", "大本", "学士", "大学"],
    "college": ["大专", "专科", "大学专科", "高职", "高等职业教育"],
    "secondary_vocational": [
        "中专",
        "中职",
        "中技",
        "技校",
        "职高",
        "职业高中",
        "中等专科",
        "中等职业教育",
        "中等专业学校",
        "技工学校",
    ],
    "senior_high": ["高中", "普高", "普通高中", "高级中学"],
    "junior_high": ["初中", "初级中学", "初小", "初中及以下", "中学", "初"],
    "primary": ["小学", "高小", "小学及以下"],
    "other": ["其他", "文盲", "半文盲", "无", "不识字", "文盲或半文盲", "未上学", "学前"],
}

_SUFFIXES = ("毕业", "肄业", "结业", "在读", "学历", "文化", "程度", "以下", "及以下")

_LOOKUP: dict[str, str] = {}
for _value, _names in _SYNONYMS.items():
    _LOOKUP[_value] = _value
    _LOOKUP[str(EDUCATION_CODES[_value])] = _value
    for _name in _names:
        _LOOKUP[_name] = _value


def parse_education(value: str) -> str:
    """Map an API code, a GB/T 4658 code or a Chinese spelling to the API code."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).lower()
    if text in _LOOKUP:
        return _LOOKUP[text]
    stripped = text
    while True:
        for suffix in _SUFFIXES:
            if stripped.endswith(suffix) and len(stripped) > len(suffix):
                stripped = stripped[: -len(suffix)]
                break
        else:
            break
        if stripped in _LOOKUP:
            return _LOOKUP[stripped]
    if stripped in _LOOKUP:
        return _LOOKUP[stripped]
    choices = "、".join(EDUCATION_NAMES_ZH.values())
    raise ValueError(f"无法识别的文化程度“{value}”，请填写：{choices}。")


def meets_education(held: str, required: str | None) -> bool:
    return required is None or EDUCATION_RANK[held] >= EDUCATION_RANK[required]
