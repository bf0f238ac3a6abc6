"""Training's codes and their words."""

from enum import nonmember

from jobmatch.vocabulary import Vocabulary


class CohortMode(Vocabulary):
    noun = nonmember("培训方式")

    CLASSROOM = "classroom", "集中培训", "脱产培训"
    ON_THE_JOB = "on_the_job", "驻企跟班", "岗位培训", "跟班培训"


class EnrollmentStatus(Vocabulary):
    noun = nonmember("培训状态")

    ENROLLED = "enrolled", "在培", "在读", "在训", "培训中"
    COMPLETED = "completed", "已结业", "结业"
    DROPPED = "dropped", "已退出", "已退学", "退学", "退出"


class CertificateType(Vocabulary):
    noun = nonmember("证书类型")

    TRAINING = "training", "培训合格证书", "合格证"
    SPECIAL_ABILITY = "special_ability", "专项职业能力证书", "专项能力证书"


class CohortState(Vocabulary):
    """Where a cohort stands on a given day, from its dates (see ``Cohort.state_on``)."""

    noun = nonmember("开班状态")

    PLANNED = "planned", "未开班"
    RUNNING = "running", "培训中"
    FINISHED = "finished", "已结束"


class AttendanceMark(Vocabulary):
    """A trainee at one session: signed in at the start, signed in later, or not at all."""

    noun = nonmember("出勤")

    PRESENT = "present", "已到", "到", "出勤"
    LATE = "late", "迟到"
    ABSENT = "absent", "缺勤", "未到"


class RosterRegistration(Vocabulary):
    """A row of a roster uploaded into a cohort, as the import took it."""

    noun = nonmember("登记")

    CREATED = "created", "新登记"
    EXISTING = "existing", "已有档案"
    REJECTED = "rejected", "未导入"


class RosterEnrollment(Vocabulary):
    """A saved resident of a roster uploaded into a cohort, as the enrolment took them."""

    noun = nonmember("报名")

    ENROLLED = "enrolled", "已报名"
    REFUSED = "refused", "未报名"
    ALREADY = "already", "已在本班"
