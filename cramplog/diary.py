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

from cramplog import config, people, present, words
from cramplog.errors import InputError
from cramplog.models import (
    Day,
    DayFactor,
    DayShoe,
    Dose,
    Episode,
    Medication,
    MedicationAlias,
    NightRecord,
    Person,
    PersonCondition,
    PersonSetting,
    Setting,
    Shoe,
    utcnow,
)
from cramplog.timeutil import night_of, parse_boundary, zone

MAX_EPISODE_MINUTES = 240.0  # a cramp logged as lasting longer than 4 h is almost surely a typo
MAX_EXERCISE_MINUTES = 24 * 60.0


# --- person and settings -------------------------------------------------------------------


def person(session: Session, *, create: bool = True) -> Person | None:
    """The person this command works on (cramplog.people): created as "me" on a diary's
    first write."""
    return people.current(session, create=create)


def _personal(session: Session) -> dict[str, str]:
    """The settings the session's person keeps for themselves (`config set --personal`).

    Empty when no one is chosen yet (a diary-wide command in a diary of several people).
    Read once per session, like settings(): `setting()` asks for it on every call."""
    cached = session.info.get("personal_settings")
    if cached is not None:
        return cached
    try:
        pid = people.current_id(session)
    except InputError:
        return {}
    if pid is None:
        return {}
    query = select(PersonSetting.key, PersonSetting.value).where(PersonSetting.person_id == pid)
    found = dict(session.execute(query, execution_options=people.ALL).all())
    session.info["personal_settings"] = found
    return found


def _forget_settings(session: Session) -> None:
    session.info.pop("settings", None)
    session.info.pop("personal_settings", None)


def settings(session: Session) -> dict[str, Any]:
    """Every setting, stored value or default, as its proper type (read once per session): a
    person's own value first, then the diary's."""
    cached = session.info.get("settings")
    if cached is None:
        stored = dict(session.execute(select(Setting.key, Setting.value)).all())
        stored.update(_personal(session))
        cached = {key: config.coerce(key, stored.get(key)) for key in config.settings()}
        session.info["settings"] = cached
    return dict(cached)


def setting(session: Session, key: str) -> Any:
    """One setting. Cheaper than settings(): the logging path should not read the rule files."""
    if "settings" in session.info:
        return session.info["settings"][key]
    own = _personal(session).get(key)
    if own is not None:
        return config.coerce(key, own)
    row = session.get(Setting, key)
    return config.coerce(key, row.value if row else None)


# Friendlier names a person may type for a setting: `config set low_water 50oz`.
SETTING_ALIASES = {"low_water": "low_water_ml", "glass": "glass_ml"}
_WATER_SETTINGS = ("low_water_ml", "glass_ml")


def setting_name(key: str) -> str:
    """The stored name of a setting typed as `key` (an alias such as low_water, or itself)."""
    return SETTING_ALIASES.get(key.strip().lower(), key)


def known_setting(key: str) -> str:
    """The stored name of a setting typed as `key`; InputError naming them when there is none."""
    key = setting_name(key)
    table = config.settings()
    if key not in table:
        raise InputError(
            "key",
            f"no setting called {key!r}",
            ", ".join(sorted(table)),
            hint=words.did_you_mean(key, [*table, *SETTING_ALIASES]),
        )
    return key


def set_setting(session: Session, key: str, text: str, *, personal: bool = False) -> Any:
    """Store a setting: the diary's, or (`personal`) the session's person's own. Amounts of
    water may be typed in any unit (50oz, 1.5L, 6 cups); they are stored in mL, as plain
    numbers of mL always were."""
    key = known_setting(key)
    if key in _WATER_SETTINGS and not text.strip().isdigit():
        from cramplog import units

        glass = int(setting(session, "glass_ml")) if key == "low_water_ml" else 250
        try:
            text = str(units.parse_water(text, glass, field=key))
        except InputError as exc:
            raise InputError(
                key, exc.problem, f"a whole number of mL, or {units.WATER_FORMS}"
            ) from None
    value = config.parse_setting(key, text)
    _forget_settings(session)
    if personal:
        who = person(session)
        assert who is not None
        own = session.get(PersonSetting, (who.id, key))
        if own is None:
            session.add(PersonSetting(person_id=who.id, key=key, value=str(value)))
        else:
            own.value = str(value)
        return value
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=str(value)))
    else:
        row.value = str(value)
    return value


