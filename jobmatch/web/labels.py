"""What pages call things: the labels of each code set, read from its enum, and form fields."""

from jobmatch.accounts.enums import Role
from jobmatch.applications.enums import ApplicationStatus, InterviewOutcome, Reason
from jobmatch.education import Education
from jobmatch.employment.enums import EndReason, FollowUpOutcome
from jobmatch.orders.enums import Product, ReviewVerdict
from jobmatch.posts.enums import Category, PostStatus, Shift
from jobmatch.residents.enums import EmploymentStatus, PriorityGroup, ShiftPreference
from jobmatch.training.enums import (
    AttendanceMark,
    CertificateType,
    CohortMode,
    CohortState,
    EnrollmentStatus,
    RosterEnrollment,
    RosterRegistration,
)
from jobmatch.vocabulary import Vocabulary

# The name a template uses for each code set: ``labels.shift[post.shift]``.
CODE_SETS: dict[str, type[Vocabulary]] = {
    "category": Category,
    "shift": Shift,
    "shift_preference": ShiftPreference,
    "post_status": PostStatus,
    "application_status": ApplicationStatus,
    "reason": Reason,
    "interview_outcome": InterviewOutcome,
    "enrollment_status": EnrollmentStatus,
    "cohort_mode": CohortMode,
    "cohort_state": CohortState,
    "certificate_type": CertificateType,
    "attendance_mark": AttendanceMark,
    "roster_registration": RosterRegistration,
    "roster_enrollment": RosterEnrollment,
    "review_verdict": ReviewVerdict,
    "group": PriorityGroup,
    "employment_status": EmploymentStatus,
    "education": Education,
    "role": Role,
    "product": Product,
    "follow_up_outcome": FollowUpOutcome,
    "end_reason": EndReason,
}

FIELD = {
    "name": "姓名",
    "id_number": "身份证号码",
    "phone": "手机号码",
    "education": "文化程度",
    "community_id": "社区",
    "community": "社区",
    "skills": "技能",
    "desired_wage": "期望月薪",
    "shift_preference": "班次意向",
    "groups": "人员类别",
    "max_commute_km": "最远通勤（公里）",
    "title": "岗位名称",
    "category": "类别",
    "openings": "招聘人数",
    "wage_min": "最低月薪",
    "wage_max": "最高月薪",
    "shift": "班次",
    "min_age": "最低年龄",
    "max_age": "最高年龄",
    "min_education": "最低学历",
    "description": "工作内容",
    "expires_on": "截止日期",
    "required_skills": "需要的技能",
    "status": "状态",
    "reason": "原因",
    "note": "备注",
    "resident_id": "居民",
    "post_id": "岗位",
    "file": "文件",
}


def label(code: str | None, code_set: str) -> str:
    """The ``label`` template filter: ``{{ post.shift | label("shift") }}``; unknown codes as is."""
    return CODE_SETS[code_set].label_of(code)


def register(app) -> None:
    """Make the labels usable in every template, as ``labels.<set>`` and the ``label`` filter."""
    tables = {name: code_set.labels() for name, code_set in CODE_SETS.items()}
    app.jinja_env.globals["labels"] = {**tables, "field": FIELD}
    app.jinja_env.filters["label"] = label
