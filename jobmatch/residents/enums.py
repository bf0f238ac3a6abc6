"""A resident's codes and the words a bureau roster uses for them."""

from enum import nonmember

from jobmatch.vocabulary import Vocabulary


class Gender(Vocabulary):
    noun = nonmember("性别")

    MALE = "male", "男", "男性"
    FEMALE = "female", "女", "女性"


class ShiftPreference(Vocabulary):
    noun = nonmember("班次意向")

    DAY = "day", "白班", "白天", "日班", "长白班", "常白班", "白"
    NIGHT = "night", "夜班", "晚班", "夜间", "夜"
    # Someone who accepts rotating shifts works days and nights alike: "any" is the honest fit.
    ANY = (
        "any",
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
    )


class PriorityGroup(Vocabulary):
    """The groups employment policy serves first; labels are the formal terms, synonyms the
    household words (搬迁户, 低保户) rosters use."""

    noun = nonmember("人员类别")

    RELOCATED = (
        "relocated",
        "易地扶贫搬迁户",
        "易地扶贫搬迁",
        "搬迁户",
        "易地搬迁户",
        "移民搬迁户",
        "搬迁",
    )
    POVERTY_ALLEVIATED = (
        "poverty_alleviated",
        "脱贫人口",
        "脱贫户",
        "脱贫",
        "建档立卡户",
        "建档立卡脱贫户",
    )
    MONITORED = (
        "monitored",
        "监测对象",
        "监测户",
        "防返贫监测对象",
        "边缘易致贫户",
        "脱贫不稳定户",
        "突发严重困难户",
    )
    DISABLED = "disabled", "残疾人", "残疾", "残疾人员"
    ZERO_EMPLOYMENT_FAMILY = "zero_employment_family", "零就业家庭", "零就业", "零就业户"
    VETERAN = "veteran", "退役军人", "退伍军人", "复员军人"
    LOW_INCOME = "low_income", "低保对象", "低保户", "低保", "低保家庭"


class EmploymentStatus(Vocabulary):
    noun = nonmember("就业状态")

    UNEMPLOYED = "unemployed", "未就业", "失业", "待业", "无业", "未就业人员"
    EMPLOYED = "employed", "已就业", "就业", "在岗", "务工", "在职"
    SELF_EMPLOYED = "self_employed", "灵活就业", "自主创业", "个体", "自雇", "创业"
    IN_TRAINING = "in_training", "培训中", "在培", "参加培训", "在训"
    NOT_SEEKING = "not_seeking", "暂不求职", "不求职", "无就业意愿", "暂不就业"


class YesNo(Vocabulary):
    """A roster's yes/no cell (是否脱贫户: 是, Y, √ / 否, N, ×)."""

    noun = nonmember("是/否")

    YES = "yes", "是", "y", "√", "✓", "✔", "1", "true", "有", "☑", "是的", "对"
    NO = "no", "否", "n", "×", "✗", "✘", "x", "0", "false", "无", "不是", "□", "-", "/", "—"
