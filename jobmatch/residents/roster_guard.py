"""Measuring a workbook before the reader opens it, so that no upload can exhaust a worker.

python-calamine builds a sheet as one dense grid spanning its first to its last filled cell, and
an .ods sheet's repeated rows and cells are expanded in full: a 2 KB file holding A1 and
XFD1048576, or a 1 MB one with three million rows, would take gigabytes or abort the process.
So each sheet is scanned first, streaming and with a few regular expressions rather than a
parser, for the rows that hold something and for the extent of its filled cells, and the scan
stops at the first limit passed. The scan stops early: what it costs is bounded by the limits,
not by the file.
"""

import functools
import io
import re
import struct
import zipfile
from dataclasses import dataclass

import olefile

from jobmatch.errors import PayloadTooLarge

CHUNK = 1 << 16


@dataclass(frozen=True)
class Limits:
    rows: int  # rows holding something, titles and footers included
    cells: int  # the reader's grid: height x width of the filled area
    unpacked_bytes: int  # all members of a zipped workbook, as they unpack


class TooManyRows(PayloadTooLarge):
    pass


class WorkbookTooLarge(PayloadTooLarge):
    pass


def too_many_rows(limit: int) -> TooManyRows:
    return TooManyRows(f"名册超过{limit}行，请分成几个文件导入。", {"file": [f"超过{limit}行。"]})


def _too_large() -> WorkbookTooLarge:
    return WorkbookTooLarge(
        "表格解压后过大（单元格范围或内容远超名册所需），请只保留名册所在的表格后另存再导入。",
        {"file": ["表格解压后过大。"]},
    )


class _Extent:
    """Rows with something in them, and the box around every filled cell, checked as it grows."""

    def __init__(self, limits: Limits, row_limit: int):
        self.limits, self.row_limit = limits, row_limit
        self.rows = 0
        self.top = self.left = 1 << 62
        self.bottom = self.right = -1

    def row_filled(self, first: int, count: int = 1) -> None:
        self.rows_filled(count, first, first + count - 1)

    def rows_filled(self, count: int, top: int, bottom: int) -> None:
        self.rows += count
        if self.rows > self.limits.rows:
            raise too_many_rows(self.row_limit)
        self.top, self.bottom = min(self.top, top), max(self.bottom, bottom)
        self._check()

    def columns_filled(self, first: int, last: int) -> None:
        self.left, self.right = min(self.left, first), max(self.right, last)
        self._check()

    def _check(self) -> None:
        if self.bottom >= 0 and self.right >= 0:
            cells = (self.bottom - self.top + 1) * (self.right - self.left + 1)
            if cells > self.limits.cells:
                raise _too_large()


def _stream(archive: zipfile.ZipFile, name: str, budget: list[int]):
    """A member's bytes in pieces ending at a tag's end, counting against the byte budget."""
    tail = b""
    with archive.open(name) as member:
        while chunk := member.read(CHUNK):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise _too_large()
            data = tail + chunk
            cut = data.rfind(b">") + 1
            start = data.find(b"<", cut)
            tail = data[start:] if start >= 0 else b""
            if len(tail) > CHUNK * 16:  # a tag a megabyte long is no spreadsheet's
                raise _too_large()
            yield data[:cut]


_XLSX_TAG = re.compile(rb"<(?:\w+:)?(row|c)(?=[\s/>])([^>]*?)(/?)>")
_REF = re.compile(rb'\br="([A-Z]*)(\d*)"')


@functools.cache
def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _scan_xlsx_sheet(pieces, extent: _Extent) -> None:
    # The hot loop of every upload: a row's cells are gathered before the extent is told.
    row, column, left, right, filled = 0, 0, 1 << 62, -1, False
    for piece in pieces:
        for kind, attributes, closed in _XLSX_TAG.findall(piece):
            ref = _REF.search(attributes) if b' r="' in attributes else None
            if kind == b"row":
                if filled:
                    extent.row_filled(row)
                    extent.columns_filled(left, right)
                row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                column, left, right, filled = 0, 1 << 62, -1, False
                continue
            if ref and ref.group(1):
                column = _column_number(ref.group(1))
                if ref.group(2) and int(ref.group(2)) != row and not closed:
                    # A cell naming another row than its own: calamine places it there.
                    extent.row_filled(int(ref.group(2)))
                    extent.columns_filled(column, column)
                    continue
            else:
                column += 1
            if not closed:  # <c r="B2" s="3"/> is formatting only, nothing the reader keeps
                filled = True
                left, right = min(left, column), max(right, column)
    if filled:
        extent.row_filled(row)
        extent.columns_filled(left, right)


# A cell that names its place first, as Excel, WPS, LibreOffice and openpyxl all write it, and
# whether it closes at once (formatting only). A sheet with a cell tag of any other form (no
# r="...", r not first, a namespace prefix) goes to the slower scan, which counts positions.
_PLACED_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>]*?(/?)>')


