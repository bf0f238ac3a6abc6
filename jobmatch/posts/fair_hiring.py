"""The 2026 national notice on job postings: no sex, ethnicity, religion or household
registration (户籍) requirement. Posts carrying one, as a field or in their words, are refused."""

import re
import unicodedata

MESSAGE = "根据2026年国家招聘信息发布规定，岗位不得设置性别、民族、宗教信仰或户籍要求。"

# Field names a client might send such a requirement under (compared lower-cased, "-" as "_").
_FIELD_WORDS = ("gender", "sex", "ethnic", "hukou", "household", "religio", "性别", "民族", "户籍")
_FIELD_NAMES = {"nation", "nationality", "race", "户口", "宗教", "信仰"}

# Saying there is no such requirement is fine; these are removed before looking for one.
_NO_REQUIREMENT = re.compile(
    r"男女不限|不限男女|男女均可|男女皆可|男女兼招|性别不限|不限性别|民族不限|不限民族"
    r"|户籍不限|不限户籍|户口不限|不限户口|宗教不限|不限宗教|信仰不限|不限信仰"
)
_REQUIREMENTS = {
    "性别": re.compile(r"限男|限女|男性|女性|男士|女士|男工|女工|男生|女生|只招男|只招女"),
    "民族": re.compile(r"汉族|回族|蒙古族|满族|藏族|维吾尔族|少数民族|限民族|民族要求"),
    "宗教信仰": re.compile(r"宗教|信仰|信教"),
    "户籍": re.compile(r"户口|户籍|本地人|外地人|限本地|本县人|本市人"),
}


def is_requirement_field(name: str) -> bool:
    key = unicodedata.normalize("NFKC", str(name)).strip().lower().replace("-", "_")
    return key in _FIELD_NAMES or any(word in key for word in _FIELD_WORDS)


def requirements_in_text(text: str) -> list[str]:
    """The banned requirements a title or description states, as the words it uses."""
    plain = _NO_REQUIREMENT.sub("", re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))
    return [
        match.group() for pattern in _REQUIREMENTS.values() for match in pattern.finditer(plain)
    ]
