"""Municipalities and schools of the region."""

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competence.extensions import db

SCHOOL_GROUPS = ("secondary", "basic")


class Municipality(db.Model):
    """A municipal unit of the region (муниципальный район или городской округ)."""

    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    # ОКТМО code, when known; it identifies the municipality in imports.
    code: Mapped[str | None] = mapped_column(String(11), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)

    schools: Mapped[list["School"]] = relationship(
        back_populates="municipality", order_by="School.name"
    )

    def __repr__(self) -> str:
        return f"<Municipality {self.name}>"


class School(db.Model):
    """A general education school (общеобразовательная организация)."""

    __tablename__ = "schools"
    __table_args__ = (
        CheckConstraint("school_group IN ('secondary', 'basic')", name="school_group"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The regional identifier used in indicator files (school_id there).
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    # secondary = средняя (has grade 11); basic = основная, вечерняя, открытая (сменная).
    school_group: Mapped[str] = mapped_column(String(16))
    students: Mapped[int | None]
    # Schools excluded from identification (adapted programmes only, primary-only, at colonies).
    excluded_reason: Mapped[str | None] = mapped_column(String(300))

    municipality: Mapped[Municipality] = relationship(back_populates="schools")

    def __repr__(self) -> str:
        return f"<School {self.code} {self.name}>"
