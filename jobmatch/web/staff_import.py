"""The roster import pages: upload, preview every row, confirm, download the rejected rows.

A large roster (above ROSTER_JOB_ROWS rows) is previewed and imported as a background job;
its page shows the progress and refreshes itself until the result is there.
"""

from flask import redirect, render_template, request, url_for

from jobmatch.accounts.auth import STAFF_ROLES
from jobmatch.errors import DomainError, NotFound
from jobmatch.jobs import service as jobs
from jobmatch.residents import roster_uploads
from jobmatch.residents.enums import PriorityGroup
from jobmatch.spreadsheets import xlsx_response
from jobmatch.web.blueprint import blp
from jobmatch.web.forms import domain_errors
from jobmatch.web.labels import FIELD
from jobmatch.web.session import page_for


@blp.route("/staff/import", methods=["GET", "POST"])
@page_for(*STAFF_ROLES)
def staff_import(user):
    """Upload a roster: see what it would do, row by row, before anything is saved."""
    result, errors, upload = None, {}, None
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            errors = {"file": ["请选择要上传的名册文件（.xlsx、.xls、.ods 或 .csv）。"]}
        else:
            data = upload.read()
            try:
                result, queued = roster_uploads.import_or_queue(
                    user, upload.filename, data, dry_run=True
                )
                if queued:
                    return redirect(url_for("web.staff_import_job", job_id=result["job_id"]))
                if "upload_id" not in result:  # kept for the confirmation
                    result["upload_id"] = roster_uploads.keep_upload(user, upload.filename, data)
            except DomainError as error:
                errors = domain_errors(error)
    filename = upload.filename if upload else None
    return _import_page(result, errors, filename)


@blp.post("/staff/import/<string(length=32):upload_id>")
@page_for(*STAFF_ROLES)
def staff_import_confirm(user, upload_id):
    """Commit a previewed roster: the same file, so the same rows as the preview showed."""
    result, errors = None, {}
    try:
        result, queued = roster_uploads.commit_kept(user, upload_id)
        if queued:
            return redirect(url_for("web.staff_import_job", job_id=result["job_id"]))
    except DomainError as error:
        errors = domain_errors(error)
    return _import_page(result, errors, None)


@blp.get("/staff/import/jobs/<string(maxlength=32):job_id>")
@page_for(*STAFF_ROLES)
def staff_import_job(user, job_id):
    """A large roster's preview or import, running as a job: its progress, then its result."""
    job = jobs.get_job(user, job_id)
    if job.kind != "roster_import":
        raise NotFound("没有这个导入任务。")
    if job.state == "done":
        return _import_page(job.result, {}, None)
    errors = {"file": [job.error or "导入任务失败。"]} if job.state == "failed" else {}
    return _import_page(None, errors, None, job=job)


@blp.get("/staff/import/<string(length=32):upload_id>/rejected")
@page_for(*STAFF_ROLES)
def staff_import_rejected(user, upload_id):
    """The rejected rows as .xlsx in the clerk's own columns, with 错误原因."""
    content, filename = roster_uploads.rejected_workbook(user, upload_id)
    return xlsx_response(content, filename)


# What a roster's row errors and warnings are about, by the import's field names.
ROSTER_FIELDS = {**FIELD, "grid_id": "网格", "gender": "性别", "birth_date": "出生日期"}
ROSTER_FIELDS |= {"has_transport": "有无交通工具", "night_shift_ok": "能否上夜班"}
ROSTER_FIELDS |= {"caregiver": "是否需照顾家人"}
ROSTER_FIELDS |= {f"groups.{group.value}": f"是否{group.label}" for group in PriorityGroup}


def _import_page(result, errors, filename, job=None):
    return render_template(
        "staff_import.html",
        result=result,
        errors=errors,
        filename=filename,
        field_labels=ROSTER_FIELDS,
        outcome_labels=OUTCOMES,
        job=job,
    )


OUTCOMES = {"created": "新登记", "updated": "更新", "unchanged": "无变化", "rejected": "不导入"}
