"""cramplog's own export format: every row of a diary, lossless, and its import (merge).

A diary becomes a *document*, a plain dict of tables of rows (what `export -o diary.json`
writes; the CSV zip is the same tables flattened). Each row carries its `uid`, so importing a
document into a diary can tell a row it already holds (skipped), a row it holds differently (a
conflict: `prefer` decides) and a new row (added). Rows without a uid (typed into a
spreadsheet) are new, unless a table's natural key (a day's date, a shoe's name) says which row
they are.

Format versions: 1 is the unversioned export of cramplog before 0.2 (no uids, no created
times); 2 added uids; 3 adds own factors (`factors`, and each day's `factors` values), so
that a cramplog that knows only format 2 refuses such a file instead of dropping its
factors. All three import. Nothing here prints; the CLI says what happened.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from cramplog import access, config, people
from cramplog.errors import InputError
from cramplog.models import (
    FITS,
    SHOE_KINDS,
    SIDES,
    SIGNS,
    SITES,
    Day,
    DayFactor,
    DayShoe,
    Dose,
    Episode,
    Factor,
    Medication,
    MedicationAlias,
    NightRecord,
    Person,
    PersonCondition,
    PersonSetting,
    Setting,
    Shoe,
    Trial,
    new_uid,
)
from cramplog.text import NAME_MAX, NOTE_MAX

FORMAT = "cramplog-diary"
FORMAT_VERSION = 3
READS = (1, 2, 3)
ABOUT = (
    "cramplog diary export: personal health data (cramps, daily factors, medicines, "
    "conditions). Keep it private."
)
# Bookkeeping times say when a row was typed, not what it says: two copies of a row that
# differ only there are the same entry (a row re-typed into a spreadsheet has none).
BOOKKEEPING = frozenset({"created_at", "updated_at"})


class Bad(ValueError):
    """One bad value in one row; the caller adds where it is."""


# --- fields --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A column of a table as it appears in the file, with the rule for reading it back."""

    name: str
    kind: str  # str, int, float, bool, date, instant, local, zone, list, json, jsonlist
    required: bool = False
    choices: tuple[str, ...] = ()
    lo: float = 0
    hi: float = 1e9
    limit: int = NAME_MAX
    default: Any = None

    @property
    def is_text(self) -> bool:
        return self.kind in ("str", "zone")


def _f(name: str, kind: str, **kw: Any) -> Field:
    return Field(name, kind, **kw)


@dataclass(frozen=True)
class Table:
    key: str  # the document's key and the CSV file's name
    model: type
    fields: tuple[Field, ...]
    # The natural key: a unique constraint in the diary, so a row there is matched on it even
    # with another uid; for other tables only rows without a uid are matched on it.
    natural: tuple[str, ...] = ()
    unique_natural: bool = False

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


EPISODES = Table(
    "episodes",
    Episode,
    (
        _f("at", "local", required=True),
        _f("tz", "zone", required=True, limit=64),
        _f("night", "date", required=True),
        _f("severity", "int", lo=0, hi=10),
        _f("site", "str", choices=SITES),
        _f("side", "str", choices=SIDES),
        _f("minutes", "float", lo=0, hi=24 * 60),
        _f("woke", "bool"),
        _f("relief", "str", limit=NOTE_MAX),
        _f("signs", "list", choices=SIGNS, default=()),
        _f("note", "str", limit=NOTE_MAX),
        _f("created_at", "instant"),
        _f("deleted_at", "instant"),
    ),
    natural=("at",),
)
NIGHTS = Table(
    "cramp_free_nights",
    NightRecord,
    (
        _f("night", "date", required=True),
        _f("cramp_free", "bool", default=True),
        _f("note", "str", limit=NOTE_MAX),
        _f("created_at", "instant"),
    ),
    natural=("night",),
    unique_natural=True,
)
DAYS = Table(
    "days",
    Day,
    (
        _f("date", "date", required=True),
        _f("water_ml", "int", hi=20_000),
        _f("exercise_minutes", "int", hi=24 * 60),
        _f("activities", "list"),
        _f("stretched", "bool"),
        _f("alcohol", "int", hi=100),
        _f("caffeine", "int", hi=100),
        _f("sitting_hours", "float", hi=24),
        _f("steps", "int", hi=1_000_000),
        _f("sources", "json"),
        _f("note", "str", limit=NOTE_MAX),
        _f("updated_at", "instant"),
    ),
    natural=("date",),
    unique_natural=True,
)
SHOES = Table(
    "shoes",
    Shoe,
    (
        _f("name", "str", required=True, limit=80),
        _f("fit", "str", choices=FITS, default="good"),
        _f("kind", "str", choices=SHOE_KINDS),
        _f("retired", "bool", default=False),
        _f("created_at", "instant"),
    ),
    natural=("name",),
    unique_natural=True,
)
MEDICATIONS = Table(
    "medications",
    Medication,
    (
        _f("name", "str", required=True, limit=120),
        _f("dose", "str", limit=60),
        _f("as_needed", "bool", default=False),
        _f("started", "date"),
        _f("stopped", "date"),
        _f("note", "str", limit=NOTE_MAX),
        _f("created_at", "instant"),
    ),
    natural=("name", "started"),
)
ALIASES = Table(
    "medication_aliases",
    MedicationAlias,
    (_f("alias", "str", required=True, limit=120), _f("generic", "str", required=True, limit=120)),
    natural=("alias",),
    unique_natural=True,
)
DOSES = Table(
    "doses",
    Dose,
    (
        _f("at", "local", required=True),
        _f("tz", "zone", required=True, limit=64),
        _f("date", "date", required=True),
    ),
    natural=("medication", "at"),
)
FACTORS = Table(
    "factors",
    Factor,
    (
        _f("name", "str", required=True, limit=60),
        _f("kind", "str", choices=("yesno", "number"), default="yesno"),
        _f("unit", "str", limit=20),
        _f("exposed_below", "float", lo=-1e9),
        _f("exposed_above", "float", lo=-1e9),
        _f("created_at", "instant"),
        _f("removed_at", "instant"),
    ),
    natural=("name",),
    unique_natural=True,
)
# A self-trial: its schedule as drawn (seed and arms), of an own yes/no factor (`factor`, its
# uid) or of a built-in habit (`builtin`, e.g. "stretched").
TRIALS = Table(
    "trials",
    Trial,
    (
        _f("builtin", "str", limit=40),
        _f("start", "date", required=True),
        _f("pairs", "int", lo=1, hi=16, required=True),
        _f("period_days", "int", lo=1, hi=56, required=True),
        _f("washout_days", "int", hi=55, default=0),
        _f("seed", "int", hi=2**31 - 1, required=True),
        _f("arms", "jsonlist", required=True),
        _f("changes", "jsonlist"),
        _f("created_at", "instant"),
        _f("ended_at", "instant"),
    ),
    natural=("start",),
)
# In the order an import writes them: parents before the rows that point at them.
TABLES = (SHOES, FACTORS, MEDICATIONS, ALIASES, EPISODES, NIGHTS, DAYS, DOSES, TRIALS)


