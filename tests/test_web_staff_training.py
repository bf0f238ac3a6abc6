"""The staff's training pages: cohorts, enrolment, sessions and attendance."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from jobmatch import clock
from jobmatch.extensions import db
from jobmatch.training.models import Attendance, Cohort, Enrollment, TrainingSession
from tests.factories import (
    make_cohort,
    make_community,
    make_enrollment,
    make_firm,
    make_program,
    make_resident,
    make_training_session,
)
from tests.web_helpers import post_form, signed_in


@pytest.fixture
def staff_user(client):
    return signed_in(client, "staff")


def test_cohorts_are_listed_with_state_and_seats_left_and_filtered(client, staff_user):
    program = make_program(name="中国结编织")
    today = clock.today()
    running = make_cohort(
        program, name="正在上课的班", starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=3), capacity=3,
    )  # fmt: skip
    make_enrollment(running)
    make_cohort(program, name="下月的班", starts_on=today + timedelta(days=30),
                ends_on=today + timedelta(days=60))  # fmt: skip
    make_cohort(program, name="去年的班", starts_on=date(2024, 5, 6), ends_on=date(2024, 5, 31))
    page = client.get("/staff/cohorts").get_data(as_text=True)
    assert "找到 3 个培训班" in page
    assert "培训中" in page and "未开班" in page and "已结束" in page
    row = page.split(f'data-cohort-id="{running.id}"')[1].split("</tr>")[0]
    assert '<td class="num">3</td>' in row and '<td class="num">2</td>' in row
    only_running = client.get("/staff/cohorts?state=running").get_data(as_text=True)
    assert "正在上课的班" in only_running and "下月的班" not in only_running
    assert "应为以下之一" in client.get("/staff/cohorts?state=soon").get_data(as_text=True)


def test_a_cohort_is_opened_and_changed_with_errors_beside_the_fields(client, staff_user):
    program = make_program(name="中国结编织", hours=60)
    firm = make_firm()
    values = {"program_code": program.code, "mode": "on_the_job", "starts_on": "2026-03-02",
              "ends_on": "2026-03-27", "capacity": "30"}  # fmt: skip
    refused = post_form(client, "/staff/cohorts/new", values)
    assert refused.status_code == 200
    page = refused.get_data(as_text=True)
    assert "驻企跟班培训须填写企业" in page and 'value="2026-03-02"' in page
    created = post_form(client, "/staff/cohorts/new", {**values, "firm_id": firm.id})
    assert created.status_code == 302
    cohort = db.session.scalars(select(Cohort)).one()
    assert (cohort.mode, cohort.firm_id, cohort.hours) == ("on_the_job", firm.id, 60)

    edit = f"/staff/cohorts/{cohort.id}/edit"
    assert 'value="2026-03-27"' in client.get(edit).get_data(as_text=True)
    backwards = post_form(client, edit, {"starts_on": "2026-03-02", "ends_on": "2026-03-01",
                                         "capacity": "30", "name": cohort.name})  # fmt: skip
    assert backwards.status_code == 200
    assert "结束日期不能早于开始日期" in backwards.get_data(as_text=True)
    saved = post_form(client, edit, {"starts_on": "2026-03-02", "ends_on": "2026-03-27",
                                     "capacity": "25", "name": "驻企中国结班"})  # fmt: skip
    assert saved.status_code == 302
    db.session.expire_all()
    assert (cohort.capacity, cohort.name) == (25, "驻企中国结班")


def test_residents_are_found_by_part_of_the_name_or_id_number_and_enrolled(client, staff_user):
    cohort = make_cohort(capacity=2)
    community = make_community(name="万家乐移民新区")
    wang = make_resident(name="王秀兰", community_id=community.id)
    li = make_resident(name="李秀英")
    zhao = make_resident(name="赵秀珍")
    path = f"/staff/cohorts/{cohort.id}/enrol"
    found = client.get(f"{path}?q=秀").get_data(as_text=True)
    assert "找到 3 位居民" in found  # anywhere in the name, not only its start
    # An ID number is posted, never put in an address, and found through its keyed hash.
    by_number = post_form(client, path, {"search": "1", "q": li.id_number}).get_data(as_text=True)
    assert "找到 1 位居民" in by_number and "李秀英" in by_number
    row = by_number.split(f'<tr data-resident-id="{li.id}">')[1].split("</tr>")[0]
    assert li.id_number not in row and li.id_number[:6] in row  # shown masked
    by_community = client.get(f"{path}?community_id={community.id}").get_data(as_text=True)
    assert "找到 1 位居民" in by_community and "王秀兰" in by_community

    enrolled = post_form(
        client, path, {"resident_id": [wang.id, li.id, zhao.id], "q": "秀"}, token_from=path
    )
    assert enrolled.status_code == 200
    page = enrolled.get_data(as_text=True)
    result = page.split('id="enrol-results"')[1].split("</section>")[0]
    assert result.count("已报名") == 2
    assert "本期已满员（2人）" in result and "赵秀珍" in result
    assert db.session.scalars(select(Enrollment.resident_id).order_by(Enrollment.id)).all() == [
        wang.id,
        li.id,
    ]


def test_sessions_are_scheduled_and_attendance_marked_present_or_late(client, staff_user):
    cohort = make_cohort(starts_on=date(2024, 5, 6), ends_on=date(2024, 5, 31))
    on_time, late = make_resident(name="王秀兰"), make_resident(name="李秀英")
    make_enrollment(cohort, on_time)
    make_enrollment(cohort, late)
    page = f"/staff/cohorts/{cohort.id}"
    outside = post_form(
        client, f"{page}/sessions",
        {"held_on": "2024-06-03", "starts_at": "08:30", "ends_at": "12:30"}, token_from=page,
    )  # fmt: skip
    assert outside.status_code == 200
    assert "应在2024-05-06至2024-05-31之间" in outside.get_data(as_text=True)
    for start, end in (("08:30", "12:30"), ("14:00", "17:00")):
        done = post_form(
            client, f"{page}/sessions",
            {"held_on": "2024-05-06", "starts_at": start, "ends_at": end, "topic": "基本结"},
            token_from=page,
        )  # fmt: skip
        assert done.status_code == 302
    session = db.session.scalars(select(TrainingSession).order_by(TrainingSession.id)).first()
    sheet = f"/staff/sessions/{session.id}"
    assert client.get(sheet).get_data(as_text=True).count('class="btn btn-block mark-present"') == 2
    post_form(client, f"{sheet}/attendance", {"resident_id": on_time.id, "mark": "present"},
              token_from=sheet)  # fmt: skip
    no_time = post_form(client, f"{sheet}/attendance", {"resident_id": late.id, "mark": "late"},
                        token_from=sheet)  # fmt: skip
    assert no_time.status_code == 200 and "迟到请填写到达时间" in no_time.get_data(as_text=True)
    post_form(
        client, f"{sheet}/attendance",
        {"resident_id": late.id, "mark": "late", "signed_in_at": "09:15", "hours": "3"},
        token_from=sheet,
    )  # fmt: skip
    again = post_form(client, f"{sheet}/attendance", {"resident_id": late.id, "mark": "present"},
                      token_from=sheet)  # fmt: skip
    assert "该学员本次课程已签到" in again.get_data(as_text=True)
    records = db.session.scalars(select(Attendance).order_by(Attendance.id)).all()
    assert [(str(r.hours), f"{r.signed_in_at:%H:%M}") for r in records] == [
        ("4.0", "08:30"),
        ("3.0", "09:15"),
    ]
    shown = client.get(sheet).get_data(as_text=True)
    assert "已签到 <strong data-signed>2</strong>" in shown and "迟到 09:15" in shown
    roster = client.get(page).get_data(as_text=True)
    assert "签到表" in roster and "基本结" in roster


def test_the_training_desk_is_for_staff_only(client):
    cohort = make_cohort()
    session = make_training_session(cohort)
    signed_in(client, "firm", firm_id=make_firm().id)
    for path in ("/staff/cohorts", f"/staff/cohorts/{cohort.id}", f"/staff/sessions/{session.id}"):
        assert client.get(path).status_code == 403


def test_attendance_is_corrected_with_a_reason_and_the_history_kept(client, staff_user):
    cohort = make_cohort(starts_on=date(2024, 5, 6), ends_on=date(2024, 5, 31))
    trainee = make_resident(name="王秀兰")
    enrollment = make_enrollment(cohort, trainee)
    session = make_training_session(cohort, held_on=date(2024, 5, 6))
    sheet = f"/staff/sessions/{session.id}"
    post_form(client, f"{sheet}/attendance", {"resident_id": trainee.id, "mark": "present"})
    correct = f"{sheet}/attendance/correct"
    no_reason = post_form(client, correct, {"resident_id": trainee.id, "mark": "late",
                                            "signed_in_at": "09:30"}, token_from=sheet)  # fmt: skip
    page = no_reason.get_data(as_text=True)
    card = page.split(f'id="trainee-{trainee.id}"')[1].split("</li>")[0]
    assert "必填" in card
    assert 'value="09:30"' in page  # kept
    late = {"mark": "late", "signed_in_at": "09:30", "hours": "3", "reason": "实际九点半到"}
    post_form(client, correct, {"resident_id": trainee.id, **late}, token_from=sheet)
    db.session.expire_all()
    assert enrollment.hours_attended == 3
    post_form(client, correct, {"resident_id": trainee.id, "mark": "absent", "reason": "代签"},
              token_from=sheet)  # fmt: skip
    db.session.expire_all()
    assert enrollment.hours_attended == 0
    assert db.session.scalars(select(Attendance)).all() == []
    shown = client.get(sheet).get_data(as_text=True)
    assert "更正记录（2 条）" in shown
    assert "由“已到 4.0 学时”改为“迟到 3.0 学时”，原因：实际九点半到" in shown
    assert "由“迟到 3.0 学时”改为“缺勤”，原因：代签" in shown
