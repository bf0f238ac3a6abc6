"""The catalogues a roster row is checked against, loaded once per import: communities with
their grids, and skills by code, name and synonym; near misses get a suggestion."""

import difflib

from sqlalchemy import select

from jobmatch.catalogue.models import Skill
from jobmatch.catalogue.synonyms import SKILL_SYNONYMS
from jobmatch.communities.models import Community, Grid
from jobmatch.extensions import db
from jobmatch.residents import vocabulary

_DIGITS = dict(zip("零一二三四五六七八九", range(10), strict=True))


def _grid_number(text: str) -> int | None:
    """第一网格, 一网格, 1网格, 1, 第12网格: the grid's number, as far as it says one."""
    key = vocabulary.compact(text).removeprefix("第").removesuffix("网格").removesuffix("格")
    if key.isdigit():
        return int(key)
    if key and all(char in _DIGITS or char == "十" for char in key):
        if "十" not in key:
            return int("".join(str(_DIGITS[char]) for char in key))
        tens, _, ones = key.partition("十")
        return (_DIGITS.get(tens, 1) if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)
    return None


def suggestion(text: str, names: dict[str, str]) -> str:
    """ "是否指：焊接？" for the known name closest to ``text``, or nothing."""
    close = difflib.get_close_matches(vocabulary.compact(text), list(names), n=1, cutoff=0.5)
    return f"是否指：{names[close[0]]}？" if close else ""


class Catalogues:
    """Communities, grids and skills by every name a roster may give them."""

    def __init__(self) -> None:
        self.community_ids: set[int] = set()
        self.communities: dict[str, int] = {}
        self.community_names: dict[str, str] = {}  # compact key -> display name
        for community_id, name in db.session.execute(select(Community.id, Community.name)):
            self.community_ids.add(community_id)
            key = vocabulary.compact(name)
            self.communities[key] = community_id
            self.community_names[key] = name
        for key, community_id in list(self.communities.items()):
            if key.endswith("社区") and len(key) > 2:
                self.communities.setdefault(key.removesuffix("社区"), community_id)
        self.grids: dict[int, dict[str, int]] = {}
        for grid_id, community_id, name in db.session.execute(
            select(Grid.id, Grid.community_id, Grid.name)
        ):
            by_name = self.grids.setdefault(community_id, {})
            by_name[vocabulary.compact(name)] = grid_id
            number = _grid_number(name)
            if number is not None:
                by_name.setdefault(str(number), grid_id)
        self.skills: dict[str, str] = {}
        self.skill_names: dict[str, str] = {}  # compact word -> catalogue name
        names = {code: name for code, name in db.session.execute(select(Skill.code, Skill.name))}
        for code, name in names.items():
            self.skills[code.lower()] = code
            self.skills.setdefault(vocabulary.compact(name), code)
            self.skill_names[vocabulary.compact(name)] = name
        for code, words in SKILL_SYNONYMS.items():
            if code in names:
                for word in words:
                    self.skills.setdefault(vocabulary.compact(word), code)
                    self.skill_names.setdefault(vocabulary.compact(word), names[code])

    def community(self, text: str) -> int:
        key = vocabulary.compact(text)
        if key.isdigit() and int(key) in self.community_ids:
            return int(key)
        for candidate in (key, key.removesuffix("社区")):
            if candidate in self.communities:
                return self.communities[candidate]
        hint = suggestion(text, self.community_names)
        raise ValueError(f"找不到社区“{text.strip()}”。{hint or '请填写系统中已有的社区名称。'}")

    def grid(self, text: str, community_id: int | None) -> int:
        if community_id is None:
            raise ValueError(f"网格“{text.strip()}”无法对应：未填写社区，网格按社区查找。")
        grids = self.grids.get(community_id, {})
        key = vocabulary.compact(text)
        number = _grid_number(text)
        found = grids.get(key) or (grids.get(str(number)) if number is not None else None)
        if found is None:
            raise ValueError(f"所在社区没有网格“{text.strip()}”，网格未记录。")
        return found

    def skill_codes(self, text: str) -> list[str]:
        codes, unknown = [], []
        for item in vocabulary.split_list(text):
            code = self.skills.get(vocabulary.compact(item))
            if code is None:
                unknown.append(item)
            elif code not in codes:
                codes.append(code)
        if unknown:
            hints = [suggestion(item, self.skill_names) for item in unknown]
            hint = "".join(hint for hint in hints if hint)
            words = "、".join(unknown)
            raise ValueError(f"未知的技能：{words}，技能未记录。{hint}".rstrip())
        return codes
