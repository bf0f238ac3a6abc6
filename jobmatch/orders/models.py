from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.database import Timestamps
from jobmatch.extensions import db
from jobmatch.firms.models import Firm


class Order(Timestamps, db.Model):
    """A piecework order (来料加工) a firm hands to a cohort or workshop.

    ``delivered`` and ``accepted`` are running sums kept by conditional updates, so that
    deliveries racing for the last pieces can never overshoot ``quantity``.
    """

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        CheckConstraint("unit_rate >= 0", name="unit_rate"),
        CheckConstraint("delivered >= 0 AND delivered <= quantity", name="delivered_within"),
        CheckConstraint("accepted >= 0 AND accepted <= delivered", name="accepted_within"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    product: Mapped[str] = mapped_column(String(64), index=True)
    quantity: Mapped[int]
    unit_rate: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    due_on: Mapped[date | None]
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"), index=True)
    delivered: Mapped[int] = mapped_column(default=0)
    accepted: Mapped[int] = mapped_column(default=0)

    firm: Mapped[Firm] = relationship()


class Delivery(Timestamps, db.Model):
    """One hand-in of finished pieces by one resident; the ledger is append-only."""

    __tablename__ = "deliveries"
    __table_args__ = (
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        CheckConstraint("accepted >= 0 AND accepted <= quantity", name="accepted_within"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    quantity: Mapped[int]
    accepted: Mapped[int]
    reject_reason: Mapped[str | None] = mapped_column(String(128))
    delivered_on: Mapped[date]

    order: Mapped[Order] = relationship()
