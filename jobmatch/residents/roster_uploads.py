"""Uploaded rosters kept for a while: previewed then committed, imported in the background,
and their rejected rows handed back as a workbook in the clerk's own layout.

A kept file is encrypted like the ID numbers it holds, belongs to the staff member who sent it,
and is deleted a day later.
"""

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app
from openpyxl import Workbook
from sqlalchemy import delete

from jobmatch import spreadsheets
from jobmatch.accounts.models import User
from jobmatch.crypto import cipher
from jobmatch.database import utcnow
from jobmatch.errors import NotFound
from jobmatch.extensions import db
from jobmatch.jobs import service as jobs
from jobmatch.residents import importer
from jobmatch.residents.roster_files import read_roster
from jobmatch.residents.upload_models import RosterUpload

KEPT_FOR = timedelta(days=1)
REASON_HEADER = "错误原因"


def keep_upload(actor: User, filename: str, data: bytes) -> str:
    """Keep a roster file for its preview's commit (or a background run); answers its id."""
    db.session.execute(delete(RosterUpload).where(RosterUpload.created_at < utcnow() - KEPT_FOR))
    upload_id = secrets.token_hex(16)
    db.session.add(
        RosterUpload(
            id=upload_id,
            created_by_id=actor.id,
            filename=filename[:255],
            content=cipher().encrypt_bytes(data),
        )
    )
    db.session.commit()
    return upload_id


def load_upload(actor: User, upload_id: str) -> tuple[str, bytes]:
    upload = db.session.get(RosterUpload, upload_id[:32])
    if upload is None or upload.created_by_id != actor.id:
        raise NotFound("找不到该名册文件：上传已超过一天，或不是您上传的。请重新上传。")
    return upload.filename, cipher().decrypt_bytes(upload.content)


IMPORT_JOB = "jobmatch.residents.roster_uploads:run_import_job"


def import_or_queue(
    actor: User, filename: str, data: bytes, *, dry_run: bool = False
) -> tuple[dict[str, Any], bool]:
    """Import a roster now, or, above ROSTER_JOB_ROWS rows, keep it and queue the import.

    Answers the import's result and False, or ``{"job_id"}`` and True for a queued one (its
    result, read at /api/jobs/{id}, is the same answer, with the kept file's ``upload_id``).
    """
    threshold = int(current_app.config["ROSTER_JOB_ROWS"])
    if importer.count_rows(filename, data) > threshold:
        upload_id = keep_upload(actor, filename, data)
        payload = {"upload_id": upload_id, "dry_run": dry_run}
        job = jobs.enqueue("roster_import", IMPORT_JOB, payload, actor=actor)
        return {"job_id": job.id}, True
    result = importer.import_roster(actor, filename, data, dry_run=dry_run)
    if result["rejected"]:
        # Kept a day, so that the rejected rows can be downloaded to be fixed.
        result["upload_id"] = keep_upload(actor, filename, data)
    return result, False


def commit_kept(actor: User, upload_id: str) -> tuple[dict[str, Any], bool]:
    """Commit a previewed roster: now, or queued as a job above ROSTER_JOB_ROWS rows."""
    filename, data = load_upload(actor, upload_id)
    threshold = int(current_app.config["ROSTER_JOB_ROWS"])
    if importer.count_rows(filename, data) > threshold:
        payload = {"upload_id": upload_id, "dry_run": False}
        # Confirmed twice while the first waits or runs: that one job answers both.
        job = jobs.enqueue(
            "roster_import", IMPORT_JOB, payload, actor=actor, dedupe_key=f"commit:{upload_id}"
        )
        return {"job_id": job.id}, True
    result = importer.import_roster(actor, filename, data)
    return {**result, "upload_id": upload_id}, False


def run_import_job(run) -> dict[str, Any]:
    """The background job: import a kept roster for the staff member who sent it."""
    actor = run.actor
    if actor is None:
        raise NotFound("上传名册的账号已不存在。")
    return import_kept(
        actor, run.payload["upload_id"], dry_run=run.payload["dry_run"], progress=run.progress
    )


def import_kept(
    actor: User, upload_id: str, *, dry_run: bool = False, progress: Callable | None = None
) -> dict[str, Any]:
    """Import a kept roster (what the background job runs), answering its ``upload_id`` too."""
    filename, data = load_upload(actor, upload_id)
    result = importer.import_roster(actor, filename, data, dry_run=dry_run, progress=progress)
    return {**result, "upload_id": upload_id}


def rejected_workbook(actor: User, upload_id: str) -> tuple[bytes, str]:
    """The rejected rows as the clerk laid them out, each with its reasons in a last column:
    the lines above the header (title, 填报单位) and the header come along, so the clerk fixes
    these rows and uploads the file again."""
    filename, data = load_upload(actor, upload_id)
    plan = importer.import_roster(actor, filename, data, dry_run=True)
    reasons = {
        item["row"]: "；".join(m for messages in item["errors"].values() for m in messages)
        for item in plan["rejected"]
    }
    header_row, last = plan["header_row"], max(reasons, default=0)
    above, header, rejected = [], [], []
    for number, cells in read_roster(filename, data, importer.max_rows()):
        if number < header_row:
            above.append(cells)
        elif number == header_row:
            header = cells
        elif number in reasons:
            rejected.append((cells, reasons[number]))
        if number >= max(last, header_row):
            break
    width = max([len(header), *(len(cells) for cells, _ in rejected)])
    table = [*above, _padded(header, width) + [REASON_HEADER]]
    table += [_padded(cells, width) + [reason] for cells, reason in rejected]
    stem = filename.rsplit(".", 1)[0] or "名册"
    return write_workbook(table), f"{stem}-未导入的行.xlsx"


def _padded(cells: list[str], width: int) -> list[str]:
    return list(cells) + [""] * (width - len(cells))


def write_workbook(rows: list[list[Any]]) -> bytes:
    """One sheet of these rows through the shared writer: a clerk's "=..." stays text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("未导入的行")
    for values in rows:
        spreadsheets.write_row(sheet, values)
    return spreadsheets.workbook_bytes(workbook)
