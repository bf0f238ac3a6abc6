"""The staff's results pages: assessment with one resit, certificates, the subsidy roster."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from jobmatch.extensions import db
from jobmatch.training.models import Assessment, SubsidyClaim
from tests.factories import make_cohort, make_enrollment, make_program, make_resident
from tests.web_helpers import post_form, signed_in


@pytest.fixture
def staff_user(client):
    return signed_in(client, "staff")


def _cohort():
    program = make_program(name="中国结编织", hours=40, certificate_type="special_ability")
    return make_cohort(program, name="中国结编织第1期", starts_on=date(2024, 5, 6),
                       ends_on=date(2024, 5, 31), hours=40)  # fmt: skip


def test_below_the_threshold_is_told_and_one_resit_is_allowed(client, staff_user):
    cohort = _cohort()
    short = make_enrollment(cohort, make_resident(name="王秀兰"), hours_attended=Decimal("20"))
    ready = make_enrollment(cohort, make_resident(name="李秀英"), hours_attended=Decimal("36"))
    results = f"/staff/cohorts/{cohort.id}/results"
    page = client.get(results).get_data(as_text=True)
    short_card = page.split(f'id="trainee-{short.id}"')[1].split("</article>")[0]
    assert "不能参加考核：出勤 20.0 学时，还差 12.0 学时" in short_card
    refused = post_form(
        client, f"/staff/enrollments/{short.id}/assessment",
        {"theory_score": "80", "practical_score": "80"}, token_from=results,
    )  # fmt: skip
    assert refused.status_code == 200
    assert "出勤学时不足" in refused.get_data(as_text=True)

    assess = f"/staff/enrollments/{ready.id}/assessment"
    bad = post_form(client, assess, {"theory_score": "120", "practical_score": "x"},
                    token_from=results)  # fmt: skip
    assert bad.status_code == 200
    card = bad.get_data(as_text=True).split(f'id="trainee-{ready.id}"')[1].split("</article>")[0]
    assert "应在0到100之间" in card and 'value="120"' in card
    failed = post_form(client, assess, {"theory_score": "55", "practical_score": "70"},
                       token_from=results)  # fmt: skip
    assert failed.status_code == 302
    assert "登记补考成绩" in client.get(results).get_data(as_text=True)
    passed = post_form(client, assess, {"theory_score": "75", "practical_score": "80"},
                       token_from=results)  # fmt: skip
    assert passed.status_code == 302
    db.session.expire_all()
    assert [a.passed for a in db.session.scalars(select(Assessment).order_by(Assessment.id))] == [
        False,
        True,
    ]
    assert ready.status == "completed"


def test_a_certificate_is_issued_and_prints_on_one_a4_page(client, staff_user):
    cohort = _cohort()
    resident = make_resident(name="李秀英")
    enrollment = make_enrollment(
        cohort, resident, status="completed", passed=True, hours_attended=Decimal("40"),
        completed_on=date(2024, 5, 31),
    )  # fmt: skip
    results = f"/staff/cohorts/{cohort.id}/results"
    issue = f"/staff/enrollments/{enrollment.id}/certificate"
    early = post_form(client, issue, {"certificate_no": "TZ-2024-0001", "issued_on": "2024-05-01"},
                      token_from=results)  # fmt: skip
    assert early.status_code == 200 and "不能早于结业日期" in early.get_data(as_text=True)
    done = post_form(client, issue, {"certificate_no": "TZ-2024-0001", "issued_on": "2024-06-03"},
                     token_from=results)  # fmt: skip
    assert done.status_code == 302
    page = client.get(issue).get_data(as_text=True)
    assert "专项职业能力证书" in page and "TZ-2024-0001" in page and "李秀英" in page
    assert resident.id_number not in page and resident.id_number[:6] in page
    assert "中国结编织" in page and "40 学时" in page and "2024年06月03日" in page
    assert "天镇县人力资源和社会保障局" in page
    assert "css/certificate.css" in page
    served = client.get("/static/css/certificate.css")
    css = served.get_data(as_text=True)
    served.close()
    assert "size: A4" in css and "@media print" in css


def test_the_subsidy_page_says_who_qualifies_and_why_not_and_files_the_claim(client, staff_user):
    cohort = _cohort()
    full = make_enrollment(
        cohort, make_resident(name="李秀英"), status="completed", passed=True,
        hours_attended=Decimal("40"), completed_on=date(2024, 5, 31),
    )  # fmt: skip
    make_enrollment(cohort, make_resident(name="王秀兰"), hours_attended=Decimal("10"))
    page = f"/staff/cohorts/{cohort.id}/subsidy"
    shown = client.get(page).get_data(as_text=True)
    assert "王秀兰：尚未考核，在培，结业后才能申领" in shown
    assert "<strong data-total>500.00</strong>" in shown  # 5 days of 8 hours at 100 yuan
    sheet = client.get(f"{page}.xlsx")
    rows = list(load_workbook(BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert rows[2][1] == "李秀英" and rows[-1][0] == "合计" and rows[-1][7] == 500.0
    filed = post_form(client, f"{page}/claims", {"claimed_on": "2024-06-10"})
    assert filed.status_code == 302
    claim = db.session.scalars(select(SubsidyClaim)).one()
    assert (claim.enrollment_id, claim.amount) == (full.id, Decimal("500.00"))
    assert "本班没有待申报的补贴" in client.get(page).get_data(as_text=True)
