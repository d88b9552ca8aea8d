"""A person's own factors ("leg elevated", "sleep" in hours): defining them, and their daily values.

A yes/no factor is exposed on "yes"; a number factor has a unit and one threshold, and is
exposed on a day whose value is below `exposed_below` (or above `exposed_above`). A day with
no value is not recorded: unknown, never "no". Removing a factor is soft (`removed_at`): its
values stay, undo brings it back, and it no longer shows in check-ins or insights.

Light on purpose (no pandas): `day --factor` and the check-in are on the logging path. Every
function takes an open Session, checks its input and raises InputError before writing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cramplog import text, words
from cramplog.errors import InputError
from cramplog.models import Day, DayFactor, Factor, utcnow

NAME_MAX = 60  # the `factor.name` column
UNIT_MAX = 20  # the `factor.unit` column
YES_NO = "yes or no (y/n, true/false)"
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_VALUE = re.compile(r"([+-]?[0-9.,]+)\s*(.*)")  # a number, then its unit if any


# --- names and definitions -----------------------------------------------------------------


def check_name(name: str, field: str = "NAME") -> str:
    """A factor's name as stored: trimmed, inner runs of spaces made one. ':' marks a column
    kind and a lag in insights (`factor:sleep:lag1`), '=' a value (`--factor sleep=5`)."""
    text.check_text(field, name, NAME_MAX)
    clean = " ".join(name.split())
    for mark in (":", "="):
        if mark in clean:
            raise InputError(
                field, f"{name!r} cannot name a factor", f"a name without ':' or '=' (1-{NAME_MAX})"
            )
    return clean


def _key(name: str) -> str:
    # Compared in Python: SQLite's lower() folds ASCII only, and a factor may be "Übungen".
    return " ".join(name.split()).casefold()


def all_factors(session: Session, *, removed: bool = False) -> list[Factor]:
    """This diary's own factors in the order they were added; removed ones only if asked."""
    from cramplog import diary

    who = diary.person(session, create=False)
    if who is None:
        return []
    query = select(Factor).where(Factor.person_id == who.id).order_by(Factor.id)
    if not removed:
        query = query.where(Factor.removed_at.is_(None))
    return list(session.scalars(query))


def _named(session: Session, name: str) -> Factor | None:
    wanted = _key(name)
    return next((f for f in all_factors(session, removed=True) if _key(f.name) == wanted), None)


def find(session: Session, name: str, field: str = "NAME") -> Factor:
    """The active factor called `name` (any case), else one line with the nearest names."""
    found = _named(session, name)
    if found is not None and found.removed_at is None:
        return found
    names = [f.name for f in all_factors(session)]
    if found is not None:
        raise InputError(
            field,
            f"the factor {found.name!r} was removed (its values are kept)",
            ", ".join(names) if names else None,
            hint=f"bring it back with: cramplog factor add {found.name!r}",
        )
    near = words.did_you_mean(name, names)
    add = f"to add it: cramplog factor add {name.strip()!r}"
    raise InputError(
        field,
        f"no factor called {name!r}",
        ", ".join(names) if names else None,
        hint=f"{near} Or, {add}" if near else add,
    )


def parse_number(raw: str, field: str, accepted: str) -> float:
    """A plain decimal number ("5.5", "-2", "5,5"); no "nan", "inf" or "1e5" by accident."""
    clean = raw.strip()
    if "," in clean and "." not in clean and clean.count(",") == 1:
        clean = clean.replace(",", ".")  # a decimal comma, as many people write it
    if not _NUMBER.fullmatch(clean):
        raise InputError(field, f"{raw.strip()!r} is not a number", accepted)
    value = float(clean)
    if not math.isfinite(value) or abs(value) > 1e9:
        raise InputError(field, f"{raw.strip()!r} is out of range", accepted)
    return value


def _definition(
    unit: str | None, below: str | None, above: str | None
) -> tuple[str, str | None, float | None, float | None]:
    """(kind, unit, exposed_below, exposed_above) from the options of `factor add`."""
    if below is not None and above is not None:
        raise InputError(
            "--exposed-above",
            "a factor has one threshold, not two",
            "either --exposed-below N or --exposed-above N",
        )
    if unit is None and below is None and above is None:
        return "yesno", None, None, None
    if below is None and above is None:
        raise InputError(
            "--exposed-below",
            "a number factor needs what counts as exposed",
            "--exposed-below N or --exposed-above N, e.g. --unit h --exposed-below 6",
        )
    clean_unit = None
    if unit is not None:
        text.check_text("--unit", unit, UNIT_MAX)
        clean_unit = " ".join(unit.split())
        if _NUMBER.match(clean_unit) or "=" in clean_unit:
            raise InputError("--unit", f"{unit!r} is not a unit", "a unit such as h, mg, km, cups")
    field = "--exposed-below" if below is not None else "--exposed-above"
    threshold = parse_number(below if below is not None else str(above), field, "a number, e.g. 6")
    if below is not None:
        return "number", clean_unit, threshold, None
    return "number", clean_unit, None, threshold


