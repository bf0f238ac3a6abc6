"""Chinese words for the contract's codes, as the pages show them."""

CATEGORY = {"general": "普工", "skilled": "技工"}
SHIFT = {"day": "白班", "night": "夜班", "rotating": "倒班"}
SHIFT_PREFERENCE = {"any": "都可以", "day": "白班", "night": "夜班"}
POST_STATUS = {"open": "招聘中", "paused": "暂停", "closed": "已结束"}
APPLICATION_STATUS = {
    "recommended": "已推荐",
    "applied": "已报名",
    "interview": "待面试",
    "hired": "已录用",
    "rejected": "未录用",
    "withdrawn": "已撤回",
}
REASON = {
    "in_training": "正在培训",
    "no_show": "未到场",
    "skills": "技能不符",
    "wage": "工资不合适",
    "distance": "路程太远",
    "shift": "班次不合适",
    "other": "其他原因",
}
ENROLLMENT_STATUS = {"enrolled": "在培", "completed": "已结业", "dropped": "已退出"}
COHORT_MODE = {"classroom": "集中培训", "on_the_job": "驻企跟班"}
ATTENDANCE_MARK = {"present": "已到", "late": "迟到", "absent": "缺勤"}
REVIEW_VERDICT = {"confirmed": "企业已确认", "disputed": "企业有异议"}
CERTIFICATE_TYPE = {"training": "培训合格证书", "special_ability": "专项职业能力证书"}
COHORT_STATE = {"planned": "未开班", "running": "培训中", "finished": "已结束"}
GROUP = {
    "relocated": "易地扶贫搬迁",
    "poverty_alleviated": "脱贫人口",
    "monitored": "监测对象",
    "disabled": "残疾人",
    "zero_employment_family": "零就业家庭",
    "veteran": "退役军人",
    "low_income": "低保",
}
PRODUCT = {"chinese_knot": "中国结", "bag": "箱包"}
ROLE = {"admin": "管理员", "staff": "经办人", "firm": "企业", "resident": "居民"}
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


def register(app) -> None:
    """Make the tables above usable in every template as ``labels``."""
    app.jinja_env.globals["labels"] = {
        "category": CATEGORY,
        "shift": SHIFT,
        "shift_preference": SHIFT_PREFERENCE,
        "post_status": POST_STATUS,
        "application_status": APPLICATION_STATUS,
        "reason": REASON,
        "enrollment_status": ENROLLMENT_STATUS,
        "cohort_mode": COHORT_MODE,
        "cohort_state": COHORT_STATE,
        "certificate_type": CERTIFICATE_TYPE,
        "attendance_mark": ATTENDANCE_MARK,
        "review_verdict": REVIEW_VERDICT,
        "group": GROUP,
        "role": ROLE,
        "product": PRODUCT,
        "field": FIELD,
    }
