"""The words a bureau roster uses for shifts, priority groups, employment and wages.

Each ``parse_*`` function takes what a person typed and returns the contract value, or raises
``ValueError`` with a message saying what to write instead. The Chinese names are also what the
roster export writes, so an exported roster imports back unchanged.
"""

import re
import unicodedata

from jobmatch.residents.models import EMPLOYMENT_STATUSES, PRIORITY_GROUPS, SHIFT_PREFERENCES

# The names the export writes; each is one parse_education reads back.
EDUCATION_NAMES_ZH = {
    "postgraduate": "研究生",
    "bachelor": "本科",
    "college": "大专",
    "secondary_vocational": "中专",
    "senior_high": "高中",
    "junior_high": "初中",
    "primary": "小学",
    "other": "其他",
}
SHIFT_NAMES_ZH = {"day": "白班", "night": "夜班", "any": "不限"}
GROUP_NAMES_ZH = {
    "relocated": "搬迁户",
    "poverty_alleviated": "脱贫户",
    "monitored": "监测户",
    "low_income": "低保户",
    "disabled": "残疾人",
    "zero_employment_family": "零就业家庭",
    "veteran": "退役军人",
}
EMPLOYMENT_NAMES_ZH = {
    "unemployed": "未就业",
    "employed": "已就业",
    "self_employed": "灵活就业",
    "in_training": "培训中",
    "not_seeking": "暂不求职",
}

_SHIFT_WORDS = {
    "day": ["白班", "白天", "日班", "长白班", "常白班", "白"],
    "night": ["夜班", "晚班", "夜间", "夜"],
    # Someone who accepts rotating shifts works days and nights alike: "any" is the honest fit.
    "any": [
        "不限",
        "均可",
        "都可以",
        "都行",
        "皆可",
        "无要求",
        "随意",
        "倒班",
        "轮班",
        "两班倒",
        "三班倒",
    ],
}
_GROUP_WORDS = {
    "relocated": ["搬迁户", "易地搬迁户", "易地扶贫搬迁", "易地扶贫搬迁户", "移民搬迁户", "搬迁"],
    "poverty_alleviated": ["脱贫户", "脱贫人口", "脱贫", "建档立卡户", "建档立卡脱贫户"],
    "monitored": [
        "监测户",
        "监测对象",
        "防返贫监测对象",
        "边缘易致贫户",
        "脱贫不稳定户",
        "突发严重困难户",
    ],
    "low_income": ["低保户", "低保", "低保对象", "低保家庭"],
    "disabled": ["残疾人", "残疾", "残疾人员"],
    "zero_employment_family": ["零就业家庭", "零就业", "零就业户"],
    "veteran": ["退役军人", "退伍军人", "复员军人"],
}
_NO_GROUP_WORDS = {"无", "否", "一般户", "普通户", "一般", "-", "/"}
_EMPLOYMENT_WORDS = {
    "unemployed": ["未就业", "失业", "待业", "无业", "未就业人员"],
    "employed": ["已就业", "就业", "在岗", "务工", "在职"],
    "self_employed": ["灵活就业", "自主创业", "个体", "自雇", "创业"],
    "in_training": ["培训中", "在培", "参加培训", "在训"],
    "not_seeking": ["暂不求职", "不求职", "无就业意愿", "暂不就业"],
}

LIST_SEPARATORS = re.compile(r"[、,，;；/|\s]+")


def _lookup(words: dict[str, list[str]], values: tuple[str, ...]) -> dict[str, str]:
    table = {value: value for value in values}
    for value, names in words.items():
        for name in names:
            table[name] = value
    return table


_SHIFTS = _lookup(_SHIFT_WORDS, SHIFT_PREFERENCES)
_GROUPS = _lookup(_GROUP_WORDS, PRIORITY_GROUPS)
_EMPLOYMENT = _lookup(_EMPLOYMENT_WORDS, EMPLOYMENT_STATUSES)


_SPACES = re.compile(r"\s+")


def compact(value: str) -> str:
    """Full-width to ASCII, white space removed, lower case (for English field values)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(value))).lower()


_SPACE_BY_HAN = re.compile(r"(?<=[\u3400-\u9fff])\s+|\s+(?=[\u3400-\u9fff])")
# The separator of minority names (阿依古丽·买买提) as keyboards and fonts spell it: bullets,
# katakana and full-width dots, and a full stop between two Chinese characters.
_MIDDLE_DOTS = re.compile(
    r"\s*[\u2022\u2027\u2219\u22c5\u30fb\uff65\u0387\u16eb\u2e31\u00b7]\s*"
    r"|(?<=[\u3400-\u9fff])\s*[.\uff0e\u3002]\s*(?=[\u3400-\u9fff])"
)
# A character a lossy encoding could not hold comes back as ? or U+FFFD.
_DAMAGE = re.compile(r"[?\ufffd\uff1f]")
_HAN = re.compile(r"[\u3400-\u9fff]")


def normalise_name(value: str) -> str:
    """ "张 三" and "张三 " are 张三; "Ali  Hasan" keeps one space between its words; every
    spelling of the middle dot of a minority name is ·."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", str(value))).strip()
    text = _MIDDLE_DOTS.sub("\u00b7", text)
    return _SPACE_BY_HAN.sub("", text)


