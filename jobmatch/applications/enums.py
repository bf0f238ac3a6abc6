"""The application workflow's codes and their words."""

from enum import nonmember

from jobmatch.vocabulary import Vocabulary


class ApplicationStatus(Vocabulary):
    noun = nonmember("申请状态")

    RECOMMENDED = "recommended", "已推荐", "推荐"
    APPLIED = "applied", "已报名", "报名"
    INTERVIEW = "interview", "待面试", "面试"
    HIRED = "hired", "已录用", "录用"
    REJECTED = "rejected", "未录用", "不录用"
    WITHDRAWN = "withdrawn", "已撤回", "撤回"


# Statuses after which only an admin correction moves an application again.
FINISHED_STATUSES = (
    ApplicationStatus.HIRED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.WITHDRAWN,
)
# Statuses of an application still on its way to a hire or a refusal.
IN_PROGRESS_STATUSES = (
    ApplicationStatus.RECOMMENDED,
    ApplicationStatus.APPLIED,
    ApplicationStatus.INTERVIEW,
)


class Reason(Vocabulary):
    """Why an application was refused or withdrawn."""

    noun = nonmember("原因")

    IN_TRAINING = "in_training", "正在培训", "在培训"
    NO_SHOW = "no_show", "未到场", "未到岗"
    SKILLS = "skills", "技能不符"
    WAGE = "wage", "工资不合适", "工资低"
    DISTANCE = "distance", "路程太远", "太远"
    SHIFT = "shift", "班次不合适"
    # Written by the system, never picked by hand: a hire elsewhere closes the resident's
    # other applications; the daily close-stale check closes idle ones.
    HIRED_ELSEWHERE = "hired_elsewhere", "已在别处录用", "别处录用"
    STALE = "stale", "长期无进展", "无进展"
    OTHER = "other", "其他原因", "其他"


# Reasons the system writes itself; the pages do not offer them.
SYSTEM_REASONS = (Reason.HIRED_ELSEWHERE, Reason.STALE)


class InterviewOutcome(Vocabulary):
    """What the firm records of an interview it held."""

    noun = nonmember("面试结果")

    ATTENDED = "attended", "已参加面试", "已面试", "参加"
    NO_SHOW = "no_show", "未到场", "缺席"
