"""The employment reports as Excel: a sheet per table, Chinese headings in the order given,
written through the project's one safe workbook writer."""

from collections.abc import Callable

from flask import Response
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from jobmatch.spreadsheets import write_row, xlsx_response

# (key in the row, heading, how the value is written)
Column = tuple[str, str, Callable]


def plain(value):
    return value


def sheet_rows(columns: list[Column], rows: list[dict]) -> list[list]:
    return [
        [None if row.get(key) is None else convert(row[key]) for key, _, convert in columns]
        for row in rows
    ]


def workbook(sheets: list[tuple[str, list[Column], list[dict]]]) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for title, columns, rows in sheets:
        sheet = book.create_sheet(title)
        write_row(sheet, [heading for _, heading, _ in columns])
        for values in sheet_rows(columns, rows):
            write_row(sheet, values)
        for index, (_, heading, _) in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(10, 2 * len(heading))
        sheet.freeze_panes = "A2"
    return book


def sheets_response(sheets, filename: str) -> Response:
    return xlsx_response(workbook(sheets), f"{filename}.xlsx")