def damaged_name(name: str) -> bool:
    """A Chinese name holding ? or U+FFFD: a character was lost on the way, not typed."""
    return bool(_DAMAGE.search(name)) and bool(_HAN.search(name))


def split_list(value: str) -> list[str]:
    """Split "搬迁户、脱贫户" or "a, b; c" into its items, in order, without blanks."""
    text = unicodedata.normalize("NFKC", str(value))
    return [item for item in LIST_SEPARATORS.split(text) if item]


def parse_shift(value: str) -> str:
    text = compact(value)
    if text in _SHIFTS:
        return _SHIFTS[text]
    raise ValueError(f"无法识别的班次意向“{value}”，请填写白班、夜班或不限。")


def group_of(word: str) -> str | None:
    """The priority group a word names (脱贫户, 残疾, low_income), or None."""
    return _GROUPS.get(compact(word))


def parse_groups(value: str) -> list[str]:
    """The groups "搬迁户、脱贫户" names; "无" or "一般户" is none at all."""
    groups: list[str] = []
    unknown: list[str] = []
    for item in split_list(value):
        word = item.lower()
        if word in _NO_GROUP_WORDS:
            continue
        if word in _GROUPS:
            if _GROUPS[word] not in groups:
                groups.append(_GROUPS[word])
        else:
            unknown.append(item)
    if unknown:
        choices = "、".join(GROUP_NAMES_ZH.values())
        raise ValueError(f"无法识别的人员类别：{'、'.join(unknown)}。可填写：{choices}。")
    return groups


_YES = {"是", "y", "yes", "√", "✓", "✔", "1", "true", "有", "☑", "■", "是的", "对"}
_NO = {"否", "n", "no", "×", "✗", "✘", "x", "0", "false", "无", "不是", "□", "-", "/", "—"}


def parse_yes_no(value: str) -> bool:
    """是/否 as a roster writes it: 是, Y, √, 1 or 否, N, ×, 0 (a blank cell is not asked)."""
    text = compact(value)
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"无法识别“{value}”，请填写“是”或“否”。")


_NONE_WORDS = {"无", "没有", "暂无", "-", "/", "—", "无技能", "none"}


def means_none(value: str) -> bool:
    """无, 暂无, - : the cell says there is nothing, which is not a name of anything."""
    return compact(value) in _NONE_WORDS


def parse_employment_status(value: str) -> str:
    text = compact(value)
    if text in _EMPLOYMENT:
        return _EMPLOYMENT[text]
    choices = "、".join(EMPLOYMENT_NAMES_ZH.values())
    raise ValueError(f"无法识别的就业状态“{value}”，请填写：{choices}。")


MAX_WAGE = 1_000_000
_WAGE = re.compile(r"^(\d+(?:\.\d+)?)(?:[-~至到]\d+(?:\.\d+)?)?(?:元)?(?:/月|每月)?(?:左右|以上)?$")


def parse_wage(value: str | int | float) -> int:
    """A monthly wage in yuan: 3000, "3000元", "3,000元/月", "3000左右"; a range gives its floor."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        amount = float(value)
    else:
        match = _WAGE.match(compact(value).replace(",", ""))
        if not match:
            raise ValueError(f"无法识别的期望月薪“{value}”，请填写每月元数，如3000。")
        amount = float(match.group(1))
    if not 0 <= amount <= MAX_WAGE:
        raise ValueError(f"期望月薪应在0到{MAX_WAGE}元之间。")
    return round(amount)


MAX_COMMUTE_KM = 1000.0


def parse_commute_km(value: str | int | float) -> float:
    text = compact(value).removesuffix("公里").removesuffix("km")
    try:
        distance = float(text)
    except ValueError:
        raise ValueError(f"无法识别的通勤距离“{value}”，请填写公里数，如10。") from None
    if not 0 < distance <= MAX_COMMUTE_KM:
        raise ValueError(f"通勤距离应大于0且不超过{MAX_COMMUTE_KM:g}公里。")
    return distance