def personal_keys(session: Session) -> set[str]:
    """The settings the session's person keeps for themselves."""
    return set(_personal(session))


def clear_personal(session: Session, key: str) -> bool:
    """Go back to the diary's value of a setting; False when the person had no own value."""
    key = known_setting(key)
    who = person(session, create=False)
    own = session.get(PersonSetting, (who.id, key)) if who is not None else None
    if own is None:
        return False
    session.delete(own)
    _forget_settings(session)
    return True


def boundary(session: Session) -> time:
    return parse_boundary(str(setting(session, "day_boundary")))


# --- checks shared by the commands ---------------------------------------------------------


def check_choice(field: str, value: str | None, options: Sequence[str]) -> str | None:
    """`value` if it is one of `options` (any case), else InputError with "did you mean"."""
    if value is None:
        return None
    low = value.strip().lower()
    if low not in options:
        raise InputError(
            field,
            f"{value!r} is not known",
            "/".join(options),
            hint=words.did_you_mean(value, options),
        )
    return low


def check_site(value: str | None, field: str = "--site") -> str | None:
    """The stored site for "calves", "big toe", "Feet"...; None stays None (not given)."""
    return words.choice("site", value, field)


def check_side(value: str | None, field: str = "--side") -> str | None:
    """The stored side for "l", "R", "Left", "both legs"...; None stays None (not given)."""
    return words.choice("side", value, field)


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
        sign = words.choice("sign", value, "--sign")
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
        site=check_site(site),
        side=check_side(side),
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
        ids = ", ".join(str(e.id) for e in sorted(logged, key=lambda e: e.id))
        raise InputError(
            "--night",
            f"{night.isoformat()} already has {present.plural(len(logged), 'cramp')} logged "
            f"(ID {ids})",
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
        "site": check_site,
        "side": check_side,
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
        elif key in ("note", "relief") and not value.strip():
            setattr(found, key, None)  # `edit --note ''`: the note is taken away
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


def find_shoe(session: Session, name: str, field: str = "--shoes") -> Shoe:
    found = _shoe_named(session, name)
    if found is None:
        names = [s.name for s in session.scalars(select(Shoe).order_by(Shoe.name))]
        near = words.did_you_mean(name, names)
        hint = f"to add it: cramplog shoes add {name!r} --fit good|tight|loose"
        raise InputError(
            field,
            f"no pair called {name!r}",
            ", ".join(names) if names else None,
            hint=f"{near} Or, {hint}" if near else hint,
        )
    return found


def _check_shoe_name(name: str, field: str) -> str:
    clean = name.strip()
    if not clean or ":" in clean:
        raise InputError(field, f"{name!r} cannot name a pair", "a name without ':'")
    return clean


def add_shoe(session: Session, name: str, fit: str = "good", kind: str | None = None) -> Shoe:
    who = person(session)
    assert who is not None
    clean = _check_shoe_name(name, "NAME")
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
        fit=words.choice("fit", fit, "--fit") or "good",
        kind=words.choice("kind", kind, "--kind"),
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
    shoe = find_shoe(session, name, field="NAME")
    if new_name is not None:
        clean = _check_shoe_name(new_name, "--name")
        other = _shoe_named(session, clean)
        if other is not None and other.id != shoe.id:
            raise InputError(
                "--name",
                f"a pair called {other.name!r} exists; nothing was changed",
                hint="choose another name",
            )
        shoe.name = clean  # the same pair may change only the case of its name
    if fit is not None:
        shoe.fit = words.choice("fit", fit, "--fit") or shoe.fit
    if kind is not None:
        shoe.kind = words.choice("kind", kind, "--kind")
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
    remove_shoes: Sequence[str] = (),
    clear_shoes: bool = False,
    alcohol: int | None = None,
    caffeine: int | None = None,
    sitting_hours: float | None = None,
    note: str | None = None,
) -> Day:
    """Fill in day `on`'s factors. Fields given replace earlier values; others are kept.

    Shoes add up: each pair in `shoes_worn` is added to the day, or, if already there, gets
    the hours given (hours not given keep the ones recorded). `clear_shoes` first takes every
    pair off the day (shoes are then unknown for it, not "none"); `remove_shoes` takes off the
    pairs named, and refuses a pair that is not on the day.
    """
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
            _typed_by_hand(found, key)
    if activities:
        kinds = [words.activity(part) for a in activities for part in a.split(",")]
        found.activities = ",".join(dict.fromkeys(k for k in kinds if k)) or found.activities
        _typed_by_hand(found, "activities")
    if clear_shoes or remove_shoes or shoes_worn:
        _change_day_shoes(session, found, shoes_worn, remove_shoes, clear_shoes)
    session.flush()
    return found


