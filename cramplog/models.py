"""The diary's tables, as SQLAlchemy 2.0 typed models.

Every row belongs to a `person` from day one, so that a caregiver's second diary or a clinic's
many need no rewrite. Instants are stored in UTC together with the IANA zone in force when they
were logged; the night an episode belongs to is computed once, when it is logged, from local
time (see timeutil.night_of), so travel and daylight-saving changes never move a cramp.

A change here needs a migration: `alembic revision --autogenerate -m "..."` from the repository
root, then read what it wrote. tests/test_migrations.py fails while models and migrations differ.
"""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import UTC, datetime

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SITES = ("toes", "foot", "arch", "calf", "thigh", "other")
SIDES = ("left", "right", "both")
SIGNS = ("swelling", "redness", "skin-change", "numbness", "weakness")
FITS = ("good", "tight", "loose")
SHOE_KINDS = ("everyday", "trainers", "boots", "heels", "flats", "sandals", "slippers", "other")


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_uid() -> str:
    """A row's stable identity across export and import (random, so no two diaries clash)."""
    return str(uuid.uuid4())


def uid_column() -> Mapped[str]:
    return mapped_column(String(36), default=new_uid, unique=True)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as naive UTC, and given back aware.

    SQLite has no time zone type; storing UTC and converting at the edges keeps ordering and
    comparisons right whatever zone a row was logged in.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    name: Mapped[str] = mapped_column(String(100), default="me")
    birth_year: Mapped[int | None]
    # The first day of the month the person says their cramps began (`profile set
    # --cramps-since 2026-10`): the onset a diary started after the cramps cannot see.
    cramps_since: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # `person remove` is soft: the entries stay, the person is left out of every choice, and
    # `undo` brings them back.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    conditions: Mapped[list[PersonCondition]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="PersonCondition.id"
    )


