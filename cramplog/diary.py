"""The diary's operations: what the CLI calls to read and write episodes, nights, days, shoes,
medicines, the profile and settings.

Every function takes an open Session (one transaction, see db.session_scope) and validates its
input, raising InputError before anything is written. Nothing here prints or reads a terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from cramplog import config
from cramplog.errors import InputError
from cramplog.models import (
    FITS,
    SHOE_KINDS,
    SIDES,
    SIGNS,
    SITES,
    Day,
    DayShoe,
    Dose,
    Episode,
    Medication,
    MedicationAlias,
    NightRecord,
    Person,
    PersonCondition,
    Setting,
    Shoe,
    utcnow,
)
from cramplog.timeutil import night_of, parse_boundary, zone

MAX_EPISODE_MINUTES = 240.0  # a cramp logged as lasting longer than 4 h is almost surely a typo
MAX_EXERCISE_MINUTES = 24 * 60.0


# --- person and settings -------------------------------------------------------------------


def person(session: Session, *, create: bool = True) -> Person | None:
    """The diary's person (the first one). Created on first write."""
    found = session.scalars(select(Person).order_by(Person.id).limit(1)).first()
    if found is None and create:
        found = Person(name="me")
        session.add(found)
        session.flush()
    return found


def settings(session: Session) -> dict[str, Any]:
    """Every setting, stored value or default, as its proper type (read once per session)."""
    cached = session.info.get("settings")
    if cached is None:
        stored = dict(session.execute(select(Setting.key, Setting.value)).all())
        cached = {key: config.coerce(key, stored.get(key)) for key in config.settings()}
        session.info["settings"] = cached
    return dict(cached)


def setting(session: Session, key: str) -> Any:
    """One setting. Cheaper than settings(): the logging path should not read the rule files."""
    if "settings" in session.info:
        return session.info["settings"][key]
    row = session.get(Setting, key)
    return config.coerce(key, row.value if row else None)


def set_setting(session: Session, key: str, text: str) -> Any:
    value = config.parse_setting(key, text)
    session.info.pop("settings", None)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=str(value)))
    else:
        row.value = str(value)
    return value


def boundary(session: Session) -> time:
    return parse_boundary(str(setting(session, "day_boundary")))


# --- checks shared by the commands ---------------------------------------------------------


def check_choice(field: str, value: str | None, options: Sequence[str]) -> str | None:
    if value is None:
        return None
    low = value.strip().lower()
    if low not in options:
        raise InputError(field, f"{value!r} is not known", "/".join(options))
    return low