def _typed_by_hand(found: Day, key: str) -> None:
    """A value typed now is the person's own: no longer marked as imported, so a later
    health-app import keeps it (see cramplog/io/health.py)."""
    if not found.sources:
        return
    import json

    sources = json.loads(found.sources)
    if sources.pop(key, None) is not None:
        found.sources = json.dumps(sources) if sources else None


def _change_day_shoes(
    session: Session,
    found: Day,
    shoes_worn: Sequence[tuple[str, float | None]],
    remove_shoes: Sequence[str],
    clear_shoes: bool,
) -> None:
    # Look every name up first, so that one unknown pair refuses the whole command.
    adding = [(find_shoe(session, name), hours) for name, hours in shoes_worn]
    removing = [find_shoe(session, name, field="--remove-shoes") for name in remove_shoes]
    if clear_shoes:
        found.shoes.clear()
    on_day = {row.shoe_id: row for row in found.shoes}
    for shoe in removing:
        row = on_day.pop(shoe.id, None)
        if row is None and not clear_shoes:
            worn = ", ".join(r.shoe.name for r in found.shoes) or "none recorded"
            raise InputError(
                "--remove-shoes",
                f"{shoe.name!r} is not recorded on {found.date.isoformat()}",
                f"a pair worn that day: {worn}",
            )
        if row is not None:
            found.shoes.remove(row)
    session.flush()  # rows taken off go before a pair put back may reuse (day, shoe)
    for shoe, hours in adding:
        row = on_day.get(shoe.id)
        if row is None:
            row = DayShoe(shoe_id=shoe.id, hours=hours)
            found.shoes.append(row)
            on_day[shoe.id] = row
        elif hours is not None:
            row.hours = hours


def days(session: Session, since: date | None = None, until: date | None = None) -> list[Day]:
    """Days in date order, each with its pairs worn and their shoes already loaded.

    One statement however long the diary: the pairs come in the same query (a join), not one
    query per day when a caller reads `day.shoes` (3,226 statements for `list --all --json` on
    ten years). A join rather than selectinload, whose IN lists go in batches of 500 days.
    """
    query = (
        select(Day)
        .options(
            joinedload(Day.shoes).joinedload(DayShoe.shoe),
            joinedload(Day.factors).joinedload(DayFactor.factor),  # own factors, same query
        )
        .order_by(Day.date)
    )
    if since:
        query = query.where(Day.date >= since)
    if until:
        query = query.where(Day.date <= until)
    return list(session.scalars(query).unique())


# --- medicines -----------------------------------------------------------------------------


def _medicine_key(name: str) -> str:
    return " ".join(name.strip().lower().split())


def medication_aliases(session: Session) -> dict[str, str]:
    return {
        a.lower(): g
        for a, g in session.execute(select(MedicationAlias.alias, MedicationAlias.generic))
    }