def _scan_placed_cells(pieces, extent: _Extent) -> bool:
    """The fast scan, done a piece at a time mostly in C; False when some cell has no place."""
    rows: set[bytes] = set()
    for piece in pieces:
        cells = _PLACED_CELL.findall(piece)
        if len(cells) != piece.count(b"<c ") + piece.count(b"<c>") + piece.count(b"<c/"):
            return False
        filled = [(letters, number) for letters, number, closed in cells if not closed]
        if not filled:
            continue
        new_rows = {number for _, number in filled} - rows
        if new_rows:
            rows |= new_rows
            numbered = [int(number) for number in new_rows]
            extent.rows_filled(len(numbered), min(numbered), max(numbered))
        columns = [_column_number(letters) for letters in {letters for letters, _ in filled}]
        extent.columns_filled(min(columns), max(columns))
    return True


def check_xlsx(archive: zipfile.ZipFile, limits: Limits) -> None:
    _check_declared(archive, limits)
    budget = [limits.unpacked_bytes]
    for name in archive.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            sheet = _Extent(limits, _row_limit(limits))
            if not _scan_placed_cells(_stream(archive, name, budget), sheet):
                again = _Extent(limits, _row_limit(limits))
                _scan_xlsx_sheet(_stream(archive, name, [limits.unpacked_bytes]), again)
        elif name.endswith(".xml"):
            for _ in _stream(archive, name, budget):  # shared strings, styles: bytes only
                pass


_ODS_TAG = re.compile(
    rb"<(/?)(?:\w+:)?(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>"
)
_ROWS_REPEATED = re.compile(rb'number-rows-repeated="(\d+)"')
_COLUMNS_REPEATED = re.compile(rb'number-columns-repeated="(\d+)"')


def _scan_ods(pieces, limits: Limits) -> None:
    extent = _Extent(limits, _row_limit(limits))
    row = repeat = column = 0
    filled = False
    for piece in pieces:
        for match in _ODS_TAG.finditer(piece):
            closing, kind, attributes, closed = match.groups()
            if kind == b"table":
                if not closing:
                    extent, row = _Extent(limits, _row_limit(limits)), 0
            elif kind == b"table-row":
                if closing or closed:
                    if filled:
                        extent.row_filled(row, repeat)
                    row += repeat
                if not closing:
                    found = _ROWS_REPEATED.search(attributes)
                    repeat, column, filled = int(found.group(1)) if found else 1, 0, False
            elif not closing:
                found = _COLUMNS_REPEATED.search(attributes)
                count = int(found.group(1)) if found else 1
                if not closed or b"value-type" in attributes:
                    filled = True
                    extent.columns_filled(column, column + count - 1)
                column += count


def check_ods(archive: zipfile.ZipFile, limits: Limits) -> None:
    _check_declared(archive, limits)
    budget = [limits.unpacked_bytes]
    for name in archive.namelist():
        if name == "content.xml":
            _scan_ods(_stream(archive, name, budget), limits)
        elif name.endswith(".xml"):
            for _ in _stream(archive, name, budget):
                pass


def _check_declared(archive: zipfile.ZipFile, limits: Limits) -> None:
    if sum(info.file_size for info in archive.infolist()) > limits.unpacked_bytes:
        raise _too_large()


def _row_limit(limits: Limits) -> int:
    return limits.rows - HEADER_ROOM


# Titles, the header and footers hold something too: the row limit of a sheet leaves them room.
HEADER_ROOM = 100

# BIFF8 records holding a cell, each starting (row, column); MULRK ends with its last column.
_CELL_RECORDS = {0x0006, 0x00BD, 0x00D6, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E}
_MULRK, _BOF, _SST = 0x00BD, 0x0809, 0x00FC


def check_xls(data: bytes, limits: Limits) -> None:
    """Walk the BIFF records of the workbook stream: filled rows, cell extent, shared strings."""
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
        if name is None:
            raise ValueError("no workbook stream")
        stream = ole.openstream(name).read()
    extent, rows = _Extent(limits, _row_limit(limits)), set()
    position, end = 0, len(stream)
    while position + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, position)
        body = position + 4
        position = body + length
        if kind == _BOF:
            extent, rows = _Extent(limits, _row_limit(limits)), set()
        elif kind == _SST and length >= 8:
            if struct.unpack_from("<I", stream, body + 4)[0] > limits.cells:
                raise _too_large()
        elif kind in _CELL_RECORDS and length >= 6:
            row, first = struct.unpack_from("<HH", stream, body)
            last = struct.unpack_from("<H", stream, position - 2)[0] if kind == _MULRK else first
            if row not in rows:
                rows.add(row)
                extent.row_filled(row)
            extent.columns_filled(first, max(first, last))