class PersonCondition(Base):
    """A medical condition from the profile, by its knowledge id (e.g. `diabetes`)."""

    __tablename__ = "person_condition"
    __table_args__ = (UniqueConstraint("person_id", "condition"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    condition: Mapped[str] = mapped_column(String(60))

    person: Mapped[Person] = relationship(back_populates="conditions")


class Episode(Base):
    """One cramp. Deleting sets `deleted_at`; the row stays until purged.

    The database also refuses a severity outside 0-10 and negative minutes: those CHECK
    constraints live in migration 0001 only, because declaring them here costs `cramplog log`
    about 20 ms of SQL-expression set-up at import, and Alembic does not compare them anyway.
    """

    __tablename__ = "episode"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    tz: Mapped[str] = mapped_column(String(64))
    night: Mapped[dt.date] = mapped_column(Date, index=True)
    severity: Mapped[int | None]
    site: Mapped[str | None] = mapped_column(String(10))
    side: Mapped[str | None] = mapped_column(String(5))
    minutes: Mapped[float | None]
    woke: Mapped[bool | None]
    relief: Mapped[str | None] = mapped_column(Text)
    # Comma-separated subset of SIGNS; a handful of fixed words needs no table of its own.
    signs: Mapped[str] = mapped_column(String(80), default="")
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def sign_list(self) -> list[str]:
        return [s for s in self.signs.split(",") if s]


class NightRecord(Base):
    """An explicit statement about a night: today only "no cramps".

    A night with neither an episode nor a record is missing, never cramp-free.
    """

    __tablename__ = "night"
    __table_args__ = (UniqueConstraint("person_id", "night"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    night: Mapped[dt.date] = mapped_column(Date)
    cramp_free: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Day(Base):
    """Day D's factors: the exposures for night D. A None field is unknown, never "no"."""

    __tablename__ = "day"
    __table_args__ = (UniqueConstraint("person_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    water_ml: Mapped[int | None]
    exercise_minutes: Mapped[int | None]
    # Comma-separated kinds of exercise (strength, balance, flexibility, cardio, walking, ...).
    activities: Mapped[str | None] = mapped_column(String(200))
    stretched: Mapped[bool | None]
    alcohol: Mapped[int | None]
    caffeine: Mapped[int | None]
    sitting_hours: Mapped[float | None]
    steps: Mapped[int | None]
    # Which fields came from a health-app import, as JSON {"water_ml": "apple-health", ...};
    # a field not named here was typed by hand, and an import never overwrites it.
    sources: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    shoes: Mapped[list[DayShoe]] = relationship(
        back_populates="day", cascade="all, delete-orphan", order_by="DayShoe.id"
    )
    factors: Mapped[list[DayFactor]] = relationship(
        back_populates="day", cascade="all, delete-orphan", order_by="DayFactor.id"
    )

    @property
    def activity_list(self) -> list[str]:
        return [a for a in (self.activities or "").split(",") if a]


class Shoe(Base):
    __tablename__ = "shoe"
    __table_args__ = (UniqueConstraint("person_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    fit: Mapped[str] = mapped_column(String(10), default="good")
    kind: Mapped[str | None] = mapped_column(String(20))
    retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DayShoe(Base):
    """A pair worn on a day, with hours worn when known."""

    __tablename__ = "day_shoe"
    __table_args__ = (UniqueConstraint("day_id", "shoe_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("day.id", ondelete="CASCADE"), index=True)
    # Indexed for "which days was this pair worn" (shoe reports, a shoe's removal check).
    shoe_id: Mapped[int] = mapped_column(ForeignKey("shoe.id"), index=True)
    hours: Mapped[float | None]

    day: Mapped[Day] = relationship(back_populates="shoes")
    shoe: Mapped[Shoe] = relationship()


FACTOR_KINDS = ("yesno", "number")


class Factor(Base):
    """A factor of the person's own (`factor add "leg elevated"`), recorded per day.

    A yes/no factor is exposed on "yes". A number factor carries a unit and one threshold:
    exposed when the day's value is below `exposed_below` or above `exposed_above`. Removing a
    factor sets `removed_at`, so its daily values stay and an undo brings it back whole.
    """

    __tablename__ = "factor"
    __table_args__ = (UniqueConstraint("person_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10), default="yesno")
    unit: Mapped[str | None] = mapped_column(String(20))
    exposed_below: Mapped[float | None] = mapped_column(Float)
    exposed_above: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DayFactor(Base):
    """Day D's value of one own factor: 1.0 / 0.0 for yes / no, else the number.

    No row means not recorded (unknown), never "no".
    """

    __tablename__ = "day_factor"
    __table_args__ = (UniqueConstraint("day_id", "factor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    day_id: Mapped[int] = mapped_column(ForeignKey("day.id", ondelete="CASCADE"), index=True)
    factor_id: Mapped[int] = mapped_column(ForeignKey("factor.id", ondelete="CASCADE"), index=True)
    value: Mapped[float] = mapped_column(Float)

    day: Mapped[Day] = relationship(back_populates="factors")
    factor: Mapped[Factor] = relationship()


class Trial(Base):
    """A planned, randomised on/off self-trial (an N-of-1 trial) of one yes/no factor.

    `factor_id` names an own yes/no factor; when it is NULL the trial is of the built-in
    `builtin` exposure (today only "stretched"). The schedule is `pairs` pairs of periods of
    `period_days` nights from `start`; `arms` stores the seeded random draw, one "on,off" or
    "off,on" per pair as JSON (`[["on", "off"], ["off", "on"], ...]`), so the order is fixed
    once drawn. A change after the first night is recorded in `changes` (JSON list of
    {"at", "what"}) and shown with the result. `ended_at` marks a trial ended or abandoned.
    """

    __tablename__ = "trial"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    factor_id: Mapped[int | None] = mapped_column(ForeignKey("factor.id"))
    builtin: Mapped[str | None] = mapped_column(String(40))
    start: Mapped[dt.date] = mapped_column(Date)
    pairs: Mapped[int] = mapped_column(Integer)
    period_days: Mapped[int] = mapped_column(Integer)
    washout_days: Mapped[int] = mapped_column(Integer, default=0)
    seed: Mapped[int] = mapped_column(Integer)
    arms: Mapped[str] = mapped_column(Text)
    changes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    factor: Mapped[Factor | None] = relationship()


class Medication(Base):
    """A medicine by generic name, active from `started` to `stopped` (inclusive, either open)."""

    __tablename__ = "medication"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    dose: Mapped[str | None] = mapped_column(String(60))
    as_needed: Mapped[bool] = mapped_column(default=False)
    started: Mapped[dt.date | None] = mapped_column(Date)
    stopped: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MedicationAlias(Base):
    """A person's own name for a medicine (a brand), mapped to its generic name."""

    __tablename__ = "medication_alias"
    __table_args__ = (UniqueConstraint("person_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(120))
    generic: Mapped[str] = mapped_column(String(120))


class Dose(Base):
    """One dose of an as-needed medicine taken; `date` is the local calendar day."""

    __tablename__ = "dose"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    medication_id: Mapped[int] = mapped_column(
        ForeignKey("medication.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    tz: Mapped[str] = mapped_column(String(64))
    date: Mapped[dt.date] = mapped_column(Date)


class PersonSetting(Base):
    """A setting one person keeps for themselves (`config set --personal`): it wins over the
    diary's own value for that person only."""

    __tablename__ = "person_setting"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Setting(Base):
    """A diary's own settings (thresholds and preferences), so a copied file keeps them."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Change(Base):
    """One command's writes, for `undo`: what each touched row looked like before."""

    __tablename__ = "change"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    summary: Mapped[str] = mapped_column(Text)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Whose diary the change wrote to, so one person's `undo` never takes back another's
    # change. NULL for a change to the diary as a whole (a setting, `person add`).
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )

    rows: Mapped[list[ChangeRow]] = relationship(
        back_populates="change", cascade="all, delete-orphan", order_by="ChangeRow.seq"
    )


class ChangeRow(Base):
    """A row a change touched. `before` is its JSON image, or NULL when the change created it."""

    __tablename__ = "change_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("change.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    table_name: Mapped[str] = mapped_column(String(60))
    row_key: Mapped[str] = mapped_column(String(200))
    before: Mapped[str | None] = mapped_column(Text)

    change: Mapped[Change] = relationship(back_populates="rows")