def generic_name(session: Session, name: str) -> str:
    """The generic name a medicine is recorded under: the person's own alias first, then the
    brand names and abbreviations cramplog knows ("HCTZ" -> hydrochlorothiazide), else the
    name as typed (lower case, single spaces)."""
    from cramplog import knowledge

    clean = _medicine_key(name)
    own = medication_aliases(session).get(clean)
    if own is not None:
        return own
    known = knowledge.medicine_name(clean)
    return known.generic if known is not None else clean


def _check_alias(session: Session, clean_alias: str, generic: str) -> bool:
    """Refuse an alias that names another medicine; False when it needs no row of its own."""
    from cramplog import knowledge

    listed = {g for c in knowledge.medication_classes() for g in c.generics}
    in_diary = set(session.scalars(select(Medication.name)))
    if clean_alias in listed or clean_alias in in_diary:
        raise InputError(
            "--alias",
            f"{clean_alias!r} is the generic name of a medicine; an alias cannot be one",
            "a brand name, e.g. Microzide",
        )
    shipped = knowledge.medicine_name(clean_alias)
    if shipped is not None and shipped.generic != generic:
        raise InputError(
            "--alias",
            f"{clean_alias!r} is a {shipped.kind} of {shipped.generic}, not of {generic}",
            "a brand name of this medicine",
        )
    own = medication_aliases(session).get(clean_alias)
    if own is not None and own != generic:
        raise InputError(
            "--alias",
            f"{clean_alias!r} already names {own}",
            "a name not used for another medicine",
            hint=f"to see them: cramplog meds list; to correct {own}: cramplog meds edit",
        )
    return shipped is None and own is None


def add_alias(session: Session, alias: str, generic: str) -> MedicationAlias | None:
    """Record a person's own name for a medicine. None when cramplog already knows it."""
    who = person(session)
    assert who is not None
    clean_alias = _medicine_key(alias)
    if not clean_alias:
        raise InputError("--alias", "an alias cannot be empty", "a brand name, e.g. Microzide")
    generic = _medicine_key(generic)
    if not _check_alias(session, clean_alias, generic):
        return None
    row = MedicationAlias(person_id=who.id, alias=clean_alias, generic=generic)
    session.add(row)
    session.flush()
    return row


def _overlapping(
    session: Session,
    generic: str,
    started: date | None,
    stopped: date | None,
    *,
    other_than: int | None = None,
) -> Medication | None:
    """A record of `generic` whose dates overlap started..stopped (either end open)."""
    for med in session.scalars(select(Medication).where(Medication.name == generic)):
        if med.id == other_than:
            continue
        if (started is None or med.stopped is None or started <= med.stopped) and (
            stopped is None or med.started is None or med.started <= stopped
        ):
            return med
    return None


def _since_text(med: Medication) -> str:
    start = med.started.isoformat() if med.started else "an unknown date"
    return f"since {start}" + (f", stopped {med.stopped.isoformat()}" if med.stopped else "")


def add_medication(
    session: Session,
    name: str,
    *,
    dose: str | None = None,
    since: date | None = None,
    as_needed: bool = False,
    note: str | None = None,
) -> Medication:
    from cramplog import knowledge

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
    shipped = knowledge.medicine_name(name)
    if note is None and shipped is not None and shipped.combined_with:
        # Only the listed ingredient is recorded by name; the note keeps what the pack says.
        note = f"{shipped.name}: {generic} with {' and '.join(shipped.combined_with)}"
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
    """The record `name` refers to: the current one, else the latest.

    A name is read as `meds add` reads it (HCTZ -> hydrochlorothiazide); a diary written
    before cramplog knew brand names may hold the name as typed ("hctz"), so that is tried
    next, and `meds edit hctz --name hydrochlorothiazide` can still reach it.
    """
    med = None
    for generic in dict.fromkeys((generic_name(session, name), _medicine_key(name))):
        med = (
            active_medication(session, generic)
            or session.scalars(
                select(Medication).where(Medication.name == generic).order_by(Medication.id.desc())
            ).first()
        )
        if med is not None:
            break
    if med is None:
        names = sorted({m.name for m in medications(session)})
        near = words.did_you_mean(name, [*names, *medication_aliases(session)])
        add = "to add it: cramplog meds add NAME --since DATE"
        raise InputError(
            "NAME",
            f"no medicine called {name!r}",
            ", ".join(names) if names else None,
            hint=f"{near} Or, {add}" if near else add,
        )
    return med


