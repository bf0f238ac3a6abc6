"""Education levels (GB/T 4658-2006) and the many ways a roster spells them."""

from enum import nonmember

from jobmatch.vocabulary import Vocabulary, compact


class Education(Vocabulary):
    noun = nonmember("文化程度")

    POSTGRADUATE = "postgraduate", "研究生", "硕士", "博士", "硕士研究生", "博士研究生"
    BACHELOR = "bachelor", "大学本科", "本科", "大本", "学士", "大学"
    COLLEGE = "college", "大专", "专科", "大学专科", "高职", "高等职业教育"
    SECONDARY_VOCATIONAL = (
        "secondary_vocational",
        "中专",
        "中专/中职",
        "中职",
        "中技",
        "技校",
        "职高",
        "职业高中",
        "中等专科",
        "中等职业教育",
        "中等专业学校",
        "技工学校",
    )
    SENIOR_HIGH = "senior_high", "高中", "普高", "普通高中", "高级中学"
    JUNIOR_HIGH = "junior_high", "初中", "初级中学", "初小", "初中及以下", "中学", "初"
    PRIMARY = "primary", "小学", "高小", "小学及以下"
    OTHER = (
        "other",
        "其他",
        "文盲",
        "半文盲",
        "无",
        "不识字",
        "文盲或半文盲",
        "未上学",
        "学前",
    )

    @property
    def code(self) -> int:
        """The GB/T 4658-2006 code, which rosters also write for the level."""
        return EDUCATION_CODES[self.value]

    @classmethod
    def lookup(cls, text: object) -> "Education | None":
        """A code, a GB/T 4658 number or a spelling, with "毕业", "学历", "及以下" and the like."""
        word = compact(text)
        while True:
            member = super().lookup(word) or _BY_GBT_CODE.get(word)
            if member is not None:
                return member
            for suffix in _SUFFIXES:
                if word.endswith(suffix) and len(word) > len(suffix):
                    word = word[: -len(suffix)]
                    break
            else:
                return None


# Code -> GB/T 4658-2006 number.
EDUCATION_CODES = {
    Education.POSTGRADUATE.value: 10,
    Education.BACHELOR.value: 20,
    Education.COLLEGE.value: 30,
    Education.SECONDARY_VOCATIONAL.value: 40,
    Education.SENIOR_HIGH.value: 60,
    Education.JUNIOR_HIGH.value: 70,
    Education.PRIMARY.value: 80,
    Education.OTHER.value: 90,
}
_BY_GBT_CODE = {str(number): Education(value) for value, number in EDUCATION_CODES.items()}

# Comparable rank: senior high and secondary vocational stand level with each other.
EDUCATION_RANK = {
    Education.OTHER.value: 0,
    Education.PRIMARY.value: 1,
    Education.JUNIOR_HIGH.value: 2,
    Education.SENIOR_HIGH.value: 3,
    Education.SECONDARY_VOCATIONAL.value: 3,
    Education.COLLEGE.value: 4,
    Education.BACHELOR.value: 5,
    Education.POSTGRADUATE.value: 6,
}

_SUFFIXES = ("毕业", "肄业", "结业", "在读", "学历", "文化", "程度", "以下", "及以下")


def parse_education(value: str) -> str:
    """Map a code, a GB/T 4658 number or a Chinese spelling to the code."""
    return Education.parse(value).value


def meets_education(held: str, required: str | None) -> bool:
    return required is None or EDUCATION_RANK[held] >= EDUCATION_RANK[required]