def check_severity(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= 10:
        raise InputError("severity", f"{value} is out of range", "a whole number 0-10")
    return value


def check_minutes(value: float | None, field: str = "--minutes") -> float | None:
    if value is None:
        return None
    if value < 0 or value > MAX_EPISODE_MINUTES:
        raise InputError(field, f"{value:g} minutes is out of range", "0 to 240 minutes")
    return value


def check_signs(values: Iterable[str]) -> list[str]:
    signs: list[str] = []
    for value in values:
        sign = check_choice("--sign", value, SIGNS)
        if sign and sign not in signs:
            signs.append(sign)
    return signs


# --- episodes and nights -------------------------------------------------------------------


@dataclass
class Logged:
    episode: Episode
    replaced_cramp_free: bool


def add_episode(
    session: Session,
    *,
    at: datetime,
    tz: str,
    severity: int | None = None,
    site: str | None = None,
    side: str | None = None,
    minutes: float | None = None,
    woke: bool | None = None,
    relief: str | None = None,
    signs: Iterable[str] = (),
    note: str | None = None,
) -> Logged:
    """Record one cramp. A "no cramps" mark on the same night is replaced, since it was wrong."""
    who = person(session)
    assert who is not None
    episode = Episode(
        person_id=who.id,
        at=at,
        tz=tz,
        night=night_of(at, boundary(session)),
        severity=check_severity(severity),
        site=check_choice("--site", site, SITES),
        side=check_choice("--side", side, SIDES),
        minutes=check_minutes(minutes),
        woke=woke,
        relief=relief,
        signs=",".join(check_signs(signs)),
        note=note,
    )
    session.add(episode)
    replaced = _clear_cramp_free_mark(session, episode.night)
    session.flush()
    return Logged(episode, replaced)


def _clear_cramp_free_mark(session: Session, night: date) -> bool:
    """A cramp on a night marked cramp-free shows the mark was wrong: remove it (undoably)."""
    mark = session.scalars(select(NightRecord).where(NightRecord.night == night)).first()
    if mark is None:
        return False
    session.delete(mark)
    return True


def live_episodes_on(session: Session, night: date) -> list[Episode]:
    return list(
        session.scalars(
            select(Episode)
            .where(Episode.night == night, Episode.deleted_at.is_(None))
            .order_by(Episode.at)
        )
    )


def mark_cramp_free(session: Session, night: date, note: str | None = None) -> NightRecord:
    """Record that a night passed without cramps; refused if cramps are logged that night."""
    who = person(session)
    assert who is not None
    logged = live_episodes_on(session, night)
    if logged:
        ids = ", ".join(str(e.id) for e in logged)
        raise InputError(
            "--night",
            f"{night.isoformat()} already has {len(logged)} cramp(s) logged (ID {ids})",
            hint=f"if that is wrong, delete it first: cramplog delete {logged[0].id}",
        )
    mark = session.scalars(
        select(NightRecord).where(NightRecord.person_id == who.id, NightRecord.night == night)
    ).first()
    if mark is None:
        mark = NightRecord(person_id=who.id, night=night, cramp_free=True, note=note)
        session.add(mark)
    elif note:
        mark.note = note
    session.flush()
    return mark


def episode(session: Session, episode_id: int, *, include_deleted: bool = False) -> Episode:
    found = session.get(Episode, episode_id)
    if found is None or (found.deleted_at is not None and not include_deleted):
        raise InputError("ID", f"no cramp with ID {episode_id}", "an ID from: cramplog list")
    return found


def episodes(
    session: Session,
    since: date | None = None,
    until: date | None = None,
    *,
    include_deleted: bool = False,
) -> list[Episode]:
    query = select(Episode).order_by(Episode.at)
    if not include_deleted:
        query = query.where(Episode.deleted_at.is_(None))
    if since:
        query = query.where(Episode.night >= since)
    if until:
        query = query.where(Episode.night <= until)
    return list(session.scalars(query))


def cramp_free_nights(
    session: Session, since: date | None = None, until: date | None = None
) -> list[NightRecord]:
    query = select(NightRecord).where(NightRecord.cramp_free.is_(True)).order_by(NightRecord.night)
    if since:
        query = query.where(NightRecord.night >= since)
    if until:
        query = query.where(NightRecord.night <= until)
    return list(session.scalars(query))


def edit_episode(session: Session, episode_id: int, **changes: Any) -> Episode:
    """Change the fields given (None means leave as is); moving the time moves the night."""
    found = episode(session, episode_id)
    checks = {
        "severity": check_severity,
        "site": lambda v: check_choice("--site", v, SITES),
        "side": lambda v: check_choice("--side", v, SIDES),
        "minutes": check_minutes,
    }
    for key, value in changes.items():
        if value is None:
            continue
        if key == "at":
            found.at = value
            found.night = night_of(value.astimezone(zone(found.tz)), boundary(session))
            _clear_cramp_free_mark(session, found.night)
        elif key == "signs":
            found.signs = ",".join(check_signs(value))
        else:
            setattr(found, key, checks[key](value) if key in checks else value)
    session.flush()
    return found


def delete_episode(session: Session, episode_id: int) -> Episode:
    found = episode(session, episode_id)
    found.deleted_at = utcnow()
    session.flush()
    return found


def restore_episode(session: Session, episode_id: int) -> Episode:
    found = episode(session, episode_id, include_deleted=True)
    if found.deleted_at is None:
        raise InputError(
            "ID", f"cramp {episode_id} is not deleted", "an ID from: cramplog list --deleted"
        )
    found.deleted_at = None
    _clear_cramp_free_mark(session, found.night)
    session.flush()
    return found


# --- days and shoes ------------------------------------------------------------------------


def _shoe_named(session: Session, name: str) -> Shoe | None:
    # Compared in Python: SQLite's lower() folds ASCII only, and a pair may be called "Łapcie".
    wanted = name.strip().casefold()
    return next((s for s in session.scalars(select(Shoe)) if s.name.casefold() == wanted), None)


def find_shoe(session: Session, name: str) -> Shoe:
    found = _shoe_named(session, name)
    if found is None:
        names = [s.name for s in session.scalars(select(Shoe).order_by(Shoe.name))]
        raise InputError(
            "--shoes",
            f"no pair called {name!r}",
            ", ".join(names) if names else None,
            hint=f"to add it: cramplog shoes add {name!r} --fit good|tight|loose",
        )
    return found


def add_shoe(session: Session, name: str, fit: str = "good", kind: str | None = None) -> Shoe:
    who = person(session)
    assert who is not None
    clean = name.strip()
    if not clean or ":" in clean:
        raise InputError("NAME", f"{name!r} cannot name a pair", "a name without ':'")
    exists = _shoe_named(session, clean)
    if exists is not None:
        raise InputError(
            "NAME",
            f"a pair called {exists.name!r} exists",
            hint="choose another name, or: shoes edit",
        )
    shoe = Shoe(
        person_id=who.id,
        name=clean,
        fit=check_choice("--fit", fit, FITS),
        kind=check_choice("--kind", kind, SHOE_KINDS),
    )
    session.add(shoe)
    session.flush()
    return shoe


def edit_shoe(
    session: Session,
    name: str,
    *,
    new_name: str | None = None,
    fit: str | None = None,
    kind: str | None = None,
    retired: bool | None = None,
) -> Shoe:
    shoe = find_shoe(session, name)
    if new_name:
        shoe.name = new_name.strip()
    if fit:
        shoe.fit = check_choice("--fit", fit, FITS) or shoe.fit
    if kind:
        shoe.kind = check_choice("--kind", kind, SHOE_KINDS)
    if retired is not None:
        shoe.retired = retired
    session.flush()
    return shoe


def shoes(session: Session) -> list[Shoe]:
    return list(session.scalars(select(Shoe).order_by(Shoe.retired, Shoe.name)))


def day(session: Session, on: date) -> Day | None:
    return session.scalars(select(Day).where(Day.date == on)).first()


def update_day(
    session: Session,
    on: date,
    *,
    water_ml: int | None = None,
    exercise_minutes: int | None = None,
    activities: Sequence[str] = (),
    stretched: bool | None = None,
    shoes_worn: Sequence[tuple[str, float | None]] = (),
    alcohol: int | None = None,
    caffeine: int | None = None,
    sitting_hours: float | None = None,
    note: str | None = None,
) -> Day:
    """Fill in day `on`'s factors. Fields given replace earlier values; others are kept."""
    who = person(session)
    assert who is not None
    found = day(session, on)
    if found is None:
        found = Day(person_id=who.id, date=on)
        session.add(found)
    for key, value in (
        ("water_ml", water_ml),
        ("exercise_minutes", exercise_minutes),
        ("stretched", stretched),
        ("alcohol", alcohol),
        ("caffeine", caffeine),
        ("sitting_hours", sitting_hours),
        ("note", note),
    ):
        if value is not None:
            setattr(found, key, value)
    if activities:
        kinds = [a.strip().lower() for a in activities if a.strip()]
        found.activities = ",".join(dict.fromkeys(kinds))
    if shoes_worn:
        worn = {}
        for name, hours in shoes_worn:
            shoe = find_shoe(session, name)
            worn[shoe.id] = hours
        found.shoes.clear()
        session.flush()  # the old rows go before new ones may reuse (day, shoe)
        for shoe_id, hours in worn.items():
            found.shoes.append(DayShoe(shoe_id=shoe_id, hours=hours))
    session.flush()
    return found


def days(session: Session, since: date | None = None, until: date | None = None) -> list[Day]:
    """Days in date order, each with its pairs worn and their shoes already loaded.

    One statement however long the diary: the pairs come in the same query (a join), not one
    query per day when a caller reads `day.shoes` (3,226 statements for `list --all --json` on
    ten years). A join rather than selectinload, whose IN lists go in batches of 500 days.
    """
    query = select(Day).options(joinedload(Day.shoes).joinedload(DayShoe.shoe)).order_by(Day.date)
    if since:
        query = query.where(Day.date >= since)
    if until:
        query = query.where(Day.date <= until)
    return list(session.scalars(query).unique())


# --- medicines -----------------------------------------------------------------------------


def medication_aliases(session: Session) -> dict[str, str]:
    return {
        a.lower(): g
        for a, g in session.execute(select(MedicationAlias.alias, MedicationAlias.generic))
    }


def generic_name(session: Session, name: str) -> str:
    clean = " ".join(name.strip().lower().split())
    return medication_aliases(session).get(clean, clean)


def add_alias(session: Session, alias: str, generic: str) -> MedicationAlias:
    who = person(session)
    assert who is not None
    clean_alias = " ".join(alias.strip().lower().split())
    if not clean_alias:
        raise InputError("ALIAS", "an alias cannot be empty", "a brand name, e.g. Microzide")
    row = session.scalars(
        select(MedicationAlias).where(MedicationAlias.alias == clean_alias)
    ).first()
    if row is None:
        row = MedicationAlias(person_id=who.id, alias=clean_alias, generic=generic.strip().lower())
        session.add(row)
    else:
        row.generic = generic.strip().lower()
    session.flush()
    return row


def add_medication(
    session: Session,
    name: str,
    *,
    dose: str | None = None,
    since: date | None = None,
    as_needed: bool = False,
    note: str | None = None,
) -> Medication:
    who = person(session)
    assert who is not None
    generic = generic_name(session, name)
    if not generic:
        raise InputError("NAME", "a medicine needs a name", "its generic name, e.g. atorvastatin")
    current = active_medication(session, generic)
    if current is not None:
        since_text = current.started.isoformat() if current.started else "an unknown date"
        raise InputError(
            "NAME",
            f"{generic} is already on your list (since {since_text}); nothing was added",
            hint="to record a change of dose, use a note; see: cramplog meds list",
        )
    med = Medication(
        person_id=who.id, name=generic, dose=dose, started=since, as_needed=as_needed, note=note
    )
    session.add(med)
    session.flush()
    return med


def active_medication(session: Session, generic: str) -> Medication | None:
    return session.scalars(
        select(Medication)
        .where(Medication.name == generic, Medication.stopped.is_(None))
        .order_by(Medication.id.desc())
    ).first()


def find_medication(session: Session, name: str) -> Medication:
    generic = generic_name(session, name)
    med = (
        active_medication(session, generic)
        or session.scalars(
            select(Medication).where(Medication.name == generic).order_by(Medication.id.desc())
        ).first()
    )
    if med is None:
        names = sorted({m.name for m in medications(session)})
        raise InputError(
            "NAME",
            f"no medicine called {name!r}",
            ", ".join(names) if names else None,
            hint="to add it: cramplog meds add NAME --since DATE",
        )
    return med


def stop_medication(session: Session, name: str, on: date) -> Medication:
    med = find_medication(session, name)
    if med.stopped is not None:
        raise InputError(
            "NAME", f"{med.name} was already stopped on {med.stopped}", "a current medicine"
        )
    if med.started and on < med.started:
        raise InputError("--on", f"{on} is before it started ({med.started})", "a later date")
    med.stopped = on
    session.flush()
    return med


def take_dose(session: Session, name: str, at: datetime, tz: str) -> Dose:
    med = find_medication(session, name)
    if med.stopped is not None and at.date() > med.stopped:
        raise InputError(
            "NAME",
            f"{med.name} was stopped on {med.stopped}",
            hint=f"if you take it again: cramplog meds add {med.name} --since DATE",
        )
    dose = Dose(medication_id=med.id, at=at, tz=tz, date=at.date())
    session.add(dose)
    session.flush()
    return dose


def doses(session: Session) -> list[tuple[str, datetime, str, date]]:
    """Every as-needed dose taken: (medicine, instant, zone, local date), oldest first."""
    rows = session.execute(
        select(Medication.name, Dose.at, Dose.tz, Dose.date)
        .join(Medication, Medication.id == Dose.medication_id)
        .order_by(Dose.at)
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


def medications(session: Session) -> list[Medication]:
    return list(
        session.scalars(
            select(Medication).order_by(Medication.stopped.is_not(None), Medication.name)
        )
    )


# --- profile -------------------------------------------------------------------------------


def update_profile(
    session: Session,
    *,
    birth_year: int | None = None,
    name: str | None = None,
    add_conditions: Sequence[str] = (),
    remove_conditions: Sequence[str] = (),
    today: date | None = None,
) -> Person:
    from cramplog import knowledge

    who = person(session)
    assert who is not None
    this_year = (today or date.today()).year
    if birth_year is not None:
        if not this_year - 120 <= birth_year <= this_year:
            raise InputError(
                "--birth-year", f"{birth_year} is not plausible", f"a year 1900-{this_year}"
            )
        who.birth_year = birth_year
    if name:
        who.name = name.strip()
    known = knowledge.conditions()
    for text in [*add_conditions, *remove_conditions]:
        if knowledge.find_condition(text) is None:
            raise InputError(
                "--condition", f"{text!r} is not on the list", ", ".join(sorted(known))
            )
    have = {c.condition for c in who.conditions}
    for text in add_conditions:
        cid = knowledge.find_condition(text).id  # type: ignore[union-attr]
        if cid not in have:
            who.conditions.append(PersonCondition(condition=cid))
            have.add(cid)
    for text in remove_conditions:
        cid = knowledge.find_condition(text).id  # type: ignore[union-attr]
        for row in list(who.conditions):
            if row.condition == cid:
                who.conditions.remove(row)
    session.flush()
    return who
