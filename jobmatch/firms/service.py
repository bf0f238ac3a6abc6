"""Firms of the industrial park: anyone reads them; staff register them; a firm keeps its own."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from jobmatch.accounts.auth import is_staff
from jobmatch.accounts.enums import Role
from jobmatch.accounts.models import User
from jobmatch.database import MAX_ID, paginate
from jobmatch.errors import Conflict, Forbidden, NotFound
from jobmatch.extensions import db
from jobmatch.firms.models import Firm

# The legal identity the bureau checked: only staff change it.
STAFF_ONLY_FIELDS = ("name", "credit_code", "is_workshop")


def list_firms(page: int, page_size: int) -> tuple[list[Firm], int]:
    return paginate(select(Firm).order_by(Firm.id), page, page_size)


def get_firm(firm_id: int) -> Firm:
    firm = db.session.get(Firm, firm_id) if 0 < firm_id <= MAX_ID else None
    if firm is None:
        raise NotFound(f"企业 {firm_id} 不存在。")
    return firm


def create_firm(actor: User, data: dict) -> Firm:
    if not is_staff(actor):
        raise Forbidden("只有人社局工作人员可以登记企业。")
    _check_credit_code_free(data["credit_code"])
    firm = Firm(**data)
    db.session.add(firm)
    _commit(data["credit_code"])
    return firm


def update_firm(actor: User, firm_id: int, changes: dict) -> Firm:
    firm = get_firm(firm_id)
    if not is_staff(actor):
        if actor.role != Role.FIRM or actor.firm_id != firm.id:
            raise Forbidden("只能修改本企业的信息。")
        refused = [field for field in STAFF_ONLY_FIELDS if field in changes]
        if refused:
            raise Forbidden(
                "企业名称、统一社会信用代码和帮扶车间认定只能由人社局工作人员修改。",
                {field: ["企业账号不能修改此项。"] for field in refused},
            )
    if changes.get("credit_code", firm.credit_code) != firm.credit_code:
        _check_credit_code_free(changes["credit_code"])
    for field, value in changes.items():
        setattr(firm, field, value)
    _commit(firm.credit_code)
    return firm


def _check_credit_code_free(credit_code: str) -> None:
    if db.session.scalar(select(Firm.id).where(Firm.credit_code == credit_code)) is not None:
        raise _duplicate(credit_code)


def _commit(credit_code: str) -> None:
    try:
        db.session.commit()
    except IntegrityError:
        # A concurrent request registered the same credit code first.
        db.session.rollback()
        raise _duplicate(credit_code) from None


def _duplicate(credit_code: str) -> Conflict:
    return Conflict(
        f"统一社会信用代码 {credit_code} 已登记给另一家企业。",
        {"credit_code": ["已被另一家企业使用。"]},
    )
