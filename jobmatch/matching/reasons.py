"""Two to four short Chinese reasons for a ranked pair, from what moved its score most.

Each feature's contribution comes from the ranker's linear explainer (the logistic model's own
weights, or a surrogate fitted to the boosted model). Features are gathered into topics
(skills, training, commute, pay, shift, perks, the firm's record); the topics that raised the
score most give the reasons, and what is missing or short (a skill, the pay, the shift) is said
too. Reasons for a firm speak of the resident and never mention their priority group.
"""

import numpy as np

from jobmatch.matching.features import FEATURE_INDEX
from jobmatch.matching.tables import SHIFT_CODES, PostTable, ResidentTable
from jobmatch.posts.enums import Shift

SHIFT_NAMES = {number: Shift(shift).label for shift, number in SHIFT_CODES.items()}
TOPICS = {
    "skills": ("skill_coverage", "related_skill"),
    "missing": ("skills_missing",),
    "training": ("training_relevance",),
    "commute": ("distance_km", "commute_ratio", "distance_unknown"),
    "pay": ("wage_gap", "wage_below", "wage_shortfall", "desired_unknown"),
    "shift": ("shift_fit",),
    "perks": ("perks",),
    "firm": ("firm_hire_rate",),
}
TOPIC_COLUMNS = {topic: [FEATURE_INDEX[n] for n in names] for topic, names in TOPICS.items()}


def _names(codes, names: dict, limit: int = 2) -> str:
    return "、".join(names.get(c, c) for c in codes[:limit])


TOPIC_ORDER = tuple(TOPICS)
TOPIC_MATRIX = np.zeros((len(FEATURE_INDEX), len(TOPIC_ORDER)))
for _t, _cols in enumerate(TOPIC_COLUMNS.values()):
    TOPIC_MATRIX[_cols, _t] = 1.0
SKILLS_MISSING, WAGE_BELOW, SHIFT_FIT = (
    FEATURE_INDEX[n] for n in ("skills_missing", "wage_below", "shift_fit")
)


class ReasonWriter:
    """Phrases are written only for the topics chosen: a list of 20 costs little."""

    def __init__(self, residents: ResidentTable, posts: PostTable, for_firm: bool = False):
        self.residents, self.posts, self.for_firm = residents, posts, for_firm
        self.vocabulary = residents.vocabulary

    def _skills(self, r, p, x, distance) -> str | None:
        held, codes = self.residents.skills[r], self.vocabulary.skills
        shown = [codes[c] for c in self.posts.required_columns[p] if held[c]]
        shown = shown or [codes[c] for c in self.posts.occupation_columns[p] if held[c]]
        return f"已掌握{_names(shown, self.vocabulary.skill_names)}技能" if shown else None

    def _missing(self, r, p, x, distance) -> str | None:
        held, codes = self.residents.skills[r], self.vocabulary.skills
        lack = [codes[c] for c in self.posts.required_columns[p] if not held[c]]
        return f"缺少{_names(lack, self.vocabulary.skill_names)}技能" if lack else None

    def _training(self, r, p, x, distance) -> str | None:
        relevance = self.residents.completed[r] * self.posts.training_relevance[p]
        if relevance.max() <= 0:
            return None
        code = self.vocabulary.programs[int(np.argmax(relevance))]
        return f"参加过{self.vocabulary.program_names.get(code, code)}培训"

    def _commute(self, r, p, x, distance) -> str:
        if distance != distance:  # NaN: no coordinates
            return "住址位置未登记"
        return f"{'住所距企业' if self.for_firm else '距住所'}{distance:.1f}公里"

    def _pay(self, r, p, x, distance) -> str:
        post, desired = self.posts.records[p], float(self.residents.desired_wage[r])
        if desired != desired:
            return f"月薪{post.wage_min}-{post.wage_max}元"
        if post.wage_max < desired:
            return "期望月薪高于岗位" if self.for_firm else "月薪低于期望"
        if post.wage_min >= desired:
            return "期望月薪低于岗位起薪" if self.for_firm else "月薪高于期望"
        return "期望月薪在岗位范围内" if self.for_firm else "月薪符合期望"

    def _shift(self, r, p, x, distance) -> str:
        fit, shift = x[SHIFT_FIT], SHIFT_NAMES[int(self.posts.shift[p])]
        if fit == 1:
            return f"{shift}符合意向"
        return f"需上{shift}" if fit == 0.5 else f"{shift}与意向不符"

    def _perks(self, r, p, x, distance) -> str | None:
        post = self.posts.records[p]
        if post.meals_provided and post.housing_provided:
            return "包吃住"
        return "包吃" if post.meals_provided else "包住" if post.housing_provided else None

    def _firm(self, r, p, x, distance) -> str | None:
        return None if self.for_firm else "该企业录用率较高"

    def reasons(self, r: int, p: int, x, contribution: np.ndarray, distance: float) -> list[str]:
        """2-4 phrases for one pair: the topics that raised its score most, then what is short."""
        return self.explain([r], [p], np.asarray(x)[None, :], contribution[None, :], [distance])[0]

    def explain(self, rows, posts, X, contributions, distances) -> list[list[str]]:
        """Reasons for many pairs at once (topic weights in one product)."""
        weights = (contributions @ TOPIC_MATRIX).tolist()
        result = []
        for r, p, x, weight, distance in zip(
            rows, posts, X.tolist(), weights, distances, strict=True
        ):
            distance = float(distance)
            shortfalls = [
                topic
                for topic, short in (
                    ("missing", x[SKILLS_MISSING] > 0),
                    ("pay", x[WAGE_BELOW] > 0),
                    ("shift", x[SHIFT_FIT] == 0),
                )
                if short
            ]
            room = 4 - min(len(shortfalls), 2)
            chosen: dict[str, str] = {}
            for weight_of, topic in sorted(zip(weight, TOPIC_ORDER, strict=True), reverse=True):
                if len(chosen) >= min(room, 3) or weight_of <= 0:
                    break
                if topic in shortfalls or topic == "missing":
                    continue
                phrase = getattr(self, f"_{topic}")(r, p, x, distance)
                if phrase:
                    chosen[topic] = phrase
            for topic in shortfalls[:2]:
                chosen[topic] = getattr(self, f"_{topic}")(r, p, x, distance)
            for filler in ("commute", "pay", "shift"):  # facts always worth saying, to reach two
                if len(chosen) >= 2:
                    break
                chosen.setdefault(filler, getattr(self, f"_{filler}")(r, p, x, distance))
            result.append(list(chosen.values())[:4])
        return result
