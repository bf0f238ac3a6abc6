"""What the training endpoints' documents share: what their errors mean."""

# Every training operation is staff only; these override jobmatch.api_docs.ERROR_DESCRIPTIONS.
ERRORS = {
    403: "Not staff (admin or staff)",
    409: "Conflicts with the records: full, overlapping, already done, or a serial in use",
}
