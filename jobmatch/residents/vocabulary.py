"""How a bureau roster writes shifts, priority groups, employment, wages and lists.

Each ``parse_*`` function takes what a person typed and returns the code, or raises
``ValueError`` with a message saying what to write instead. The words for each code come from
its enum, whose labels are also what the roster export writes, so an exported roster imports
back unchanged.
"""

import re
import unicodedata

from jobmatch.residents.enums import EmploymentStatus, PriorityGroup, ShiftPreference, YesNo
from jobmatch.vocabulary import compact

# Words a roster writes in the priority-group column for "none of them".
_NO_GROUP_WORDS = {"无", "否", "一般户", "普通户", "一般", "-", "/"}

LIST_SEPARATORS = re.compile(r"[、,，;；/|\s]+")

_SPACES = re.compile(r"\s+")
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
    return ShiftPreference.parse(value).value


def parse_groups(value: str) -> list[str]:
    groups: list[str] = []
    unknown: list[str] = []
    for item in split_list(value):
        if item.lower() in _NO_GROUP_WORDS:
            continue
        group = PriorityGroup.lookup(item)
        if group is None:
            unknown.append(item)
        elif group.value not in groups:
            groups.append(group.value)
    if unknown:
        raise ValueError(
            f"无法识别的人员类别：{'、'.join(unknown)}。可填写：{PriorityGroup.choices()}。"
        )
    return groups


def group_of(word: str) -> str | None:
    """The priority group a word names (脱贫户, 残疾, low_income), or None."""
    group = PriorityGroup.lookup(word)
    return group.value if group is not None else None


def parse_yes_no(value: str) -> bool:
    """是/否 as a roster writes it: 是, Y, √, 1 or 否, N, ×, 0 (a blank cell is not asked)."""
    answer = YesNo.lookup(value)
    if answer is None:
        raise ValueError(f"无法识别“{value}”，请填写“是”或“否”。")
    return answer is YesNo.YES


_NONE_WORDS = {"无", "没有", "暂无", "-", "/", "—", "无技能", "none"}


def means_none(value: str) -> bool:
    """无, 暂无, - : the cell says there is nothing, which is not a name of anything."""
    return compact(value) in _NONE_WORDS


def parse_employment_status(value: str) -> str:
    return EmploymentStatus.parse(value).value


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


def parse_household_no(value: str | int | float) -> str:
    """The roster's 户号 as text: a number Excel stored as one loses its ".0", not its digits."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = compact(value).removeprefix("'")
    if not 1 <= len(text) <= 32 or any(not char.isalnum() and char not in "-_" for char in text):
        raise ValueError(f"无法识别的户号“{value}”：应为1至32位的字母、数字或连字符。")
    return text
