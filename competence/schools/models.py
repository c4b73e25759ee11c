"""Municipalities and schools of the region, their indicator values and partnerships."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competence.database import UTCDateTime, utcnow
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


class IndicatorImport(db.Model):
    """One import of an indicator file: which file, which years, by whom."""

    __tablename__ = "indicator_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    means_filename: Mapped[str | None] = mapped_column(String(255))
    years: Mapped[list] = mapped_column(JSON)
    rows: Mapped[int]
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    imported_by = relationship("User")


class SchoolIndicators(db.Model):
    """A school's indicator values in one year, as the latest import of that year gave them."""

    __tablename__ = "school_indicators"
    __table_args__ = (
        UniqueConstraint("school_id", "year"),
        CheckConstraint("school_group IN ('secondary', 'basic')", name="school_group"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    # The group that year (a school may change it); each year is ranked by its own group.
    school_group: Mapped[str] = mapped_column(String(16))
    # {indicator code: value}; a code absent or None is a missing value.
    values: Mapped[dict] = mapped_column(JSON)
    excluded_reason: Mapped[str | None] = mapped_column(String(300))
    import_id: Mapped[int] = mapped_column(ForeignKey("indicator_imports.id"), index=True)

    school: Mapped[School] = relationship()
    source: Mapped[IndicatorImport] = relationship()


class RegionMean(db.Model):
    """The region's mean of a mean-score indicator in one year, from a region-means file."""

    __tablename__ = "region_means"

    year: Mapped[int] = mapped_column(primary_key=True)
    indicator: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[float]
    import_id: Mapped[int] = mapped_column(ForeignKey("indicator_imports.id"), index=True)

    source: Mapped[IndicatorImport] = relationship()


class SchoolPartnership(db.Model):
    """A network partnership agreement (договор о сетевом взаимодействии) of two schools."""

    __tablename__ = "school_partnerships"
    __table_args__ = (
        CheckConstraint("school_id <> partner_id", name="distinct_schools"),
        # One agreement in force per pair; ended ones stay as history.
        Index(
            "uq_school_partnerships_in_force",
            "school_id",
            "partner_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The supported school (ШНРО or risk group) and the school that supports it.
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    agreement_number: Mapped[str] = mapped_column(String(60))
    agreement_date: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    end_reason: Mapped[str | None] = mapped_column(Text)

    school: Mapped[School] = relationship(foreign_keys=[school_id])
    partner: Mapped[School] = relationship(foreign_keys=[partner_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    ended_by = relationship("User", foreign_keys=[ended_by_id])

    @property
    def in_force(self) -> bool:
        """Tell whether the agreement has not been ended."""
        return self.ended_at is None
