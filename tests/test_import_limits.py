"""Bounded work: the row limit, and workbooks that unpack far beyond any roster."""

import io
import time
import zipfile
from datetime import date

import pytest
import xlwt
from sqlalchemy import func, select

from jobmatch.extensions import db
from jobmatch.residents.models import Resident
from tests.factories import auth_headers, make_quick_user
from tests.jobs_fixtures import redis_url, run_prefix  # noqa: F401
from tests.roster_writers import csv_bytes
from tests.test_import import id_number, upload
from tests.test_jobs import queued_app, work  # noqa: F401

XLSX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
    'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
    'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org'
    '/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
    'org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>",
    "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="'
    'worksheets/sheet1.xml"/></Relationships>',
}
SHEET_START = (
    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    b'2006/main"><sheetData>'
)
ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c><c><v>1</v></c></row>'


def xlsx_bomb(rows: int = 0, sparse: bool = False, cell: bytes = b'<c r="XFD1048576">') -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in XLSX_PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_START)
            if sparse:  # two cells, a grid of 17 billion
                sheet.write(b'<row r="1"><c r="A1"><v>1</v></c></row>')
                sheet.write(b'<row r="1048576">' + cell + b"<v>1</v></c></row>")
            block = ROW * 1000
            for _ in range(rows // 1000):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def ods_bomb() -> bytes:
    """One filled cell repeated a thousand times across and a million times down."""
    content = (
        '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:'
        'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:'
        'table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        '<office:spreadsheet><table:table table:name="S"><table:table-row table:number-rows-'
        'repeated="1000000"><table:table-cell office:value-type="string" table:number-columns-'
        'repeated="1000"><text:p>x</text:p></table:table-cell></table:table-row></table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def xls_sparse() -> bytes:
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("S")
    sheet.write(0, 0, "姓名")
    sheet.write(65535, 255, "x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def staff(app):
    return auth_headers(make_quick_user("staff"))


@pytest.mark.parametrize(
    ("filename", "make", "fragment"),
    [
        ("rows.xlsx", lambda: xlsx_bomb(rows=300_000), "超过20000行"),  # cells with no r="…"
        ("sparse.xlsx", lambda: xlsx_bomb(sparse=True), "解压后过大"),
        # The same with the cell's place written after another attribute: the slower scan.
        (
            "r-last.xlsx",
            lambda: xlsx_bomb(sparse=True, cell=b'<c t="n" r="XFD1048576">'),
            "解压后过大",
        ),
        ("repeated.ods", ods_bomb, "超过20000行"),
        ("sparse.xls", xls_sparse, "解压后过大"),
    ],
)
def test_a_decompression_bomb_is_refused_quickly(client, staff, filename, make, fragment):
    content = make()
    assert len(content) < 2_000_000
    started = time.perf_counter()
    response = upload(client, staff, filename, content)
    elapsed = time.perf_counter() - started
    assert response.status_code == 413, response.json
    assert fragment in response.json["message"]
    assert elapsed < 5


def test_rows_beyond_the_limit_are_refused_with_the_limit_named(app, client, staff):
    app.config["ROSTER_MAX_ROWS"] = 3
    table = [["姓名", "身份证号码", "联系电话"]]
    table += [[f"人{i}", id_number(date(1980, 1, i), i), ""] for i in (1, 2)]
    assert upload(client, staff, "ok.csv", csv_bytes(table)).status_code == 200
    table += [[f"人{i}", id_number(date(1980, 1, i), i), ""] for i in (3, 4)]
    response = upload(client, staff, "big.csv", csv_bytes(table))
    assert response.status_code == 413
    assert "超过3行" in response.json["message"]
    assert db.session.scalar(select(func.count(Resident.id))) == 0


def test_a_large_roster_runs_as_a_job_with_the_same_answer(app, client, staff):
    app.config["ROSTER_JOB_ROWS"] = 3
    table = [["姓名", "身份证号码", "联系电话"]]
    table += [[f"人{i}", id_number(date(1980, 1, i), i), f"1380000000{i}"] for i in range(1, 6)]
    table += [["坏人", "123", "13800000009"]]
    content = csv_bytes(table)
    preview = upload(client, staff, "大.csv", content, query="?dry_run=1")
    assert preview.status_code == 202
    assert set(preview.json) == {"job_id"}
    job = client.get(f"/api/jobs/{preview.json['job_id']}", headers=staff).json
    assert job["state"] == "done" and job["kind"] == "roster_import"
    foretold = job["result"]
    assert (foretold["created"], foretold["dry_run"]) == (5, True)
    assert db.session.scalar(select(func.count(Resident.id))) == 0

    queued = upload(client, staff, "大.csv", content)
    assert queued.status_code == 202
    job = client.get(f"/api/jobs/{queued.json['job_id']}", headers=staff).json
    assert job["state"] == "done" and job["progress"]["fraction"] == 1
    result = job["result"]
    assert (result["created"], [item["row"] for item in result["rejected"]]) == (5, [7])
    assert db.session.scalar(select(func.count(Resident.id))) == 5
    assert {**foretold, "dry_run": False, "upload_id": ""} == {**result, "upload_id": ""}
    rejected = client.get(f"/api/residents/import/{result['upload_id']}/rejected", headers=staff)
    assert rejected.status_code == 200


def test_a_large_roster_waits_for_a_real_worker(queued_app, client, staff):  # noqa: F811
    queued_app.config["ROSTER_JOB_ROWS"] = 3
    table = [["姓名", "身份证号码", "联系电话"]]
    table += [[f"人{i}", id_number(date(1981, 2, i), i), f"1390000000{i}"] for i in range(1, 6)]
    response = upload(client, staff, "大.csv", csv_bytes(table, "gb18030"))
    assert response.status_code == 202
    job_id = response.json["job_id"]
    assert client.get(f"/api/jobs/{job_id}", headers=staff).json["state"] == "queued"
    assert db.session.scalar(select(func.count(Resident.id))) == 0
    work(queued_app)
    job = client.get(f"/api/jobs/{job_id}", headers=staff).json
    assert job["state"] == "done", job
    assert (job["result"]["created"], job["progress"]["fraction"]) == (5, 1)
    assert db.session.scalar(select(func.count(Resident.id))) == 5
