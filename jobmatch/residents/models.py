"""Residents and trainees, the skills they hold and the priority groups they belong to."""

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.catalogue.models import Skill
from jobmatch.communities.models import Community
from jobmatch.crypto import EncryptedText
from jobmatch.database import Timestamps, Versioned, one_of
from jobmatch.education import Education
from jobmatch.extensions import db
from jobmatch.residents.enums import EmploymentStatus, Gender, PriorityGroup, ShiftPreference

GENDERS = Gender.values()
SHIFT_PREFERENCES = ShiftPreference.values()
PRIORITY_GROUPS = PriorityGroup.values()
EMPLOYMENT_STATUSES = EmploymentStatus.values()
SKILL_SOURCES = ("declared", "training")


class Resident(Versioned, Timestamps, db.Model):
    """A resident or trainee. ID and phone numbers are stored encrypted (see jobmatch.crypto)."""

    __tablename__ = "residents"
    __table_args__ = (
        CheckConstraint(one_of("gender", GENDERS), name="gender"),
        CheckConstraint(one_of("shift_preference", SHIFT_PREFERENCES), name="shift_preference"),
        CheckConstraint(one_of("employment_status", EMPLOYMENT_STATUSES), name="employment_status"),
        CheckConstraint("desired_wage IS NULL OR desired_wage >= 0", name="desired_wage"),
        CheckConstraint("max_commute_km IS NULL OR max_commute_km > 0", name="max_commute_km"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    # Deferred: loading a resident (for matching, lists, joins) decrypts nothing until a reader
    # asks for the numbers; lists undefer them for the page they show, and only for that page.
    id_number: Mapped[str] = mapped_column(EncryptedText, deferred=True, deferred_group="pii")
    # Keyed hash of the ID number: unique, and the way a resident is found by ID number.
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    phone: Mapped[str] = mapped_column(EncryptedText, deferred=True, deferred_group="pii")
    # Keyed hash of the mobile number (FieldCipher.phone_hash), the way staff find a resident
    # by mobile; not unique, as family members may share one phone.
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    gender: Mapped[str] = mapped_column(String(8))
    birth_date: Mapped[date] = mapped_column(index=True)
    education: Mapped[str] = mapped_column(String(32), default=Education.OTHER)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    desired_wage: Mapped[int | None]
    shift_preference: Mapped[str] = mapped_column(String(8), default=ShiftPreference.ANY)
    max_commute_km: Mapped[float | None]
    employment_status: Mapped[str] = mapped_column(String(16), default=EmploymentStatus.UNEMPLOYED)
    # The roster's 户号: members of one household share it (monitoring reports group by it).
    household_no: Mapped[str | None] = mapped_column(String(32), index=True)
    # Optional, given with the resident's consent; empty means not said (the matcher then
    # ranks as it would without them): 有无交通工具, 能否上夜班, 照顾老幼.
    has_transport: Mapped[bool | None]
    night_shift_ok: Mapped[bool | None]
    caregiver: Mapped[bool | None]

    community: Mapped[Community | None] = relationship()
    skill_links: Mapped[list["ResidentSkill"]] = relationship(
        back_populates="resident", cascade="all, delete-orphan", order_by="ResidentSkill.skill_code"
    )
    group_links: Mapped[list["ResidentGroup"]] = relationship(
        cascade="all, delete-orphan", order_by="ResidentGroup.group"
    )

    @property
    def skills(self) -> list[str]:
        return sorted({link.skill_code for link in self.skill_links})

    @property
    def groups(self) -> list[str]:
        return [link.group for link in self.group_links]


class ResidentSkill(db.Model):
    """A skill a resident holds: declared at registration, or conferred by passed training."""

    __tablename__ = "resident_skills"
    __table_args__ = (CheckConstraint(one_of("source", SKILL_SOURCES), name="source"),)

    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True
    )
    skill_code: Mapped[str] = mapped_column(ForeignKey("skills.code"), primary_key=True, index=True)
    source: Mapped[str] = mapped_column(String(16), default="declared")

    resident: Mapped[Resident] = relationship(back_populates="skill_links")
    skill: Mapped[Skill] = relationship()


class ResidentGroup(db.Model):
    """Membership of a priority group: sensitive personal information, never shown to firms."""

    __tablename__ = "resident_groups"
    __table_args__ = (CheckConstraint(one_of('"group"', PRIORITY_GROUPS), name="group"),)

    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True
    )
    group: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)