def add(
    session: Session,
    name: str,
    *,
    unit: str | None = None,
    exposed_below: str | None = None,
    exposed_above: str | None = None,
) -> tuple[Factor, bool]:
    """A new factor, or a removed one of that name brought back with its values.

    Returns the factor and whether it was brought back. A removed yes/no factor cannot come
    back as a number one (its stored yes/no values would read as numbers), nor the reverse.
    """
    from cramplog import diary

    clean = check_name(name)
    kind, unit_, below, above = _definition(unit, exposed_below, exposed_above)
    exists = _named(session, clean)
    if exists is not None and exists.removed_at is None:
        raise InputError(
            "NAME",
            f"a factor called {exists.name!r} exists",
            hint="choose another name, or see: cramplog factor list",
        )
    if exists is not None:
        if exists.kind != kind:
            was = "a yes/no" if exists.kind == "yesno" else "a number"
            raise InputError(
                "NAME",
                f"a removed factor called {exists.name!r} was {was} factor (its values are kept)",
                "the same kind of factor, or another name",
            )
        exists.removed_at = None
        if kind == "number":
            exists.unit, exists.exposed_below, exists.exposed_above = unit_, below, above
        session.flush()
        return exists, True
    who = diary.person(session)
    assert who is not None
    factor = Factor(
        person_id=who.id,
        name=clean,
        kind=kind,
        unit=unit_,
        exposed_below=below,
        exposed_above=above,
    )
    session.add(factor)
    session.flush()
    return factor, False


def rename(session: Session, old: str, new: str) -> Factor:
    factor = find(session, old, field="OLD")
    clean = check_name(new, "NEW")
    other = _named(session, clean)
    if other is not None and other.id != factor.id:
        state = " (removed, its values kept)" if other.removed_at is not None else ""
        raise InputError(
            "NEW",
            f"a factor called {other.name!r}{state} exists; nothing was changed",
            "another name",
        )
    factor.name = clean  # the same factor may change only the case of its name
    session.flush()
    return factor


def remove(session: Session, name: str) -> Factor:
    """Soft: the factor leaves check-ins and insights; its daily values stay for an undo."""
    factor = find(session, name)
    factor.removed_at = utcnow()
    session.flush()
    return factor


def recorded_days(session: Session, factor: Factor) -> int:
    """On how many days the factor has a value."""
    from sqlalchemy import func

    query = select(func.count()).select_from(DayFactor).where(DayFactor.factor_id == factor.id)
    return int(session.scalar(query) or 0)


def describe(factor: Factor) -> str:
    """ "yes/no" or "number in h, exposed below 6 h": what the factor is and when it counts."""
    from cramplog import present

    if factor.kind == "yesno":
        return "yes/no, exposed on yes"
    what = f"number in {factor.unit}" if factor.unit else "number"
    if factor.exposed_below is not None:
        side, threshold = "below", factor.exposed_below
    else:
        side, threshold = "above", factor.exposed_above
    return f"{what}, exposed {side} {present.factor_value(threshold, 'number', factor.unit)}"


def exposed(factor: Factor, value: float | None) -> bool | None:
    """Whether a day's value counts as exposed; None when not recorded (unknown, not "no")."""
    if value is None:
        return None
    if factor.kind == "yesno":
        return value >= 0.5
    if factor.exposed_below is not None:
        return value < factor.exposed_below
    return factor.exposed_above is not None and value > factor.exposed_above


# --- values of a day -----------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    """One `--factor NAME[=VALUE]`: the factor, and its value (None: clear it, unknown)."""

    factor: Factor
    value: float | None


@dataclass(frozen=True)
class Spec:
    """What a question about a factor needs, usable after its session has closed."""

    id: int
    name: str
    kind: str
    unit: str | None


def specs(session: Session) -> list[Spec]:
    """The active factors, in the order they were added (the check-in asks each)."""
    return [Spec(f.id, f.name, f.kind, f.unit) for f in all_factors(session)]


