"""Reasons for a ranked pair, read from the ranker's own contributions, and its commute.

Each ranker answers ``contributions(X)``: how much each feature moved each pair's log-odds
(exactly, for the learned model and the rules ranker alike). Features are gathered into topics
(skills, training, commute, pay, shift, age, education, perks, the firm's record); a topic that
raised the score by at least MIN_WEIGHT is a reason to apply (推荐理由, ``reasons``, strongest
first, at most three), one that lowered it by as much is something to know (需要注意,
``cautions``). A negative is never written as a reason. Every pair also states its distance and
an estimate of the commute (``commute``). Phrases for a firm speak of the resident and never
mention the priority groups or the firm's own record.
"""

import numpy as np

from jobmatch.matching.features import FEATURE_INDEX, FEATURE_NAMES
from jobmatch.matching.tables import SHIFT_CODES, PostTable, ResidentTable
from jobmatch.posts.enums import Shift

SHIFT_NAMES = {number: Shift(shift).label for shift, number in SHIFT_CODES.items()}
MIN_WEIGHT = 0.05  # log-odds: below this a topic is not worth a line
MAX_PHRASES = 3
# Minutes per km for the commute estimate: by one's own vehicle, else by bicycle or bus.
MINUTES_PER_KM = {1: 2.4, 0: 5.0, -1: 5.0}
TOPICS = {
    "skills": ("skill_coverage", "skills_missing", "related_skill", "skilled_coverage"),
    "training": ("training_relevance",),
    "commute": ("distance_km", "distance_unknown", "commute_ratio"),
    "pay": ("wage_gap", "wage_below", "wage_shortfall", "desired_unknown"),
    "shift": (
        "shift_fit", "post_night", "post_rotating", "night_caregiver", "night_refused",
        "rotating_caregiver",
    ),
    "age": ("age_under_25", "age_45_54", "age_55_plus", "age_margin"),
    "education": ("education_margin",),
    "perks": ("perks",),
    "firm": ("firm_rate_lift",),
    # The same for every post of a resident: part of the score, never a reason for one post.
    "person": ("transport_yes", "transport_no", "caregiver"),
}  # fmt: skip
TOPIC_ORDER = tuple(TOPICS)
TOPIC_MATRIX = np.zeros((len(FEATURE_NAMES), len(TOPIC_ORDER)))
for _t, _names in enumerate(TOPICS.values()):
    TOPIC_MATRIX[[FEATURE_INDEX[n] for n in _names], _t] = 1.0
F = FEATURE_INDEX


def _names(codes, names: dict, limit: int = 2) -> str:
    return "、".join(names.get(c, c) for c in codes[:limit])