def _check_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Bad(
            f"{name!r} is not a time zone (accepted: an IANA name such as Europe/London)"
        ) from None
    return name


def parse_value(f: Field, raw: Any) -> Any:
    """A value as read from JSON (typed) or CSV (text), checked, in its Python form.

    Raises Bad naming the accepted form. None and "" are "not recorded".
    """
    if raw is None or raw == "":
        if f.required:
            raise Bad(f"{f.name} is missing")
        return list(f.default) if isinstance(f.default, tuple) else f.default
    text = isinstance(raw, str)
    if f.kind in ("str", "zone"):
        if not isinstance(raw, str):
            raise Bad(f"{f.name}: {raw!r} is not text")
        try:
            raw.encode("utf-8")
        except UnicodeEncodeError:
            raise Bad(f"{f.name} is not valid UTF-8 text") from None
        if len(raw) > f.limit:
            raise Bad(f"{f.name} is {len(raw):,} characters long (accepted: at most {f.limit:,})")
        if f.choices and raw not in f.choices:
            raise Bad(f"{f.name}: {raw!r} is not one of {', '.join(f.choices)}")
        return _check_zone(raw) if f.kind == "zone" else raw
    if f.kind in ("int", "float"):
        try:
            if text:
                value: float = int(raw.strip()) if f.kind == "int" else float(raw.strip())
            elif isinstance(raw, bool) or not isinstance(raw, int | float):
                raise ValueError
            else:
                value = raw
            if f.kind == "int" and value != int(value):
                raise ValueError
        except (ValueError, OverflowError):
            raise Bad(
                f"{f.name}: {raw!r} is not a {'whole ' if f.kind == 'int' else ''}number"
            ) from None
        if not f.lo <= value <= f.hi or value != value:
            raise Bad(f"{f.name}: {raw!r} is out of range (accepted: {f.lo:g} to {f.hi:g})")
        return int(value) if f.kind == "int" else float(value)
    if f.kind == "bool":
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in ("yes", "true", "1", "y"):
            return True
        if word in ("no", "false", "0", "n"):
            return False
        raise Bad(f"{f.name}: {raw!r} is not yes or no")
    if f.kind == "date":
        try:
            return date.fromisoformat(str(raw).strip())
        except ValueError:
            raise Bad(f"{f.name}: {raw!r} is not a date (accepted: YYYY-MM-DD)") from None
    if f.kind in ("instant", "local"):
        try:
            moment = datetime.fromisoformat(str(raw).strip())
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise Bad(
                f"{f.name}: {raw!r} is not a time with its offset "
                "(accepted: 2026-11-22T03:10:00+00:00)"
            )
        return moment
    if f.kind == "list":
        items = [s.strip() for s in raw.split(",")] if text else raw
        if not isinstance(items, list) or not all(isinstance(s, str) and s for s in items):
            raise Bad(f"{f.name}: {raw!r} is not a list of words")
        bad = [s for s in items if (f.choices and s not in f.choices) or "," in s]
        if bad:
            raise Bad(f"{f.name}: {bad[0]!r} is not one of {', '.join(f.choices) or 'the words'}")
        return items
    if f.kind == "json":
        try:
            value = json.loads(raw) if text else raw
        except ValueError:
            value = None
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise Bad(f"{f.name}: {raw!r} is not a set of field: source pairs")
        return value
    if f.kind == "jsonlist":
        try:
            value = json.loads(raw) if text else raw
        except ValueError:
            value = None
        if not isinstance(value, list):
            raise Bad(f"{f.name}: {raw!r} is not a list")
        return value
    raise AssertionError(f.kind)


def to_json(f: Field, value: Any, row: dict[str, Any]) -> Any:
    """A Python value as the document holds it (JSON types)."""
    if value is None:
        return None
    if f.kind == "date":
        return value.isoformat()
    if f.kind == "instant":
        return value.astimezone(UTC).isoformat()
    if f.kind == "local":
        return value.astimezone(ZoneInfo(row["tz"])).isoformat()
    if f.kind == "list":
        return list(value)
    return value


# Model attribute <-> the Python form a file's value takes.
def _get(f: Field, obj: Any) -> Any:
    value = getattr(obj, f.name)
    if f.kind == "list":
        return None if value is None else [s for s in value.split(",") if s]
    if f.kind in ("json", "jsonlist"):
        return None if not value else json.loads(value)
    return value