def edit_medication(
    session: Session,
    name: str,
    *,
    new_name: str | None = None,
    dose: str | None = None,
    started: date | None = None,
    stopped: date | None = None,
    still_taking: bool = False,
    as_needed: bool | None = None,
) -> Medication:
    """Correct a medicine's record: only what is given changes.

    A new name is read like `meds add` reads one (an alias or a brand becomes its generic),
    and is refused when that medicine is already recorded over overlapping dates: two records
    of one medicine at once would count it twice. Aliases of the old name follow the rename.
    """
    med = find_medication(session, name)
    old_name = med.name
    generic = med.name
    if new_name is not None:
        generic = generic_name(session, new_name)
        if not generic:
            raise InputError("--name", "a medicine needs a name", "its generic name")
    if dose is not None:
        if not dose.strip():
            raise InputError("--dose", "the dose cannot be empty", 'a dose, e.g. "25 mg"')
        med.dose = dose.strip()
    new_start = started if started is not None else med.started
    new_stop = None if still_taking else (stopped if stopped is not None else med.stopped)
    if new_start and new_stop and new_stop < new_start:
        raise InputError(
            "--stopped" if stopped is not None else "--started",
            f"the stop date {new_stop} is before the start date {new_start}",
            "a stop date on or after the start date",
        )
    clash = _overlapping(session, generic, new_start, new_stop, other_than=med.id)
    if clash is not None:
        raise InputError(
            "--name" if generic != old_name else "--started",
            f"{generic} is already on your list ({_since_text(clash)}); nothing was changed",
            hint="remove one of the two first: cramplog meds remove NAME",
        )
    med.name, med.started, med.stopped = generic, new_start, new_stop
    if as_needed is not None:
        med.as_needed = as_needed
    if generic != old_name:
        _move_aliases(session, old_name, generic, med.id)
    session.flush()
    return med


def _move_aliases(session: Session, old: str, new: str, med_id: int) -> None:
    """Point the aliases of `old` at `new`, unless another record still carries `old`."""
    session.flush()
    others = session.scalars(
        select(Medication.id).where(Medication.name == old, Medication.id != med_id)
    ).first()
    if others is not None:
        return
    for row in session.scalars(select(MedicationAlias).where(MedicationAlias.generic == old)):
        if row.alias == new:
            session.delete(row)  # the alias is now the medicine's own name
        else:
            row.generic = new


def remove_medication(session: Session, name: str) -> Medication:
    """Delete a medicine record entered by mistake, with its doses (undo brings them back).

    Its aliases go too, unless another record of the same medicine remains.
    """
    med = find_medication(session, name)
    for dose in session.scalars(select(Dose).where(Dose.medication_id == med.id)):
        session.delete(dose)
    session.flush()  # doses first: the database would otherwise remove them unjournaled
    others = session.scalars(
        select(Medication.id).where(Medication.name == med.name, Medication.id != med.id)
    ).first()
    if others is None:
        for row in session.scalars(
            select(MedicationAlias).where(MedicationAlias.generic == med.name)
        ):
            session.delete(row)
    session.delete(med)
    session.flush()
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


MAX_CONDITION_TEXT = 60  # the width of person_condition.condition


def condition_to_store(text: str) -> str:
    """What the profile stores for a condition typed: a known id, or the text as typed.

    "type 2 diabetes" and "Diabetic" store `diabetes`; "high blood pressure" is kept as
    typed (spaces tidied), shown on the profile and the packet but counted as no listed
    condition.
    """
    from cramplog import knowledge

    clean = " ".join(text.split())
    if not clean:
        raise InputError("--condition", "a condition cannot be empty", "e.g. diabetes")
    found = knowledge.find_condition(clean)
    if found is not None:
        return found.id
    if len(clean) > MAX_CONDITION_TEXT:
        raise InputError(
            "--condition",
            f"{len(clean)} characters is too long",
            f"at most {MAX_CONDITION_TEXT} characters",
        )
    return clean


