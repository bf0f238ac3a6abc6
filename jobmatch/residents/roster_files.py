"""Reading a roster file, .xlsx or .csv, into numbered rows of text cells.

Answers for files that cannot be read (documented on POST /api/residents/import):
413 over 10 MB; 415 not a spreadsheet (an old .xls, a corrupt .xlsx, binary data, text in an
unknown encoding); 422 a spreadsheet with nothing to import (empty, only a header, no sheet,
or required columns missing; see the importer).
"""

import csv
import io
import warnings
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from http import HTTPStatus

from openpyxl import load_workbook

from jobmatch.errors import DomainError, Invalid, PayloadTooLarge

MAX_ROSTER_BYTES = 10 * 1024 * 1024
# A 10 MB .xlsx holds far less than this once unpacked; more is a zip bomb, not a roster.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and .doc)

Row = tuple[int, list[str]]  # (row number as the spreadsheet counts it, cell texts)


class UnsupportedRoster(DomainError):
    status_code = HTTPStatus.UNSUPPORTED_MEDIA_TYPE


def read_roster(filename: str, data: bytes) -> Iterator[Row]:
    """Rows of the file's first sheet, numbered from 1; raises for a file it cannot read."""
    if len(data) > MAX_ROSTER_BYTES:
        raise PayloadTooLarge(
            "名册文件超过10 MB，请分成几个文件导入。", {"file": ["文件超过10 MB。"]}
        )
    if not data.strip():
        raise Invalid("名册文件是空的。", {"file": ["文件是空的。"]})
    if data.startswith(XLSX_MAGIC):
        return _xlsx_rows(data)
    if data.startswith(OLE_MAGIC):
        raise UnsupportedRoster(
            "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入。",
            {"file": ["不支持 .xls 格式。"]},
        )
    if filename.lower().endswith(".xlsx"):
        raise UnsupportedRoster(
            "文件不是有效的 .xlsx 表格。", {"file": ["不是有效的 .xlsx 文件。"]}
        )
    return _csv_rows(_decode_text(data))


def _not_a_spreadsheet() -> UnsupportedRoster:
    return UnsupportedRoster(
        "无法读取该文件：请上传 .xlsx 表格，或 UTF-8 / GBK 编码的 CSV 文件。",
        {"file": ["不是可读取的表格文件。"]},
    )


def _xlsx_rows(data: bytes) -> Iterator[Row]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise _not_a_spreadsheet() from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise _not_a_spreadsheet()
    try:
        # openpyxl warns about features of the uploaded file it does not keep (data
        # validation, conditional formats): nothing this import could act on.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a zip that is not a workbook
        raise _not_a_spreadsheet() from None
    return _sheet_rows(workbook)


def _sheet_rows(workbook) -> Iterator[Row]:
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None or not hasattr(sheet, "iter_rows"):
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Read-only sheets yield an empty tuple for a missing row, so numbering stays true.
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [cell_text(value) for value in values]
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile, OSError):
        raise _not_a_spreadsheet() from None
    finally:
        workbook.close()


def cell_text(value) -> str:
    """A cell as the text a person sees: 18-digit numbers stay whole, 3000.0 reads 3000."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" is UTF-16
        encodings = ("utf-16",)
    elif b"\x00" in data[:4096]:
        raise _not_a_spreadsheet()
    else:
        # GB18030 is a superset of GBK and GB2312: one attempt reads all three.
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise _not_a_spreadsheet()


def _csv_rows(text: str) -> Iterator[Row]:
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # A quoted cell may span lines; rows are counted as records, as Excel counts them.
        yield from enumerate(reader, start=1)
    except csv.Error:
        raise _not_a_spreadsheet() from None