def _set(f: Field, obj: Any, value: Any) -> None:
    if f.kind == "list":
        value = None if value is None else ",".join(value)
    elif f.kind in ("json", "jsonlist"):
        value = None if value is None else json.dumps(value, sort_keys=True)
    setattr(obj, f.name, value)


# --- export ----------------------------------------------------------------------------------


def _row(table: Table, obj: Any) -> dict[str, Any]:
    values = {f.name: _get(f, obj) for f in table.fields}
    out: dict[str, Any] = {"uid": obj.uid}
    for f in table.fields:
        out[f.name] = to_json(f, values[f.name], values)
    return out


def export_document(session: Session, exported_at: datetime | None = None) -> dict[str, Any]:
    """Everything of the diary's person as a format-2 document (a fixed number of queries)."""
    who = people.current(session, create=False)
    pid = who.id if who else -1
    doc: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "about": ABOUT,
        "exported_at": (exported_at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "profile": None,
    }
    if who is not None:
        doc["profile"] = {
            "uid": who.uid,
            "name": who.name,
            "birth_year": who.birth_year,
            "cramps_since": who.cramps_since.isoformat() if who.cramps_since else None,
            "created_at": who.created_at.astimezone(UTC).isoformat(),
            "conditions": [c.condition for c in who.conditions],
        }
    doc["settings"] = dict(
        session.execute(
            select(Setting.key, Setting.value)
            # Whose a role and the default person are belong to this diary, not the next.
            .where(Setting.key != people.DEFAULT_KEY, Setting.key.not_like(access.ROLE_KEY + "%"))
            .order_by(Setting.key)
        ).all()
    )
    if who is not None:
        # The settings as this person has them: their own values travel with them.
        own = session.execute(
            select(PersonSetting.key, PersonSetting.value).where(PersonSetting.person_id == pid)
        )
        doc["settings"] = dict(sorted({**doc["settings"], **dict(own.all())}.items()))
    shoes = list(session.scalars(select(Shoe).where(Shoe.person_id == pid).order_by(Shoe.id)))
    shoe_uid = {s.id: s.uid for s in shoes}
    doc["shoes"] = [_row(SHOES, s) for s in shoes]
    own = list(session.scalars(select(Factor).where(Factor.person_id == pid).order_by(Factor.id)))
    own_by_id = {f.id: f for f in own}
    doc["factors"] = [_row(FACTORS, f) for f in own]
    meds = list(
        session.scalars(
            select(Medication).where(Medication.person_id == pid).order_by(Medication.id)
        )
    )
    doc["medications"] = [_row(MEDICATIONS, m) for m in meds]
    doc["medication_aliases"] = [
        _row(ALIASES, a)
        for a in session.scalars(
            select(MedicationAlias)
            .where(MedicationAlias.person_id == pid)
            .order_by(MedicationAlias.id)
        )
    ]
    doc["episodes"] = []
    for e in session.scalars(
        select(Episode).where(Episode.person_id == pid).order_by(Episode.at, Episode.id)
    ):
        row = _row(EPISODES, e)
        row["deleted"] = e.deleted_at is not None  # for a reader; deleted_at is what counts
        doc["episodes"].append(row)
    doc["cramp_free_nights"] = [
        _row(NIGHTS, n)
        for n in session.scalars(
            select(NightRecord).where(NightRecord.person_id == pid).order_by(NightRecord.night)
        )
    ]
    doc["days"] = []
    # A join, not selectinload: its IN lists go in batches of 500 days, so its statements
    # would grow with the diary (tests/test_messy_queries.py).
    for d in session.scalars(
        select(Day)
        .where(Day.person_id == pid)
        .options(joinedload(Day.shoes), joinedload(Day.factors))
        .order_by(Day.date)
    ).unique():
        row = _row(DAYS, d)
        row["shoes"] = [
            {"shoe": shoe_uid[s.shoe_id], "hours": s.hours}
            for s in d.shoes
            if s.shoe_id in shoe_uid
        ]
        # Each own factor's value that day (1.0 yes, 0.0 no, else the number); a factor not
        # listed was not recorded that day. `name` is for a reader; the uid is what counts.
        row["factors"] = [
            {
                "factor": own_by_id[v.factor_id].uid,
                "name": own_by_id[v.factor_id].name,
                "value": v.value,
            }
            for v in sorted(d.factors, key=lambda v: v.factor_id)
            if v.factor_id in own_by_id
        ]
        doc["days"].append(row)
    med_uid = {m.id: m.uid for m in meds}
    med_name = {m.id: m.name for m in meds}
    doc["doses"] = []
    for dose in session.scalars(
        select(Dose).where(Dose.medication_id.in_(list(med_uid))).order_by(Dose.at, Dose.id)
    ):
        row = _row(DOSES, dose)
        row["medication"] = med_uid[dose.medication_id]
        row["medicine"] = med_name[dose.medication_id]  # for a reader; the uid is what counts
        doc["doses"].append(row)
    doc["trials"] = []
    for trial in session.scalars(
        select(Trial).where(Trial.person_id == pid).order_by(Trial.start, Trial.id)
    ):
        row = _row(TRIALS, trial)
        row["factor"] = own_by_id[trial.factor_id].uid if trial.factor_id in own_by_id else None
        doc["trials"].append(row)
    return doc


# --- reading a document ------------------------------------------------------------------------


@dataclass
class Incoming:
    """One row from the file, checked: its uid (or None) and its values in Python form."""

    uid: str | None
    values: dict[str, Any]
    where: str
    refs: dict[str, Any] = field(default_factory=dict)  # medication / shoes references


@dataclass
class Parsed:
    profile: dict[str, Any] | None
    settings: dict[str, str]
    tables: dict[str, list[Incoming]]
    errors: list[str]
    version: int


def _where_json(key: str, index: int) -> str:
    return f"{key}[{index}]"


