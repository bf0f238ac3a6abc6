"""A post's codes and their words."""

from enum import nonmember

from jobmatch.vocabulary import Vocabulary


class Category(Vocabulary):
    noun = nonmember("岗位类别")

    GENERAL = "general", "普工", "普通工"
    SKILLED = "skilled", "技工", "技术工"


class Shift(Vocabulary):
    noun = nonmember("班次")

    DAY = "day", "白班", "长白班", "常白班"
    NIGHT = "night", "夜班", "晚班"
    ROTATING = "rotating", "倒班", "轮班", "两班倒", "三班倒"


class PostStatus(Vocabulary):
    noun = nonmember("岗位状态")

    OPEN = "open", "招聘中"
    PAUSED = "paused", "暂停", "暂停招聘"
    CLOSED = "closed", "已结束", "停止招聘"
