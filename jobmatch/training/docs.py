"""What the training endpoints' documents share: what their errors mean."""

from jobmatch.training.cohort_roster import MAX_ROWS

# Every training operation is staff only; these override jobmatch.api_docs.ERROR_DESCRIPTIONS.
ERRORS = {
    403: "Not staff (admin or staff)",
    409: "Conflicts with the records: full, overlapping, already done, or a serial in use",
}
# A roster uploaded into a cohort: the import's file errors, then the enrolments.
ROSTER_ERRORS = {
    **ERRORS,
    404: "No such cohort",
    409: "Someone registered a person of the roster at the same moment: send it again",
    413: f"File over 10 MB, over {MAX_ROWS} rows (more than a class: use the roster import), "
    "or a workbook unpacking far beyond a roster",
    415: "Not a spreadsheet: send .xlsx, .xls, .ods, or .csv in UTF-8, GBK/GB18030 or UTF-16",
    422: "No file, an empty file, only a header, or a required column missing",
}
