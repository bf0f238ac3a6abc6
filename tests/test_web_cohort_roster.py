"""The cohort page's roster upload: the form, the result page row by row, and refusals shown
beside the form."""

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from jobmatch.extensions import db
from jobmatch.residents.models import Resident
from jobmatch.training.cohort_roster import MAX_ROWS
from jobmatch.training.models import Enrollment
from jobmatch.validators import mask_id_number
from tests.factories import make_cohort, make_community, make_resident
from tests.roster_writers import csv_bytes
from tests.test_cohort_roster import BAD_CHECK, KNOWN, NEW, person, roster_xlsx
from tests.test_import import id_number
from tests.web_helpers import post_form, signed_in


@pytest.fixture
def staff_user(client):
    make_community(name="城关社区")
    return signed_in(client, "staff")


def _send(client, cohort, content, filename="报名表.xlsx"):
    return post_form(
        client,
        f"/staff/cohorts/{cohort.id}/roster",
        {"file": (io.BytesIO(content), filename)},
        token_from=f"/staff/cohorts/{cohort.id}",
        content_type="multipart/form-data",
    )


def _rows(page: str) -> list[tuple[str, ...]]:
    """(row, registration, enrollment, name, masked ID) of each row of the result table."""
    return re.findall(
        r'<tr data-row="(\d+)" data-registration="(\w+)" data-enrollment="(\w*)">\s*'
        r"<td[^>]*>[^<]*</td>\s*<td><strong data-name>([^<]*)</strong><br>"
        r"<span[^>]*data-id-number>([^<]*)</span>",
        page,
    )


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_cohort_page_has_the_upload_form(client, staff_user):
    cohort = make_cohort()
    page = client.get(f"/staff/cohorts/{cohort.id}").get_data(as_text=True)
    form = page.split('id="roster-upload"')[1].split("</details>")[0]
    assert f'action="/staff/cohorts/{cohort.id}/roster#roster-upload"' in form
    assert 'enctype="multipart/form-data"' in form and 'name="csrf_token"' in form
    assert 'type="file"' in form and ".xlsx,.xls,.ods,.csv" in form
    assert f"最多 {MAX_ROWS} 行" in form
    assert "js/file-pick.js" in page


def test_an_upload_registers_enrols_and_lists_every_row(client, staff_user):
    cohort = make_cohort(capacity=2)
    make_resident(name="李秀英", id_number=KNOWN)
    third = id_number(date(1981, 1, 1), 121)
    content = roster_xlsx(
        [
            person(1, "王新", NEW),
            person(2, "李秀英", KNOWN),
            person(3, "坏号", BAD_CHECK),
            person(4, "满了", third),
        ]
    )
    response = _send(client, cohort, content)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _rows(page) == [
        ("3", "created", "enrolled", "王新", mask_id_number(NEW)),
        ("4", "existing", "enrolled", "李秀英", mask_id_number(KNOWN)),
        ("5", "rejected", "", "坏号", "身份证号码无法识别"),
        ("6", "created", "refused", "满了", mask_id_number(third)),
    ]
    for label in ("新登记", "已有档案", "未导入", "已报名", "未报名"):
        assert label in page
    assert "校验" in page  # the rejected row's reason
    assert "本期已满员（2人）" in page  # the refused person's reason
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', page))
    assert counts == {
        "created": "2", "existing": "1", "rejected": "1",
        "enrolled": "2", "refused": "1", "already": "0",
    }  # fmt: skip
    assert NEW not in page and KNOWN not in page  # masked throughout
    assert "/staff/import/" in page and "/rejected" in page  # the rejected rows to fix
    assert _count(Enrollment) == 2

    again = _send(client, cohort, content).get_data(as_text=True)
    assert [row[1:3] for row in _rows(again)] == [
        ("existing", "already"), ("existing", "already"), ("rejected", ""), ("existing", "refused"),
    ]  # fmt: skip
    assert "已在本班" in again and _count(Enrollment) == 2


def test_a_refused_file_comes_back_beside_the_form(client, staff_user):
    cohort = make_cohort()
    residents = _count(Resident)
    table = [["姓名", "身份证号码", "联系电话"]]
    people = range(MAX_ROWS + 1)
    table += [[f"人{n}", id_number(date(1975, 1, 1), n), f"138{n:08d}"] for n in people]
    page = _send(client, cohort, csv_bytes(table), "全县.csv").get_data(as_text=True)
    panel = page.split('id="roster-upload"')[1].split("</details>")[0]
    assert panel.startswith(" open") and "远多于一个培训班" in panel and 'id="file-error"' in panel
    assert _count(Resident) == residents

    picture = _send(client, cohort, b"\x89PNG\r\n\x1a\n" + bytes(100), "photo.png")
    assert picture.status_code == 200 and "无法读取该文件" in picture.get_data(as_text=True)
    nothing = post_form(
        client,
        f"/staff/cohorts/{cohort.id}/roster",
        {},
        token_from=f"/staff/cohorts/{cohort.id}",
        content_type="multipart/form-data",
    )
    assert "请选择要上传的报名表" in nothing.get_data(as_text=True)
    assert _count(Resident) == residents and _count(Enrollment) == 0


@pytest.mark.parametrize(("role", "home"), [("firm", "/firm"), ("resident", "/me")])
def test_only_the_bureau_uploads_into_a_cohort(client, role, home):
    cohort = make_cohort()
    signed_in(client, role)
    residents = _count(Resident)
    content = roster_xlsx([person(1, "王新", NEW)])
    response = post_form(
        client,
        f"/staff/cohorts/{cohort.id}/roster",
        {"file": (io.BytesIO(content), "a.xlsx")},
        token_from=home,
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert _count(Resident) == residents and _count(Enrollment) == 0