def parse_row(table: Table, raw: dict[str, Any], where: str, errors: list[str]) -> Incoming | None:
    values: dict[str, Any] = {}
    problems: list[str] = []
    for f in table.fields:
        try:
            values[f.name] = parse_value(f, raw.get(f.name))
        except Bad as exc:
            problems.append(str(exc))
    uid = raw.get("uid") or None
    if uid is not None and (not isinstance(uid, str) or len(uid) > 36):
        problems.append(f"uid: {uid!r} is not a cramplog identifier")
    if values.get("created_at", 1) is None and any(f.name == "created_at" for f in table.fields):
        values["created_at"] = datetime.now(UTC)
    if table is DAYS and values.get("updated_at") is None:
        values["updated_at"] = datetime.now(UTC)
    if problems:
        errors.append(f"{where}: " + "; ".join(problems))
        return None
    return Incoming(uid, values, where)


def parse_document(doc: Any, *, where: Callable[[str, int], str] = _where_json) -> Parsed:
    """Check a document (format 1 or 2) row by row; every bad row is listed, none is fatal here."""
    if not isinstance(doc, dict):
        raise InputError("FILE", "is not a cramplog export", "a file from cramplog export")
    version = doc.get("format_version", 1)
    if doc.get("format", FORMAT) != FORMAT or version not in READS:
        if isinstance(version, int) and version > FORMAT_VERSION:
            raise InputError(
                "FILE",
                f"was written by a newer cramplog (format {version})",
                f"format 1 to {FORMAT_VERSION}",
                hint="upgrade cramplog to import it",
            )
        raise InputError("FILE", "is not a cramplog export", "a file from cramplog export")
    if version == 1:
        doc = _from_v1(doc)
    errors: list[str] = []
    tables: dict[str, list[Incoming]] = {}
    for table in TABLES:
        rows = doc.get(table.key) or []
        if not isinstance(rows, list):
            errors.append(f"{table.key}: is not a list of rows")
            continue
        out: list[Incoming] = []
        for i, raw in enumerate(rows):
            here = where(table.key, i)
            if not isinstance(raw, dict):
                errors.append(f"{here}: is not a row")
                continue
            row = parse_row(table, raw, here, errors)
            if row is None:
                continue
            if table is DAYS:
                row.refs["shoes"] = _day_shoes(raw.get("shoes") or [], here, errors)
                row.refs["factors"] = _day_factors(raw.get("factors") or [], here, errors)
            if table is FACTORS and not _factor_ok(row, here, errors):
                continue
            if table is TRIALS:
                row.refs["factor"] = raw.get("factor") or None
                if not row.refs["factor"] and not row.values.get("builtin"):
                    errors.append(f"{here}: a trial needs its factor (a uid) or a builtin habit")
                    continue
                orders = (["on", "off"], ["off", "on"])
                arms = row.values["arms"]
                if len(arms) != row.values["pairs"] or any(a not in orders for a in arms):
                    errors.append(
                        f'{here}: arms must be one ["on", "off"] or ["off", "on"] per pair'
                    )
                    continue
            if table is DOSES:
                row.refs["medication"] = raw.get("medication") or None
                row.refs["medicine"] = raw.get("medicine") or None
                if not row.refs["medication"] and not row.refs["medicine"]:
                    errors.append(f"{here}: medication is missing (its uid or its name)")
            out.append(row)
        _no_doubles(table, out, errors)
        tables[table.key] = out
    settings = _settings(doc.get("settings") or {}, errors)
    profile = _profile(doc.get("profile"), errors)
    return Parsed(profile, settings, tables, errors, version)


def _day_shoes(raw: Any, where: str, errors: list[str]) -> list[tuple[str | None, str | None, Any]]:
    out: list[tuple[str | None, str | None, Any]] = []
    if not isinstance(raw, list):
        errors.append(f"{where}: shoes is not a list")
        return out
    hours_field = Field("hours", "float", hi=24)
    for item in raw:
        if not isinstance(item, dict) or not (item.get("shoe") or item.get("name")):
            errors.append(f"{where}: a pair of shoes without its uid or name")
            continue
        try:
            hours = parse_value(hours_field, item.get("hours"))
        except Bad as exc:
            errors.append(f"{where}: shoes: {exc}")
            continue
        out.append((item.get("shoe") or None, item.get("name") or None, hours))
    return out


def _day_factors(
    raw: Any, where: str, errors: list[str]
) -> list[tuple[str | None, str | None, float]]:
    out: list[tuple[str | None, str | None, float]] = []
    if not isinstance(raw, list):
        errors.append(f"{where}: factors is not a list")
        return out
    value_field = Field("value", "float", required=True, lo=-1e9)
    seen: set[str] = set()
    for item in raw:
        if not isinstance(item, dict) or not (item.get("factor") or item.get("name")):
            errors.append(f"{where}: a factor value without its factor's uid or name")
            continue
        ref = str(item.get("factor") or "name:" + str(item.get("name")).strip().casefold())
        if ref in seen:
            errors.append(f"{where}: factors: {item.get('name') or ref!r} twice (one value a day)")
            continue
        seen.add(ref)
        raw_value = item.get("value")
        if isinstance(raw_value, bool):
            raw_value = 1.0 if raw_value else 0.0  # true/false typed for a yes/no factor
        try:
            value = parse_value(value_field, raw_value)
        except Bad as exc:
            errors.append(f"{where}: factors: {exc}")
            continue
        out.append((item.get("factor") or None, item.get("name") or None, value))
    return out