def _profile_condition(who: Person, text: str) -> PersonCondition | None:
    from cramplog import knowledge

    found = knowledge.find_condition(text)
    wanted = found.id if found is not None else " ".join(text.split()).casefold()
    for row in who.conditions:
        if row.condition == wanted or row.condition.casefold() == wanted:
            return row
    return None


def check_birth_year(year: int, today: date | None = None) -> int:
    this_year = (today or date.today()).year
    if not this_year - 120 <= year <= this_year:
        raise InputError(
            "--birth-year", f"{year} is not plausible", f"a year {this_year - 120}-{this_year}"
        )
    return year


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
    if birth_year is not None:
        who.birth_year = check_birth_year(birth_year, today)
    if name:
        clean = people.clean_name(name, "--name")
        people.check_name_free(people.active(session), clean, "--name", but=who)
        who.name = clean
    for text in add_conditions:
        stored = condition_to_store(text)
        have = {c.condition.casefold() for c in who.conditions}
        if stored.casefold() not in have:
            who.conditions.append(PersonCondition(condition=stored))
    for text in remove_conditions:
        row = _profile_condition(who, text)
        if row is None:
            listed = [knowledge.condition_label(c.condition) for c in who.conditions]
            raise InputError(
                "--remove-condition",
                f"{text!r} is not on your profile",
                ", ".join(listed) if listed else "none recorded",
                hint=words.did_you_mean(text, listed),
            )
        who.conditions.remove(row)
    session.flush()
    return who


_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        date(2000, number, 1).strftime("%b").casefold(),
        date(2000, number, 1).strftime("%B").casefold(),
    )
}
_MONTHS["sept"] = 9
CRAMPS_SINCE_FORMS = "a month such as 2026-10, 2026-10-15 or Oct 2026"


def parse_month(text: str) -> date:
    """The first day of the month in "2026-10", "2026-10-15", "Oct 2026" or "October 2026";
    ValueError otherwise. (English month names: the diary's words are English.)"""
    cleaned = " ".join(text.replace(",", " ").split()).casefold()
    parts = cleaned.replace("-", " ").replace("/", " ").split()
    try:
        if len(parts) in (2, 3) and parts[0].isdigit() and len(parts[0]) == 4:
            year, month = int(parts[0]), int(parts[1])
            if len(parts) == 3:
                date(year, month, int(parts[2]))  # a real day, though only the month is kept
        elif len(parts) == 2 and parts[1].isdigit() and parts[0] in _MONTHS:
            year, month = int(parts[1]), _MONTHS[parts[0]]
        else:
            raise ValueError(text)
        return date(year, month, 1)
    except (ValueError, OverflowError):
        raise ValueError(text) from None


def set_cramps_since(session: Session, text: str, *, today: date) -> Person:
    """Record when the person says their cramps began (`profile set --cramps-since`), stored as
    the first day of that month; "none" (or "") clears it. Refused in the future or before the birth
    year. The new-medicine flag reads it as one way of knowing the onset (flags.py)."""
    who = person(session)
    assert who is not None
    if text.strip().casefold() in ("", "none", "clear", "unknown"):
        who.cramps_since = None
        session.flush()
        return who
    try:
        month = parse_month(text)
    except ValueError:
        raise InputError("--cramps-since", f"{text!r} is not a month", CRAMPS_SINCE_FORMS) from None
    if month > today.replace(day=1):
        raise InputError(
            "--cramps-since", f"{month:%B %Y} is in the future", f"a month up to {today:%b %Y}"
        )
    earliest = who.birth_year or today.year - 120
    if month.year < earliest:
        born = f"the birth year {who.birth_year}" if who.birth_year else "120 years ago"
        raise InputError(
            "--cramps-since", f"{month:%B %Y} is before {born}", f"a month from {earliest} on"
        )
    who.cramps_since = month
    session.flush()
    return who