def question(spec: Spec) -> str:
    """The check-in's question: "leg elevated? (y/n)", "sleep (h)"."""
    if spec.kind == "yesno":
        return f"{spec.name}? (y/n)"
    return f"{spec.name} ({spec.unit})" if spec.unit else f"{spec.name} (a number)"


def assignments_for(session: Session, answers: dict[int, float]) -> list[Assignment]:
    """Check-in answers (factor id -> value) as assignments, for factors still active."""
    by_id = {f.id: f for f in all_factors(session)}
    return [Assignment(by_id[i], v) for i, v in answers.items() if i in by_id]


def _example(factor: Factor | Spec) -> str:
    if factor.kind == "yesno":
        return f'"{factor.name}" for yes, "{factor.name}=no" for no'
    unit = factor.unit or ""
    return f'"{factor.name}=NUMBER{(" " + unit) if unit else ""}", e.g. {factor.name}=5'


def parse_value(factor: Factor | Spec, raw: str | None, field: str = "--factor") -> float:
    """The stored value of `raw` for `factor`: 1.0/0.0 for yes/no words, else the number.

    A yes/no factor named alone is "yes"; a number factor needs its number, the unit after
    it optional ("5.5", "5.5h", "5.5 h" for unit h) but, when given, its own.
    """
    if factor.kind == "yesno":
        if raw is None:
            return 1.0
        answer = words.yes_or_no(raw)
        if answer is not None:
            return 1.0 if answer else 0.0
        raise InputError(
            field, f"{raw.strip()!r} is not yes or no for {factor.name!r}", _example(factor)
        )
    accepted = _example(factor)
    if raw is None:
        raise InputError(field, f"{factor.name!r} is a number factor: it needs a value", accepted)
    clean = raw.strip()
    found = _VALUE.fullmatch(clean)
    if found is None:
        raise InputError(field, f"{clean!r} is not a number for {factor.name!r}", accepted)
    number, tail = found.groups()
    if tail and tail.casefold() != (factor.unit or "").casefold():
        said = f"in {factor.unit}" if factor.unit else "without a unit"
        raise InputError(field, f"{clean!r}: {factor.name!r} is recorded {said}", accepted)
    return parse_number(number, field, accepted)


def split_assignment(raw: str) -> tuple[str, str | None]:
    """ "sleep=5.5" -> ("sleep", "5.5"); "leg elevated" -> ("leg elevated", None);
    "sleep=" -> ("sleep", "") (clear it)."""
    name, sep, value = raw.partition("=")
    return name, (value if sep else None)


def parse_assignments(
    session: Session, raws: Sequence[str], field: str = "--factor"
) -> list[Assignment]:
    """Every `--factor` of a command, checked before anything is written; the last of two
    for the same factor wins (as a later option does)."""
    found: dict[int, Assignment] = {}
    for raw in raws:
        name, value = split_assignment(raw)
        if not name.strip():
            raise InputError(field, f"{raw!r} names no factor", "NAME or NAME=VALUE")
        factor = find(session, name, field=field)
        if value is not None and not value.strip():
            found[factor.id] = Assignment(factor, None)  # "sleep=": not recorded again
        else:
            found[factor.id] = Assignment(factor, parse_value(factor, value, field))
    return list(found.values())


def set_values(day: Day, assignments: Iterable[Assignment]) -> None:
    """Write the day's values: each factor given changes; the others stay as they were."""
    rows = {row.factor_id: row for row in day.factors}
    for a in assignments:
        row = rows.get(a.factor.id)
        if a.value is None:
            if row is not None:
                day.factors.remove(row)  # delete-orphan: the row goes, the value is unknown
            continue
        if row is None:
            row = DayFactor(factor=a.factor, value=a.value)
            day.factors.append(row)
            rows[a.factor.id] = row
        elif row.value != a.value:
            row.value = a.value


def value_of(factor: Factor, stored: float | None) -> bool | float | None:
    """A stored value as people and JSON read it: True/False for yes/no, else the number."""
    if stored is None:
        return None
    return stored >= 0.5 if factor.kind == "yesno" else float(stored)


def day_values(day: Day) -> dict[str, bool | float]:
    """The day's recorded values of active factors, by name (a factor not here is unknown)."""
    return {
        row.factor.name: value  # type: ignore[misc]
        for row in day.factors
        if row.factor.removed_at is None and (value := value_of(row.factor, row.value)) is not None
    }
