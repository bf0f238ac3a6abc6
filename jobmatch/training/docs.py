"""What the training endpoints' documents share: the spreadsheet type, what their errors mean."""

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Every training operation is staff only; these override jobmatch.api_docs.ERROR_DESCRIPTIONS.
ERRORS = {
    403: "Not staff (admin or staff)",
    409: "Conflicts with the records: full, overlapping, already done, or a serial in use",
}
