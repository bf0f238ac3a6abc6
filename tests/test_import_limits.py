"""Bounded work: the row limit, and workbooks that unpack far beyond any roster."""

import time
from datetime import date

import pytest
from sqlalchemy import func, select

from jobmatch.extensions import db
from jobmatch.residents.models import Resident
from tests.factories import auth_headers, make_quick_user
from tests.jobs_fixtures import redis_url, run_prefix  # noqa: F401
from tests.roster_bombs import ods_bomb, xls_sparse, xlsx_bomb
from tests.roster_writers import csv_bytes
from tests.test_import import as_foretold, id_number, upload
from tests.test_jobs import queued_app, work  # noqa: F401


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


@pytest.mark.committing  # the job reports progress on a connection of its own
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
    assert {**foretold, "dry_run": False, "upload_id": ""} == {
        **as_foretold(result),
        "upload_id": "",
    }
    rejected = client.get(f"/api/residents/import/{result['upload_id']}/rejected", headers=staff)
    assert rejected.status_code == 200


@pytest.mark.committing  # the worker reads and writes on connections of its own
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


def test_a_csv_over_the_limit_is_refused_before_any_job(app, client, staff):
    app.config.update(ROSTER_MAX_ROWS=4, ROSTER_JOB_ROWS=2)
    table = [["姓名", "身份证号码", "联系电话"]]
    table += [[f"人{i}", id_number(date(1982, 3, i), i), f"1370000000{i}"] for i in range(1, 7)]
    response = upload(client, staff, "太大.csv", csv_bytes(table))
    assert response.status_code == 413 and "超过4行" in response.json["message"]
