from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.extensions import db


class Community(db.Model):
    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    lat: Mapped[float]
    lon: Mapped[float]

    grids: Mapped[list["Grid"]] = relationship(
        back_populates="community", order_by="Grid.id", cascade="all, delete-orphan"
    )


class Grid(db.Model):
    """A community's grid (网格), with the party branch that serves it."""

    __tablename__ = "grids"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    party_branch: Mapped[str | None] = mapped_column(String(128))
    lat: Mapped[float]
    lon: Mapped[float]

    community: Mapped[Community] = relationship(back_populates="grids")
