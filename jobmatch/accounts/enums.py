"""Who a user is: the roles and their words."""

from enum import nonmember

from jobmatch.vocabulary import Vocabulary


class Role(Vocabulary):
    noun = nonmember("角色")

    ADMIN = "admin", "管理员"
    STAFF = "staff", "经办人", "工作人员"
    FIRM = "firm", "企业", "用人单位"
    RESIDENT = "resident", "居民", "求职者"


# The bureau's own people: they act for residents and firms alike.
STAFF_ROLES = (Role.ADMIN, Role.STAFF)