def _factor_ok(row: Incoming, where: str, errors: list[str]) -> bool:
    """A factor as `factor add` makes them: a yes/no has no threshold, a number exactly one;
    the name without ':' or '=' (they mark lags and values)."""
    v = row.values
    problems = []
    if ":" in v["name"] or "=" in v["name"] or not v["name"].strip():
        problems.append(f"name: {v['name']!r} cannot name a factor (accepted: without ':' or '=')")
    thresholds = [v["exposed_below"], v["exposed_above"]]
    if v["kind"] == "number" and sum(t is not None for t in thresholds) != 1:
        problems.append("a number factor has exactly one of exposed_below and exposed_above")
    if v["kind"] == "yesno" and (any(t is not None for t in thresholds) or v["unit"]):
        problems.append("a yes/no factor has no unit or threshold")
    if problems:
        errors.append(f"{where}: " + "; ".join(problems))
    return not problems


def natural_key(table: Table, values: dict[str, Any], refs: dict[str, Any]) -> tuple[Any, ...]:
    key: list[Any] = []
    for name in table.natural:
        value = refs.get(name) if name == "medication" else values.get(name)
        if isinstance(value, str):
            value = value.strip().casefold()
        if isinstance(value, datetime):
            value = value.astimezone(UTC)
        key.append(value)
    return tuple(key)


def _no_doubles(table: Table, rows: list[Incoming], errors: list[str]) -> None:
    seen: dict[Any, str] = {}
    for row in rows:
        keys = [("uid", row.uid)] if row.uid else []
        if table.unique_natural:
            keys.append(("key", natural_key(table, row.values, row.refs)))
        for key in keys:
            if key in seen:
                errors.append(f"{row.where}: the same entry as {seen[key]} (one row each)")
            seen.setdefault(key, row.where)


def _settings(raw: Any, errors: list[str]) -> dict[str, str]:
    if not isinstance(raw, dict):
        errors.append("settings: is not a set of key: value pairs")
        return {}
    out: dict[str, str] = {}
    for key, value in raw.items():
        try:
            out[key] = str(config.parse_setting(key, str(value)))
        except InputError as exc:
            errors.append(f"settings.{key}: {exc}")
    return out


def _profile(raw: Any, errors: list[str]) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        errors.append("profile: is not a set of fields")
        return None
    fields = (
        Field("name", "str"),
        Field("birth_year", "int", lo=1900, hi=2100),
        Field("cramps_since", "date"),
        Field("created_at", "instant"),
    )
    out: dict[str, Any] = {"uid": raw.get("uid") or None}
    for f in fields:
        try:
            out[f.name] = parse_value(f, raw.get(f.name))
        except Bad as exc:
            errors.append(f"profile: {exc}")
    conditions = raw.get("conditions") or []
    if not isinstance(conditions, list) or not all(
        isinstance(c, str) and 0 < len(c) <= 60 for c in conditions
    ):
        errors.append(
            "profile: conditions is not a list of conditions (each at most 60 characters)"
        )
        conditions = []
    out["conditions"] = list(dict.fromkeys(conditions))
    return out


def _from_v1(doc: dict[str, Any]) -> dict[str, Any]:
    """An unversioned (format 1) export in format 2's shape, without uids."""
    exported = doc.get("exported_at")
    profile = doc.get("profile") or {}
    defaults = {key: config.coerce(key, None) for key in config.settings()}
    settings = {
        key: value
        for key, value in (doc.get("settings") or {}).items()
        if key in defaults and value != defaults[key]
    }
    episodes = []
    for e in doc.get("episodes") or []:
        if isinstance(e, dict):
            e = {k: v for k, v in e.items() if k != "id"}
            e["deleted_at"] = exported if e.pop("deleted", False) else None
        episodes.append(e)
    notes = doc.get("night_notes") or {}
    nights = [
        {"night": n, "note": notes.get(n) if isinstance(notes, dict) else None}
        for n in doc.get("cramp_free_nights") or []
    ]
    days = []
    for d in doc.get("days") or []:
        if isinstance(d, dict):
            d = dict(d)
            d["activities"] = d.get("activities") or None
            d["shoes"] = [
                {"name": s.get("name"), "hours": s.get("hours")}
                for s in d.get("shoes") or []
                if isinstance(s, dict)
            ]
        days.append(d)
    aliases = doc.get("medication_aliases") or {}
    # Format 1 kept no zone for a dose: the zone its cramps were logged in is the best guess.
    zones = [e.get("tz") for e in episodes if isinstance(e, dict) and e.get("tz")]
    zone_name = zones[-1] if zones else (doc.get("settings") or {}).get("timezone") or None
    if not zone_name:
        from cramplog.timeutil import system_zone_name

        zone_name = system_zone_name()
    return {
        "profile": {
            "birth_year": profile.get("birth_year"),
            "conditions": profile.get("conditions") or [],
        },
        "settings": settings,
        "shoes": doc.get("shoes") or [],
        "medications": [
            {k: v for k, v in m.items() if k != "summary"} if isinstance(m, dict) else m
            for m in doc.get("medications") or []
        ],
        "medication_aliases": [{"alias": a, "generic": g} for a, g in aliases.items()]
        if isinstance(aliases, dict)
        else aliases,
        "episodes": episodes,
        "cramp_free_nights": nights,
        "days": days,
        "doses": [
            {"tz": zone_name, **d} if isinstance(d, dict) else d for d in doc.get("doses") or []
        ],
    }


# --- merging into a diary ------------------------------------------------------------------------


@dataclass
class Counts:
    added: int = 0
    changed: int = 0
    skipped: int = 0


@dataclass
class Summary:
    """What an import did (or, with dry_run, would do)."""

    counts: dict[str, Counts]
    conflicts: list[str]
    prefer: str

    @property
    def added(self) -> int:
        return sum(c.added for c in self.counts.values())

    @property
    def changed(self) -> int:
        return sum(c.changed for c in self.counts.values())

    @property
    def skipped(self) -> int:
        return sum(c.skipped for c in self.counts.values())


