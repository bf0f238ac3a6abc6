"""A period's piecework pay sheet (计件工资表): one line per resident and order, and a total.

The xlsx has the columns a bureau files: 序号, 姓名, 身份证号码 (masked), 订单, 产品, 交货数量,
合格数量, 计件单价, 应发金额.
"""

from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import select

from jobmatch.accounts.auth import is_staff
from jobmatch.accounts.enums import Role
from jobmatch.accounts.models import User
from jobmatch.errors import Forbidden, Invalid
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.orders.earnings import check_period, ledger_lines, period_conditions
from jobmatch.orders.models import Order
from jobmatch.residents.models import Resident
from jobmatch.spreadsheets import write_row
from jobmatch.validators import mask_id_number

HEADERS = (
    "序号",
    "姓名",
    "身份证号码",
    "订单",
    "产品",
    "交货数量",
    "合格数量",
    "计件单价",
    "应发金额",
)


def _firm_scope(actor: User, firm_id: int | None) -> int | None:
    """The firm whose orders the sheet covers: any for staff, only its own for a firm user."""
    if is_staff(actor):
        if firm_id is not None and db.session.get(Firm, firm_id) is None:
            raise Invalid("输入有误，请按提示修改。", {"firm_id": ["企业不存在。"]})
        return firm_id
    if actor.role == Role.FIRM and firm_id in (None, actor.firm_id):
        return actor.firm_id
    raise Forbidden("当前账号无权查看该工资表。")


def build_paysheet(actor: User, start: date, end: date, firm_id: int | None = None) -> dict:
    firm_id = _firm_scope(actor, firm_id)
    check_period(start, end)
    conditions = period_conditions(start, end)
    if firm_id is not None:
        conditions.append(Order.firm_id == firm_id)
    found = ledger_lines(conditions)
    residents = {
        resident.id: resident
        for resident in db.session.scalars(
            select(Resident).where(Resident.id.in_({line[0] for line in found}))
        )
    }
    lines = []
    for resident_id, order, delivered, accepted in found:
        if delivered == 0 and accepted == 0:
            continue  # an entry fully reversed within the period pays nothing and says nothing
        resident = residents[resident_id]
        lines.append(
            {
                "resident_id": resident_id,
                "name": resident.name,
                "id_number": mask_id_number(resident.id_number),
                "order_id": order.id,
                "product": order.product,
                "unit_rate": order.unit_rate,
                "delivered": delivered,
                "accepted": accepted,
                "amount": accepted * order.unit_rate,
            }
        )
    totals = {
        "delivered": sum(line["delivered"] for line in lines),
        "accepted": sum(line["accepted"] for line in lines),
        "amount": sum((line["amount"] for line in lines), Decimal("0")),
    }
    return {"start": start, "end": end, "firm_id": firm_id, "lines": lines, "totals": totals}


def paysheet_xlsx(sheet: dict) -> Workbook:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = "计件工资表"
    write_row(worksheet, HEADERS)
    for number, line in enumerate(sheet["lines"], start=1):
        write_row(
            worksheet,
            (
                number,
                line["name"],
                line["id_number"],
                line["order_id"],
                line["product"],
                line["delivered"],
                line["accepted"],
                float(line["unit_rate"]),
                float(line["amount"]),
            ),
        )
    totals = sheet["totals"]
    write_row(
        worksheet,
        ("合计", None, None, None, None, totals["delivered"], totals["accepted"], None,
         float(totals["amount"])),
    )  # fmt: skip
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for cell in worksheet[worksheet.max_row]:
        cell.font = Font(bold=True)
    for row in worksheet.iter_rows(min_row=2, min_col=8, max_col=9):
        for cell in row:
            cell.number_format = "0.00"
    for column, width in zip("ABCDEFGHI", (6, 10, 22, 8, 14, 10, 10, 10, 12), strict=True):
        worksheet.column_dimensions[column].width = width
    worksheet.freeze_panes = "A2"
    return workbook


def paysheet_filename(sheet: dict) -> str:
    return f"paysheet_{sheet['start']:%Y%m%d}_{sheet['end']:%Y%m%d}.xlsx"