class ReasonWriter:
    """Phrases are written only for the topics chosen: a list of 20 costs little."""

    def __init__(self, residents: ResidentTable, posts: PostTable, for_firm: bool = False):
        self.residents, self.posts, self.for_firm = residents, posts, for_firm
        self.vocabulary = residents.vocabulary

    def commute(self, r: int, distance: float) -> str:
        if distance != distance:  # NaN: no coordinates
            return "住址位置未登记，通勤距离不明"
        where = "住所距企业" if self.for_firm else "距住所"
        minutes = max(5, int(round(distance * MINUTES_PER_KM[int(self.residents.transport[r])])))
        return f"{where}{distance:.1f}公里，通勤约{minutes}分钟"

    def _skills(self, r, p, x, distance, up) -> str | None:
        held, codes = self.residents.skills[r], self.vocabulary.skills
        if up:
            shown = [codes[c] for c in self.posts.required_columns[p] if held[c]]
            shown = shown or [codes[c] for c in self.posts.occupation_columns[p] if held[c]]
            return f"已掌握{_names(shown, self.vocabulary.skill_names)}技能" if shown else None
        lack = [codes[c] for c in self.posts.required_columns[p] if not held[c]]
        if lack:
            return f"缺少{_names(lack, self.vocabulary.skill_names)}技能"
        return "未掌握该工种的技能"

    def _training(self, r, p, x, distance, up) -> str | None:
        relevance = self.residents.completed[r] * self.posts.training_relevance[p]
        if not up:
            return "未参加过相关培训"
        if relevance.max() <= 0:
            return None
        code = self.vocabulary.programs[int(np.argmax(relevance))]
        return f"参加过{self.vocabulary.program_names.get(code, code)}培训"

    def _commute(self, r, p, x, distance, up) -> str:
        if distance != distance:
            return None if up else "住址位置未登记"
        where = "住所距企业" if self.for_firm else "距住所"
        return f"{where}{distance:.1f}公里" + ("" if up else "，通勤较远")

    def _pay(self, r, p, x, distance, up) -> str | None:
        post, desired = self.posts.records[p], float(self.residents.desired_wage[r])
        if desired != desired:
            return f"月薪{post.wage_min}-{post.wage_max}元" if up else None
        if post.wage_max < desired:
            return None if up else ("期望月薪高于岗位" if self.for_firm else "月薪低于期望")
        if not up:
            return "期望月薪接近岗位上限" if self.for_firm else "月薪仅略高于期望下限"
        if post.wage_min >= desired:
            return "期望月薪低于岗位起薪" if self.for_firm else "月薪高于期望"
        return "期望月薪在岗位范围内" if self.for_firm else "月薪符合期望"

    def _shift(self, r, p, x, distance, up) -> str:
        shift = SHIFT_NAMES[int(self.posts.shift[p])]
        if up:
            return f"{shift}符合意向" if x[F["shift_fit"]] == 1 else f"{shift}岗位"
        if x[F["night_refused"]] > 0:
            return "夜班，已登记不能上夜班"
        if x[F["night_caregiver"]] > 0 or x[F["rotating_caregiver"]] > 0:
            return f"{shift}，与照顾家人可能冲突"
        if x[F["shift_fit"]] == 0:
            return f"{shift}与意向不符"
        return f"需上{shift}"

    def _age(self, r, p, x, distance, up) -> str:
        return "年龄符合岗位要求" if up else "年龄接近岗位年龄上下限"

    def _education(self, r, p, x, distance, up) -> str | None:
        return "学历高于岗位要求" if up else "学历刚达岗位要求"

    def _perks(self, r, p, x, distance, up) -> str | None:
        post = self.posts.records[p]
        if not up:
            return "不包吃住"
        if post.meals_provided and post.housing_provided:
            return "包吃住"
        return "包吃" if post.meals_provided else "包住" if post.housing_provided else None

    def _firm(self, r, p, x, distance, up) -> str | None:
        if self.for_firm:
            return None
        return "该企业录用率较高" if up else "该企业近期录用较少"

    def _person(self, r, p, x, distance, up) -> None:
        return None

    def explain(self, rows, posts, X, contributions, distances):
        """(reasons, cautions, commute) of each pair, from its topic weights in one product."""
        weights = (np.asarray(contributions) @ TOPIC_MATRIX).tolist()
        result = []
        for r, p, x, weight, distance in zip(
            rows, posts, X.tolist(), weights, distances, strict=True
        ):
            distance = float(distance)
            ranked = sorted(zip(weight, TOPIC_ORDER, strict=True), reverse=True)
            reasons = self._phrases(r, p, x, distance, ranked, True)
            cautions = self._phrases(r, p, x, distance, ranked[::-1], False)
            result.append((reasons, cautions, self.commute(r, distance)))
        return result

    def _phrases(self, r, p, x, distance, ranked, up: bool) -> list[str]:
        chosen = []
        for weight, topic in ranked:
            if (weight < MIN_WEIGHT) if up else (weight > -MIN_WEIGHT):
                break
            phrase = getattr(self, f"_{topic}")(r, p, x, distance, up)
            if phrase:
                chosen.append(phrase)
            if len(chosen) == MAX_PHRASES:
                break
        return chosen