def _compare(values: dict[str, Any], other: dict[str, Any]) -> list[str]:
    differ = []
    for name, value in values.items():
        if name in BOOKKEEPING:
            continue
        mine = other.get(name)
        if isinstance(value, datetime) and isinstance(mine, datetime):
            same = value.astimezone(UTC) == mine.astimezone(UTC)
        else:
            same = value == mine
        if not same:
            differ.append(name)
    return differ


def _show(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return repr(value) if isinstance(value, str) else str(value)


def _label(table: Table, values: dict[str, Any]) -> str:
    first = table.natural[0] if table.natural else table.fields[0].name
    value = values.get(first)
    return f"{table.key[:-1] if table.key.endswith('s') else table.key} {_show(value)}"


def merge(session: Session, parsed: Parsed, *, prefer: str = "diary") -> Summary:
    """Write the parsed document into the diary's person (the caller owns the transaction).

    The caller rolls back for a dry run: every query and check runs exactly as for real.
    """
    if parsed.errors:
        raise BadRows(parsed.errors)
    summary = Summary({}, [], prefer)
    take_file = prefer == "file"
    who = _merge_profile(session, parsed.profile, summary, take_file)
    _merge_settings(session, parsed.settings, summary, take_file)

    shoe_by_ref: dict[str, Shoe] = {}
    factor_by_ref: dict[str, Factor] = {}
    med_by_ref: dict[str, Medication] = {}
    for table in TABLES:
        existing = _existing(session, table, who)
        counts = summary.counts.setdefault(table.key, Counts())
        by_uid = {obj.uid: obj for obj in existing}
        _check_uids_free(session, table, parsed.tables[table.key], set(by_uid))
        by_key: dict[tuple[Any, ...], Any] = {}
        med_uids = {m.id: m.uid for m in med_by_ref.values()} if table is DOSES else {}
        for obj in existing:
            refs = _obj_refs(table, obj, med_uids)
            by_key.setdefault(natural_key(table, _values(table, obj), refs), obj)
        for row in parsed.tables[table.key]:
            if table is DOSES:
                med = _resolve_med(row, med_by_ref)
                row.refs["medication"] = med.uid
                row.refs["_med"] = med
            if table is TRIALS:
                row.refs["_factor"] = _resolve_trial_factor(row, factor_by_ref)
            if table is DAYS:
                row.refs["_shoes"] = _resolve_shoes(row, shoe_by_ref)
                row.refs["_factors"] = _resolve_factors(row, factor_by_ref)
            match = by_uid.get(row.uid) if row.uid else None
            if match is None and (table.unique_natural or not row.uid):
                match = by_key.get(natural_key(table, row.values, row.refs))
            if table is FACTORS and match is not None and match.kind != row.values["kind"]:
                # Its days' values would change meaning (a yes read as the number 1).
                raise BadRows(
                    [
                        f"{row.where}: the factor {match.name!r} is {_KINDS[match.kind]} in the "
                        f"diary and {_KINDS[row.values['kind']]} in the file (rename one: "
                        "cramplog factor rename)"
                    ]
                )
            if match is None:
                obj = _add(session, table, who, row)
                counts.added += 1
                by_uid[obj.uid] = obj
                by_key.setdefault(natural_key(table, row.values, row.refs), obj)
            else:
                obj = match
                differ = _compare(row.values, _values(table, obj))
                if table is DAYS and _day_shoe_refs(obj) != [
                    (s.uid, h) for s, h in row.refs["_shoes"]
                ]:
                    differ.append("shoes")
                if table is DAYS and _day_factor_refs(obj) != sorted(
                    (f.uid, v) for f, v in row.refs["_factors"]
                ):
                    differ.append("factors")
                if not differ:
                    counts.skipped += 1
                else:
                    current = _values(table, obj)
                    summary.conflicts.append(
                        f"{_label(table, current)} ({row.where}): "
                        + "; ".join(
                            f"{name} diary {_show(current.get(name, '...'))}, file "
                            f"{_show(row.values.get(name, '...'))}"
                            for name in differ
                        )
                    )
                    if take_file:
                        _apply(session, table, obj, row)
                        counts.changed += 1
                    else:
                        counts.skipped += 1
            if row.uid:
                if table is SHOES:
                    shoe_by_ref[row.uid] = obj
                if table is MEDICATIONS:
                    med_by_ref[row.uid] = obj
            if table is SHOES:
                shoe_by_ref.setdefault("name:" + obj.name.casefold(), obj)
                shoe_by_ref.setdefault(obj.uid, obj)
            if table is FACTORS:
                if row.uid:
                    factor_by_ref[row.uid] = obj
                factor_by_ref.setdefault(obj.uid, obj)
                factor_by_ref.setdefault("name:" + obj.name.casefold(), obj)
            if table is MEDICATIONS:
                med_by_ref.setdefault(obj.uid, obj)
                med_by_ref.setdefault("name:" + obj.name.casefold(), obj)
        if table in (SHOES, FACTORS, MEDICATIONS):
            for obj in existing:
                refs = {SHOES.key: shoe_by_ref, FACTORS.key: factor_by_ref}.get(
                    table.key, med_by_ref
                )
                refs.setdefault(obj.uid, obj)
                refs.setdefault("name:" + obj.name.casefold(), obj)
        session.flush()
    return summary


def summary_for_new(parsed: Parsed) -> Summary:
    """What importing into a diary that does not exist yet would do: add every row.

    A dry run then needs no diary file, so it creates none."""
    if parsed.errors:
        raise BadRows(parsed.errors)
    counts = {
        "profile": Counts(added=1 if parsed.profile else 0),
        "settings": Counts(added=len(parsed.settings)),
    }
    counts.update({t.key: Counts(added=len(parsed.tables[t.key])) for t in TABLES})
    return Summary(counts, [], "diary")


class BadRows(InputError):
    """Rows of an import file that cannot be read; nothing is written while any remain."""

    def __init__(self, rows: list[str]) -> None:
        self.rows = rows
        super().__init__(
            "FILE",
            f"{len(rows)} bad row{'s' if len(rows) != 1 else ''}; nothing was imported",
            hint="correct or delete the rows listed, then import the file again",
        )


def _existing(session: Session, table: Table, who: Person) -> list[Any]:
    model = table.model
    if table is DOSES:
        return list(
            session.scalars(
                select(Dose)
                .join(Medication, Medication.id == Dose.medication_id)
                .where(Medication.person_id == who.id)
            )
        )
    query = select(model).where(model.person_id == who.id)  # type: ignore[attr-defined]
    if table is DAYS:
        query = query.options(
            joinedload(Day.shoes).joinedload(DayShoe.shoe),
            joinedload(Day.factors).joinedload(DayFactor.factor),
        )
        return list(session.scalars(query).unique())
    return list(session.scalars(query))


def _values(table: Table, obj: Any) -> dict[str, Any]:
    return {f.name: _get(f, obj) for f in table.fields}


def _obj_refs(table: Table, obj: Any, med_uids: dict[int, str]) -> dict[str, Any]:
    return {"medication": med_uids.get(obj.medication_id)} if table is DOSES else {}


def _day_shoe_refs(day: Day) -> list[tuple[str, Any]]:
    return [(s.shoe.uid, s.hours) for s in day.shoes]


def _resolve_shoes(row: Incoming, refs: dict[str, Shoe]) -> list[tuple[Shoe, Any]]:
    out = []
    for uid, name, hours in row.refs.get("shoes", []):
        shoe = refs.get(uid) if uid else None
        if shoe is None and name:
            shoe = refs.get("name:" + name.strip().casefold())
        if shoe is None:
            raise BadRows([f"{row.where}: shoes {uid or name!r} are not in the file or the diary"])
        out.append((shoe, hours))
    return out


_KINDS = {"yesno": "yes/no", "number": "a number"}


def _day_factor_refs(day: Day) -> list[tuple[str, float]]:
    return sorted((v.factor.uid, v.value) for v in day.factors)


def _resolve_factors(row: Incoming, refs: dict[str, Factor]) -> list[tuple[Factor, float]]:
    out = []
    for uid, name, value in row.refs.get("factors", []):
        found = refs.get(uid) if uid else None
        if found is None and name:
            found = refs.get("name:" + name.strip().casefold())
        if found is None:
            raise BadRows([f"{row.where}: factor {uid or name!r} is not in the file or the diary"])
        if found.kind == "yesno" and value not in (0.0, 1.0):
            raise BadRows(
                [f"{row.where}: factors: {found.name!r} is yes/no (accepted: 1 for yes, 0 for no)"]
            )
        out.append((found, value))
    return out


def _resolve_trial_factor(row: Incoming, refs: dict[str, Factor]) -> Factor | None:
    uid = row.refs.get("factor")
    if not uid:
        return None
    found = refs.get(uid)
    if found is None:
        raise BadRows([f"{row.where}: factor {uid!r} is not in the file or the diary"])
    if found.kind != "yesno":
        raise BadRows([f"{row.where}: a trial's factor must be yes/no, and {found.name!r} is not"])
    return found


def _resolve_med(row: Incoming, refs: dict[str, Medication]) -> Medication:
    uid, name = row.refs.get("medication"), row.refs.get("medicine")
    med = refs.get(uid) if uid else None
    if med is None and name:
        med = refs.get("name:" + name.strip().casefold())
    if med is None:
        raise BadRows([f"{row.where}: medicine {uid or name!r} is not in the file or the diary"])
    return med


def _fill(table: Table, obj: Any, row: Incoming) -> None:
    for f in table.fields:
        _set(f, obj, row.values[f.name])


def _next_id(session: Session, model: type) -> int:
    """The next free primary key. Keys given up front let the ORM insert a table's new rows in
    one executemany; asking SQLite for each key back would cost a statement per row. Safe:
    the import holds the diary's write lock from its first statement (BEGIN IMMEDIATE)."""
    counters: dict[type, itertools.count[int]] = session.info.setdefault("import_ids", {})
    if model not in counters:
        top = session.scalar(
            select(func.max(model.id)),  # type: ignore[attr-defined]
            execution_options=people.ALL,  # keys are the table's, not one person's
        )
        counters[model] = itertools.count((top or 0) + 1)
        if len(counters) == 1:
            from cramplog.server import advance_sequences_before_commit

            advance_sequences_before_commit(session)  # PostgreSQL's serial keys
    return next(counters[model])


def _add(session: Session, table: Table, who: Person, row: Incoming) -> Any:
    obj = table.model(id=_next_id(session, table.model), uid=row.uid or new_uid())
    _fill(table, obj, row)
    if table is DOSES:
        obj.medication_id = row.refs["_med"].id
    else:
        obj.person_id = who.id
    if table is TRIALS:
        factor = row.refs["_factor"]
        obj.factor_id = factor.id if factor is not None else None
    if table is DAYS:
        obj.shoes = [
            DayShoe(id=_next_id(session, DayShoe), shoe_id=shoe.id, hours=hours)
            for shoe, hours in row.refs["_shoes"]
        ]
        obj.factors = [
            DayFactor(id=_next_id(session, DayFactor), factor_id=f.id, value=value)
            for f, value in row.refs["_factors"]
        ]
    session.add(obj)
    return obj


def _apply(session: Session, table: Table, obj: Any, row: Incoming) -> None:
    _fill(table, obj, row)
    if table is TRIALS:
        factor = row.refs["_factor"]
        obj.factor_id = factor.id if factor is not None else None
    if table is DOSES:
        obj.medication_id = row.refs["_med"].id
    if table is DAYS:
        wanted = [(shoe.id, hours) for shoe, hours in row.refs["_shoes"]]
        if [(s.shoe_id, s.hours) for s in obj.shoes] != wanted:
            obj.shoes.clear()
            session.flush()
            obj.shoes.extend(
                DayShoe(id=_next_id(session, DayShoe), shoe_id=i, hours=h) for i, h in wanted
            )
        values = sorted((f.id, value) for f, value in row.refs["_factors"])
        if sorted((v.factor_id, v.value) for v in obj.factors) != values:
            obj.factors.clear()
            session.flush()
            obj.factors.extend(
                DayFactor(id=_next_id(session, DayFactor), factor_id=i, value=v) for i, v in values
            )


def _check_not_someone_else(session: Session, uid: str, who: Person | None) -> None:
    """An export of one person goes back into that person, never into another of the diary."""
    owner = session.scalars(select(Person).where(Person.uid == uid)).first()
    if owner is not None and owner.removed_at is not None:
        raise InputError(
            "FILE",
            f"this file is the diary of {owner.name}, who was removed from this diary",
            f"bring them back first: cramplog person restore {owner.name!r}",
        )
    if owner is not None and (who is None or owner.id != who.id):
        raise InputError(
            "FILE",
            f"this file is the diary of {owner.name}, who is already in this diary",
            f"cramplog --person {owner.name!r} import FILE",
        )


def _check_uids_free(session: Session, table: Table, rows: list[Incoming], mine: set[str]) -> None:
    """Rows whose uid another person of this diary holds cannot be this person's: refuse the
    file rather than take the row from them (it would fail on the unique uid anyway)."""
    model = table.model
    wanted = [r.uid for r in rows if r.uid and r.uid not in mine]
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        taken = session.scalars(
            select(model.uid).where(model.uid.in_(chunk)),  # type: ignore[attr-defined]
            execution_options=people.ALL,
        ).first()
        if taken is not None:
            raise InputError(
                "FILE",
                f"its {table.key} include entries of another person of this diary",
                "import each person's export with --person NAME",
            )


def _blank(session: Session, who: Person) -> bool:
    """A person record with nothing in it yet (made on first use): the file's may replace it."""
    if who.birth_year or who.cramps_since or who.conditions or who.name != "me":
        return False
    return all(not _existing(session, table, who) for table in TABLES if table is not DOSES)


PROFILE_FIELDS = ("name", "birth_year", "cramps_since")


def _merge_profile(
    session: Session, profile: dict[str, Any] | None, summary: Summary, take_file: bool
) -> Person:
    counts = summary.counts.setdefault("profile", Counts())
    who = people.current(session, create=False)
    if profile and profile.get("uid"):
        _check_not_someone_else(session, str(profile["uid"]), who)
    if who is None or (profile and profile.get("uid") and _blank(session, who)):
        fresh = who is None
        if who is None:
            who = people.current(session)  # "me", or the name --person gave
            assert who is not None
        if profile:
            _set_profile(who, profile, with_identity=True)
            counts.added += 1
        session.flush()
        if not fresh:
            counts.added = 1
        return who
    if not profile:
        return who
    current = {name: getattr(who, name) for name in PROFILE_FIELDS}
    current["conditions"] = [c.condition for c in who.conditions]
    wanted = {name: profile.get(name) for name in PROFILE_FIELDS}
    wanted["name"] = wanted["name"] or "me"
    wanted["conditions"] = profile["conditions"]
    differ = [
        n
        for n in wanted
        if wanted[n] != current[n] and not (n != "name" and wanted[n] in (None, []))
    ]
    # A field the file leaves unknown never erases one the diary knows; one the diary leaves
    # unknown is filled from the file (nothing is lost, so it is no conflict).
    fill = [n for n in differ if n != "name" and current[n] in (None, [])]
    if fill:
        _set_profile(who, {**profile, **{n: wanted[n] for n in fill}}, only=fill)
        counts.changed += 1
        differ = [n for n in differ if n not in fill]
    if not differ:
        if not fill:
            counts.skipped += 1
        session.flush()
        return who
    summary.conflicts.append(
        "profile: "
        + "; ".join(f"{n} diary {_show(current[n])}, file {_show(wanted[n])}" for n in differ)
    )
    if take_file:
        _set_profile(who, {**profile, **{n: wanted[n] for n in differ}}, only=differ)
        counts.changed += 1
    else:
        counts.skipped += 1
    session.flush()
    return who


def _set_profile(
    who: Person, profile: dict[str, Any], *, with_identity: bool = False, only: Iterable[str] = ()
) -> None:
    names = set(only) or {*PROFILE_FIELDS, "conditions"}
    if with_identity:
        if profile.get("uid"):
            who.uid = profile["uid"]
        if profile.get("created_at"):
            who.created_at = profile["created_at"]
    for name in PROFILE_FIELDS:
        if name in names:
            value = profile.get(name)
            setattr(who, name, value if value is not None or name != "name" else "me")
    if "conditions" in names:
        who.conditions = [PersonCondition(condition=c) for c in profile.get("conditions", [])]


def _merge_settings(
    session: Session, settings: dict[str, str], summary: Summary, take_file: bool
) -> None:
    counts = summary.counts.setdefault("settings", Counts())
    stored = {s.key: s for s in session.scalars(select(Setting))}
    for key, value in settings.items():
        if key == people.DEFAULT_KEY or key.startswith(access.ROLE_KEY):
            continue
        row = stored.get(key)
        if row is None:
            session.add(Setting(key=key, value=value))
            counts.added += 1
        elif row.value == value:
            counts.skipped += 1
        else:
            summary.conflicts.append(f"setting {key}: diary {row.value!r}, file {value!r}")
            if take_file:
                row.value = value
                counts.changed += 1
            else:
                counts.skipped += 1
    session.info.pop("settings", None)
