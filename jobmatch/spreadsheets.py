"""The one way a workbook is written: text always stays text, and one answer for downloads.

openpyxl stores a string starting with ``=`` as a formula, and Excel or WPS would run it when a
clerk opens the file: a firm's post title or a trainee's name must never become a live
``=HYPERLINK(...)``. Every cell written here that holds a string is a plain string cell
(``data_type == "s"``), whatever it starts with (``=``, ``+``, ``-``, ``@``, tab, CR).
Control characters that the file format cannot hold (all below U+0020 but tab, line feed and
carriage return) are left out instead of failing the export. lxml writes the workbook so that a
carriage return survives as ``&#13;`` rather than being read back as a line feed.
"""

import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from io import BytesIO
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from jobmatch.clock import china_time

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# How an answer that may be a workbook is written in the OpenAPI document.
XLSX_CONTENT = {XLSX_MIMETYPE: {"schema": {"type": "string", "format": "binary"}}}
XLSX_ANSWER = {200: {"content": XLSX_CONTENT}}


def text_value(value: str) -> str:
    """A string as a cell can hold it: the control characters XML refuses left out."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def cell(sheet: Worksheet | WriteOnlyWorksheet, value) -> Cell:
    """One cell for ``sheet``: strings as plain text, dates as dates, times on China's clock."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        # Excel has no time zones: show the bureau's own clock.
        value = china_time(value).replace(tzinfo=None)
    if isinstance(value, str):
        written = Cell(sheet, row=1, column=1)
        # Set after construction: openpyxl's own value setter would turn "=..." into a formula.
        written._value = text_value(value)
        written.data_type = "s"
        return written
    written = Cell(sheet, row=1, column=1, value=value)
    if isinstance(value, datetime):
        written.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        written.number_format = "yyyy-mm-dd"
    return written


def write_row(sheet: Worksheet | WriteOnlyWorksheet, values: Iterable) -> None:
    """Append one row of values to ``sheet`` through :func:`cell`."""
    sheet.append([cell(sheet, value) for value in values])


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(workbook: Workbook | bytes, filename: str) -> Response:
    """A download of ``workbook`` named ``filename``; a Chinese name goes in ``filename*``."""
    body = workbook if isinstance(workbook, bytes) else workbook_bytes(workbook)
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    # No quote, backslash or line break can end the header early.
    plain = "".join(c for c in plain if c.isprintable() and c not in '"\\') or "export.xlsx"
    disposition = f'attachment; filename="{plain}"'
    if plain != filename:
        disposition += f"; filename*=UTF-8''{quote(filename)}"
    return Response(body, mimetype=XLSX_MIMETYPE, headers={"Content-Disposition": disposition})
