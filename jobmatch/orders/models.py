from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch import clock
from jobmatch.database import Timestamps, one_of
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.orders.enums import ReviewVerdict

# Money is kept in yuan with two places (分), as the Numeric columns below store it.
CENT = Decimal("0.01")


class Order(Timestamps, db.Model):
    """A piecework order (来料加工) a firm hands to a cohort or a named workshop.

    ``delivered`` and ``accepted`` are running sums of the ledger kept by conditional updates,
    so that deliveries racing for the last pieces can never overshoot ``quantity``.
    ``completed_on`` is the day ``delivered`` reached ``quantity``; lateness is judged by it.
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
    workshop: Mapped[str | None] = mapped_column(String(128))
    delivered: Mapped[int] = mapped_column(default=0)
    accepted: Mapped[int] = mapped_column(default=0)
    completed_on: Mapped[date | None]

    firm: Mapped[Firm] = relationship()

    def is_late_on(self, day: date) -> bool:
        """Past due unfinished, or finished after the due date."""
        if self.due_on is None:
            return False
        if self.delivered < self.quantity:
            return day > self.due_on
        # An order loaded complete with no completion day recorded is taken as on time.
        return self.completed_on is not None and self.completed_on > self.due_on

    def progress_on(self, day: date) -> dict:
        completed = self.delivered >= self.quantity
        return {
            "status": "completed" if completed else "open",
            "delivered_share": round(self.delivered / self.quantity, 4),
            "accepted_share": round(self.accepted / self.quantity, 4),
            "acceptance_rate": round(self.accepted / self.delivered, 4) if self.delivered else None,
            "pieces_left": self.quantity - self.delivered,
            "days_to_due": None if completed or not self.due_on else (self.due_on - day).days,
            "late": self.is_late_on(day),
        }

    @property
    def progress(self) -> dict:
        return self.progress_on(clock.today())


class Delivery(Timestamps, db.Model):
    """One ledger entry: a hand-in of finished pieces by one resident, or a correction.

    The ledger is append-only. An original entry (``corrects_id`` empty) carries positive
    counts; a correction names the original it corrects and carries signed adjustments to its
    ``quantity`` and ``accepted``, with a ``note`` saying why.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        CheckConstraint(
            "corrects_id IS NOT NULL OR (quantity >= 1 AND accepted >= 0 AND accepted <= quantity)",
            name="original_counts",
        ),
        CheckConstraint(
            "corrects_id IS NOT NULL OR accepted = quantity OR reject_reason IS NOT NULL",
            name="reject_reason_given",
        ),
        CheckConstraint(
            "corrects_id IS NULL OR ((quantity <> 0 OR accepted <> 0) AND note IS NOT NULL)",
            name="correction_counts",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    quantity: Mapped[int]
    accepted: Mapped[int]
    reject_reason: Mapped[str | None] = mapped_column(String(128))
    delivered_on: Mapped[date] = mapped_column(index=True)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"), index=True)
    note: Mapped[str | None] = mapped_column(String(200))

    order: Mapped[Order] = relationship()


REVIEW_VERDICTS = ReviewVerdict.values()


class DeliveryReview(Timestamps, db.Model):
    """The firm's word on one hand-in: confirmed as recorded, or disputed with its own count.

    A dispute changes nothing in the ledger: the bureau settles it, by a correction if the firm
    is right. One review per original entry.
    """

    __tablename__ = "delivery_reviews"
    __table_args__ = (
        CheckConstraint(one_of("verdict", REVIEW_VERDICTS), name="verdict"),
        CheckConstraint(
            "verdict = 'confirmed' OR (accepted IS NOT NULL AND reason IS NOT NULL)",
            name="dispute_says_why",
        ),
        CheckConstraint("accepted IS NULL OR accepted >= 0", name="accepted"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    verdict: Mapped[str] = mapped_column(String(16))
    accepted: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(String(200))


class MaterialIssue(Timestamps, db.Model):
    """Materials handed to one resident to make a number of pieces of an order (发料)."""

    __tablename__ = "material_issues"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("pieces >= 1", name="pieces_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    material: Mapped[str] = mapped_column(String(128))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    unit: Mapped[str] = mapped_column(String(16))
    pieces: Mapped[int]
    issued_on: Mapped[date] = mapped_column(index=True)
    note: Mapped[str | None] = mapped_column(String(200))


class LedgerIsAppendOnly(Exception):
    """Raised when code tries to change or remove a ledger entry through the ORM."""


@event.listens_for(Delivery, "before_update")
@event.listens_for(Delivery, "before_delete")
def _refuse_ledger_changes(mapper, connection, target):
    # The pay owed is read from the ledger; a changed row would silently rewrite history.
    raise LedgerIsAppendOnly("a delivery is never changed or removed; record a correction")
