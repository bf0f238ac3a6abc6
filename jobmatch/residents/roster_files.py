"""Reading a roster file (.xlsx, .xls, .ods or .csv) into numbered rows of text cells.

Spreadsheets are read by python-calamine, after roster_guard has measured them; CSV text may be
UTF-8 (with or without a byte order mark), GBK/GB18030 or UTF-16 (Excel's "Unicode text").
Rows come one at a time, numbered as the spreadsheet numbers them (the first row is 1), and
reading stops at the row limit. Answers for files that cannot be read (documented on POST
/api/residents/import): 413 over 10 MB, over the row limit, or a workbook that unpacks far
beyond any roster; 415 not a spreadsheet (a corrupt workbook, binary data, text in an unknown
encoding); 422 nothing to import (see the importer).
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from http import HTTPStatus

import python_calamine

from jobmatch.errors import DomainError, Invalid, PayloadTooLarge
from jobmatch.residents import roster_guard
from jobmatch.residents.roster_guard import HEADER_ROOM, Limits

MAX_ROSTER_BYTES = 10 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and .doc)
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# The reader's grid for one sheet: 20,000 rows of 100 columns, about 64 MB inside calamine.
MAX_CELLS = 2_000_000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024

Row = tuple[int, list[str]]  # (row number as the spreadsheet counts it, cell texts)


class UnsupportedRoster(DomainError):
    status_code = HTTPStatus.UNSUPPORTED_MEDIA_TYPE


def read_roster(filename: str, data: bytes, max_rows: int) -> Iterator[Row]:
    """Rows of the file's first sheet; raises for a file it cannot or will not read."""
    if len(data) > MAX_ROSTER_BYTES:
        raise PayloadTooLarge(
            "名册文件超过10 MB，请分成几个文件导入。", {"file": ["文件超过10 MB。"]}
        )
    if not data.strip():
        raise Invalid("名册文件是空的。", {"file": ["文件是空的。"]})
    limits = Limits(rows=max_rows + HEADER_ROOM, cells=MAX_CELLS, unpacked_bytes=MAX_UNPACKED_BYTES)
    if data.startswith(ZIP_MAGIC):
        _check_zipped(data, limits)
        return _workbook_rows(data)
    if data.startswith(OLE_MAGIC):
        try:
            roster_guard.check_xls(data, limits)
        except PayloadTooLarge:
            raise
        except Exception:  # olefile and struct raise many kinds for a damaged file
            raise _not_a_spreadsheet() from None
        return _workbook_rows(data)
    extension = filename.lower().rpartition(".")[2]
    if extension in ("xlsx", "xls", "ods"):
        raise UnsupportedRoster(
            f"文件不是有效的 .{extension} 表格。", {"file": [f"不是有效的 .{extension} 文件。"]}
        )
    return _csv_rows(_decode_text(data))


def _not_a_spreadsheet() -> UnsupportedRoster:
    return UnsupportedRoster(
        "无法读取该文件：请上传 .xlsx、.xls、.ods 表格，或 UTF-8 / GBK 编码的 CSV 文件。",
        {"file": ["不是可读取的表格文件。"]},
    )


def _check_zipped(data: bytes, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
                roster_guard.check_ods(archive, limits)
            elif any(name.startswith("xl/worksheets/") for name in names):
                roster_guard.check_xlsx(archive, limits)
            else:
                raise _not_a_spreadsheet()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        raise _not_a_spreadsheet() from None
    except NotImplementedError:  # a compression method zipfile does not know
        raise _not_a_spreadsheet() from None


def _workbook_rows(data: bytes) -> Iterator[Row]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
    except (python_calamine.CalamineError, ValueError, IndexError):
        raise _not_a_spreadsheet() from None
    return _sheet_rows(workbook, sheet)


def _sheet_rows(workbook, sheet) -> Iterator[Row]:
    # calamine's rows start at the sheet's first row but at its first filled column: pad them
    # back, so that columns keep their places (the rejected-rows download relies on that).
    padding = [""] * (sheet.start[1] if sheet.start else 0)
    # A cell merged down several rows (one 社区 for a block of people) holds its value in the
    # top row only: the rows below read it too. Merges across a single row (a title) stay.
    downward: dict[int, list[tuple[int, int]]] = {}  # top row -> [(column, bottom row)]
    for (top, left), (bottom, _right) in sheet.merged_cell_ranges or []:
        if bottom > top:
            downward.setdefault(top, []).append((left, bottom))
    carried: dict[int, tuple[int, str]] = {}  # column -> (last row, value)
    try:
        for index, values in enumerate(sheet.iter_rows()):
            cells = padding + [cell_text(value) for value in values]
            for column, (last, value) in list(carried.items()):
                if index > last:
                    del carried[column]
                elif column < len(cells) and not cells[column].strip():
                    cells[column] = value
            for left, bottom in downward.get(index, ()):
                if left < len(cells):
                    carried[left] = (bottom, cells[left])
            yield index + 1, cells
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
    if isinstance(value, time | timedelta):
        return ""  # a time of day says nothing a roster field holds
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
