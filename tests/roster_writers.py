"""Rosters written the way clerks' programs write them: one table, every format, by a library.

A table is a list of rows of Python values (str, int, float, date, None). The first row may be
a title: it is merged across the header's width, as clerks do, in the formats that merge.
Numbers stay numbers and dates stay dates (Excel, WPS and LibreOffice keep them so); CSV holds
what Excel shows for them.
"""

import csv
import io
from datetime import date

import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style, TableColumnProperties
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook


def xlsx_bytes(table: list[list], merged_title: bool = True, width: int = 0) -> bytes:
    workbook = Workbook(write_only=not merged_title)
    sheet = workbook.active if merged_title else workbook.create_sheet()
    for row in table:
        sheet.append(row)
    if merged_title:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width or 8)
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xls_bytes(table: list[list], merged_title: bool = True, width: int = 0) -> bytes:
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("花名册")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for r, row in enumerate(table):
        if r == 0 and merged_title:
            sheet.write_merge(0, 0, 0, (width or 8) - 1, row[0])
            continue
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                sheet.write(r, c, value, date_style)
            else:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods_bytes(table: list[list], merged_title: bool = True, width: int = 0) -> bytes:
    document = OpenDocumentSpreadsheet()
    column_style = Style(name="co1", family="table-column")
    column_style.addElement(TableColumnProperties(columnwidth="2.5cm"))
    document.automaticstyles.addElement(column_style)
    sheet = Table(name="花名册")
    for r, row in enumerate(table):
        table_row = TableRow()
        for c, value in enumerate(row):
            attributes = {}
            if r == 0 and c == 0 and merged_title:
                attributes["numbercolumnsspanned"] = width or 8
            table_row.addElement(_ods_cell(value, attributes))
        sheet.addElement(table_row)
    document.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _ods_cell(value, attributes: dict) -> TableCell:
    if value is None or value == "":
        return TableCell(**attributes)
    if isinstance(value, bool):
        value = "是" if value else "否"
    if isinstance(value, date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat(), **attributes)
        cell.addElement(P(text=value.isoformat()))
    elif isinstance(value, int | float):
        cell = TableCell(valuetype="float", value=value, **attributes)
        cell.addElement(P(text=str(value)))
    else:
        cell = TableCell(valuetype="string", **attributes)
        cell.addElement(P(text=str(value)))
    return cell


def _shown(value) -> str:
    """What Excel shows, and so saves as CSV: 1.40222E+17 for a long number, 1980/1/1."""
    if value is None:
        return ""
    if isinstance(value, float) and abs(value) >= 1e11:
        return f"{value:.5E}"
    if isinstance(value, date):
        return f"{value.year}/{value.month}/{value.day}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def csv_bytes(table: list[list], encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows([[_shown(v) for v in row] for row in table])
    if encoding == "utf-16":  # Excel's "Unicode text": UTF-16 with its byte order mark
        return text.getvalue().encode("utf-16")
    return text.getvalue().encode(encoding)


def every_format(table: list[list], width: int) -> dict[str, tuple[str, bytes]]:
    """The same table as each format a bureau's clerks send: name -> (filename, content)."""
    return {
        "xlsx": ("花名册.xlsx", xlsx_bytes(table, width=width)),
        "xls": ("花名册.xls", xls_bytes(table, width=width)),
        "ods": ("花名册.ods", ods_bytes(table, width=width)),
        "csv-utf8-bom": ("花名册.csv", csv_bytes(table, "utf-8-sig")),
        "csv-gbk": ("花名册.csv", csv_bytes(table, "gbk")),
        "csv-utf16": ("花名册.txt", csv_bytes(table, "utf-16", "\t")),
    }
