"""The clinical facts cramplog encodes, read from the TOML files beside this module.

Every medicine class, condition and provider-visit rule carries the keys of the sources it
rests on, and `cite` turns those keys into references, so any flag can name its source.

The logging command may import this module, so importing it must stay cheap: nothing is
read, and neither `tomllib` nor `importlib.resources` is imported, until a function is first
called; each file is then parsed once and cached. The files are read through
`importlib.resources` so that they are found inside an installed wheel as well as in a
checkout (they ship as package data: `cramplog.knowledge` = `*.toml`).

Wording rule for everything built on this data: cramplog is a diary, not a diagnostic
device. It suggests, never diagnoses, never promises, and never tells anyone to start, stop
or change a medicine.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "LEVELS",
    "MEDICATION_ADVICE",
    "Condition",
    "DrugName",
    "KnowledgeError",
    "MedClass",
    "Rule",
    "Source",
    "cite",
    "condition_label",
    "condition_words",
    "conditions",
    "default_thresholds",
    "drug_name_sources",
    "drug_names",
    "find_condition",
    "level_label",
    "level_rank",
    "match_medication",
    "medication_classes",
    "medicine_name",
    "rules",
    "sources",
]

MEDICATION_ADVICE: str = "Ask your prescriber or pharmacist; do not stop a medicine on your own."

# Kept in code as well as in rules.toml so that ranking a level needs no file read; the
# loader checks that the two agree.
LEVELS: tuple[str, ...] = ("urgent", "soon", "routine", "prescriber")


class KnowledgeError(ValueError):
    """A knowledge file is malformed: a missing field, an unknown source key, a clash."""


# The dataclasses below carry docstrings partly for speed: without one, Python 3.11's
# dataclass() builds a docstring with inspect.signature, a measurable share of import time.
# slots=True is left out because it rebuilds each class, which costs import time too.


@dataclass(frozen=True)
class Source:
    """One reference, cited by its key from the other knowledge files."""

    key: str
    reference: str
    short: str
    # Set when the brief saw the source only second-hand, so callers can say so.
    note: str | None = None


@dataclass(frozen=True)
class MedClass:
    """A medicine class reported in association with night cramps; `name` is its class name."""

    id: str
    name: str
    generics: tuple[str, ...]
    association: str
    source: tuple[str, ...]
    unverified: bool = False


@dataclass(frozen=True)
class DrugName:
    """Another name of a listed generic: a brand, an abbreviation, an older or foreign name."""

    name: str
    generic: str
    kind: str
    source: tuple[str, ...]
    # The other ingredients of a combination product (none of them on the list), else ().
    combined_with: tuple[str, ...] = ()


@dataclass(frozen=True)
class Condition:
    """A medical condition a profile can record; `id` is what a user types."""

    id: str
    name: str
    aliases: tuple[str, ...]
    source: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    """When to suggest seeing a healthcare provider, and what to suggest."""

    id: str
    level: str
    title: str
    trigger: str
    advice: str
    source: tuple[str, ...]
    # Read-only view: rules are cached and shared, and a caller editing one would silently
    # change every later flag evaluation. Use default_thresholds() for a dict of one's own.
    thresholds: Mapping[str, int | float]
    signs: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------------
# Reading and checking the files


def _read(filename: str) -> dict[str, object]:
    import tomllib
    from importlib.resources import files

    text = files(__package__).joinpath(filename).read_text(encoding="utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise KnowledgeError(f"{filename}: {exc}") from exc


def _table(value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise KnowledgeError(f"{where}: expected a table")
    return value


def _tables(value: object, where: str) -> list[dict[str, object]]:
    if not isinstance(value, list):
        raise KnowledgeError(f"{where}: expected an array of tables")
    return [_table(item, f"{where}[{i}]") for i, item in enumerate(value)]


def _text(entry: Mapping[str, object], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeError(f"{where}: `{key}` must be a non-empty string")
    return value


def _texts(entry: Mapping[str, object], key: str, where: str, *, required: bool) -> tuple[str, ...]:
    if key not in entry:
        if required:
            raise KnowledgeError(f"{where}: `{key}` is missing")
        return ()
    value = entry[key]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise KnowledgeError(f"{where}: `{key}` must be a list of non-empty strings")
    if required and not value:
        raise KnowledgeError(f"{where}: `{key}` must not be empty")
    return tuple(value)


def _source_keys(entry: Mapping[str, object], where: str) -> tuple[str, ...]:
    # Every fact must name where it comes from: a missing or unknown key is an error, not a
    # silently uncited entry.
    keys = _texts(entry, "source", where, required=True)
    known = _sources()
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise KnowledgeError(f"{where}: unknown source key(s) {', '.join(unknown)}")
    return keys


def _read_sources(filename: str) -> dict[str, Source]:
    data = _table(_read(filename).get("sources"), f"{filename}: [sources]")
    result: dict[str, Source] = {}
    for key, raw in data.items():
        where = f"{filename}: sources.{key}"
        entry = _table(raw, where)
        note = entry.get("note")
        if note is not None and not isinstance(note, str):
            raise KnowledgeError(f"{where}: `note` must be a string")
        result[key] = Source(
            key=key,
            reference=_text(entry, "reference", where),
            short=_text(entry, "short", where),
            note=note,
        )
    return result


@functools.cache
def _sources() -> dict[str, Source]:
    return _read_sources("sources.toml")


@functools.cache
def _name_sources() -> dict[str, Source]:
    result = _read_sources("drug_names_sources.toml")
    clash = sorted(set(result) & set(_sources()))
    if clash:
        raise KnowledgeError(f"drug_names_sources.toml: {', '.join(clash)} also in sources.toml")
    return result


@functools.cache
def _medications() -> tuple[MedClass, ...]:
    entries = _tables(_read("medications.toml").get("medications"), "medications.toml")
    result: list[MedClass] = []
    for i, entry in enumerate(entries):
        where = f"medications.toml: medications[{i}]"
        unverified = entry.get("unverified", False)
        if not isinstance(unverified, bool):
            raise KnowledgeError(f"{where}: `unverified` must be true or false")
        result.append(
            MedClass(
                id=_text(entry, "id", where),
                name=_text(entry, "class", where),
                generics=tuple(
                    _normal_medicine(g) for g in _texts(entry, "generics", where, required=True)
                ),
                association=_text(entry, "association", where),
                source=_source_keys(entry, where),
                unverified=unverified,
            )
        )
    return tuple(result)


@functools.cache
def _generic_index() -> dict[str, MedClass]:
    index: dict[str, MedClass] = {}
    for med in _medications():
        for generic in med.generics:
            if generic in index:
                raise KnowledgeError(
                    f"medications.toml: {generic!r} is in both {index[generic].id!r} and {med.id!r}"
                )
            index[generic] = med
    return index


@functools.cache
def _drug_names() -> dict[str, DrugName]:
    entries = _tables(_read("medications.toml").get("names", []), "medications.toml: [[names]]")
    generics = _generic_index()
    known = _name_sources()
    result: dict[str, DrugName] = {}
    for i, entry in enumerate(entries):
        where = f"medications.toml: names[{i}]"
        name = _text(entry, "name", where)
        generic = _normal_medicine(_text(entry, "generic", where))
        kind = _text(entry, "kind", where)
        keys = _texts(entry, "source", where, required=True)
        unknown = [k for k in keys if k not in known]
        if unknown:
            raise KnowledgeError(f"{where}: unknown source key(s) {', '.join(unknown)}")
        if kind not in ("brand", "abbreviation", "other name"):
            raise KnowledgeError(f"{where}: kind {kind!r} is not brand/abbreviation/other name")
        if generic not in generics:
            raise KnowledgeError(f"{where}: {generic!r} is not a listed generic")
        key = _normal_medicine(name)
        if key in generics:
            raise KnowledgeError(f"{where}: {name!r} is itself a listed generic")
        if key in result:
            raise KnowledgeError(f"{where}: {name!r} is listed twice")
        result[key] = DrugName(
            name=name,
            generic=generic,
            kind=kind,
            source=keys,
            combined_with=_texts(entry, "with", where, required=False),
        )
    return result


@functools.cache
def _conditions() -> dict[str, Condition]:
    entries = _tables(_read("conditions.toml").get("conditions"), "conditions.toml")
    result: dict[str, Condition] = {}
    for i, entry in enumerate(entries):
        where = f"conditions.toml: conditions[{i}]"
        condition = Condition(
            id=_text(entry, "id", where),
            name=_text(entry, "name", where),
            aliases=_texts(entry, "aliases", where, required=False),
            source=_source_keys(entry, where),
        )
        if condition.id in result:
            raise KnowledgeError(f"{where}: duplicate id {condition.id!r}")
        result[condition.id] = condition
    return result


@functools.cache
def _condition_index() -> dict[str, Condition]:
    index: dict[str, Condition] = {}
    for condition in _conditions().values():
        for word in (condition.id, condition.name, *condition.aliases):
            key = _normal_condition(word)
            other = index.setdefault(key, condition)
            if other is not condition:
                raise KnowledgeError(
                    f"conditions.toml: {word!r} would match both {other.id!r} and {condition.id!r}"
                )
    return index


@functools.cache
def _rules_file() -> dict[str, object]:
    return _read("rules.toml")


@functools.cache
def _level_labels() -> dict[str, str]:
    entries = _tables(_rules_file().get("levels"), "rules.toml: [[levels]]")
    labels = {
        _text(e, "id", f"rules.toml: levels[{i}]"): _text(e, "label", f"rules.toml: levels[{i}]")
        for i, e in enumerate(entries)
    }
    if tuple(labels) != LEVELS:
        raise KnowledgeError(f"rules.toml: levels must be {', '.join(LEVELS)}, in that order")
    return labels


@functools.cache
def _rules() -> dict[str, Rule]:
    _level_labels()  # fail early if the file's levels and LEVELS disagree
    data = _table(_rules_file().get("rules"), "rules.toml: [rules]")
    result: dict[str, Rule] = {}
    owner: dict[str, str] = {}
    for rule_id, raw in data.items():
        where = f"rules.toml: rules.{rule_id}"
        entry = _table(raw, where)
        level = _text(entry, "level", where)
        if level not in LEVELS:
            raise KnowledgeError(f"{where}: level {level!r} is not one of {', '.join(LEVELS)}")
        thresholds: dict[str, int | float] = {}
        for name, value in _table(entry.get("thresholds", {}), f"{where}.thresholds").items():
            # bool is an int subclass; `true` as a threshold is a typo, not a number.
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise KnowledgeError(f"{where}.thresholds: {name} must be a number")
            # Thresholds become settings named after them, so one name means one setting.
            if name in owner:
                raise KnowledgeError(f"{where}.thresholds: {name} is also in {owner[name]}")
            owner[name] = rule_id
            thresholds[name] = value
        result[rule_id] = Rule(
            id=rule_id,
            level=level,
            title=_text(entry, "title", where),
            trigger=_text(entry, "trigger", where),
            advice=_text(entry, "advice", where),
            source=_source_keys(entry, where),
            thresholds=MappingProxyType(thresholds),
            signs=_texts(entry, "signs", where, required=False),
        )
    return result


def _normal_medicine(name: str) -> str:
    return " ".join(name.split()).casefold()


def _normal_condition(text: str) -> str:
    for apostrophe in ("'", "\u2019"):
        text = text.replace(apostrophe, "")
    return " ".join(text.replace("-", " ").replace("_", " ").split()).casefold()


# ---------------------------------------------------------------------------------------------
# Public API


def sources() -> dict[str, Source]:
    """All sources, keyed as in the clinical brief (VW, AK2012, ...), in file order."""
    return dict(_sources())


def cite(keys: Sequence[str]) -> str:
    """The full references for `keys`, in the given order, joined with "; ".

    Keys of drug_names_sources.toml (where a brand name comes from) are cited too. Repeated
    keys are cited once. A bare string is taken as one key rather than as a
    sequence of one-letter keys. Raises KeyError for a key not in sources.toml, because a
    flag citing a source that does not exist must not reach a report.
    """
    if isinstance(keys, str):
        keys = [keys]
    known = _sources()
    if any(key not in known for key in keys):
        known = {**known, **_name_sources()}
    references: list[str] = []
    for key in dict.fromkeys(keys):
        if key not in known:
            raise KeyError(f"unknown source key {key!r}")
        references.append(known[key].reference)
    return "; ".join(references)


def medication_classes() -> list[MedClass]:
    """The medicine classes reported in association with night cramps, in file order."""
    return list(_medications())


def match_medication(name: str, aliases: Mapping[str, str] | None = None) -> MedClass | None:
    """The listed class whose generic name is `name`, or None.

    Matching ignores case and surrounding (and repeated inner) whitespace, and is otherwise
    exact: "atorvastatin 20 mg" or "atorva" do not match, because a guessed match would put a
    medicine in a class it may not belong to. A generic name is matched first, then the
    person's own `aliases` (brand name -> generic name, keys and values in any case), then the
    brand names and abbreviations shipped in medications.toml ("HCTZ", "Lipitor"), so that a
    diary which recorded a medicine by such a name is still read right.
    """
    key = _normal_medicine(name)
    if not key:
        return None
    index = _generic_index()
    if key in index:
        return index[key]
    if aliases:
        for brand, generic in aliases.items():
            if _normal_medicine(brand) == key:
                return index.get(_normal_medicine(generic))
    other = _drug_names().get(key)
    return index[other.generic] if other is not None else None


def medicine_name(name: str) -> DrugName | None:
    """The shipped brand name or abbreviation `name` ("HCTZ", "lipitor"), or None."""
    return _drug_names().get(_normal_medicine(name))


def drug_names() -> list[DrugName]:
    """Every shipped brand name and abbreviation of the listed generics, in file order."""
    return list(_drug_names().values())


def drug_name_sources() -> dict[str, Source]:
    """The references the shipped medicine names cite (DailyMed, emc...), keyed."""
    return dict(_name_sources())


def conditions() -> dict[str, Condition]:
    """The medical conditions a profile can record, keyed by id, in file order."""
    return dict(_conditions())


def find_condition(text: str) -> Condition | None:
    """The condition whose id, name or alias is `text`, or None.

    Case does not matter, hyphens and underscores count as spaces, and apostrophes are
    ignored, so "Parkinson's", "parkinsons" and "PARKINSONS" all find the same entry.
    """
    key = _normal_condition(text)
    return _condition_index().get(key) if key else None


def condition_words() -> list[str]:
    """Every id, name and alias a condition is found by, for "did you mean"."""
    return [w for c in _conditions().values() for w in (c.id, c.name, *c.aliases)]


def condition_label(stored: str) -> str:
    """The display text of a condition stored in a profile.

    A profile stores a known condition by its id ("diabetes") and anything else as the
    person typed it ("high blood pressure"); this gives the known one's name and the other
    unchanged.
    """
    found = _conditions().get(stored)
    return found.name if found is not None else stored


def rules() -> dict[str, Rule]:
    """The provider-visit rules, keyed by id, in the clinical brief's order."""
    return dict(_rules())


def default_thresholds() -> dict[str, int | float]:
    """Every rule threshold by setting name, merged into one new dict the caller may edit."""
    merged: dict[str, int | float] = {}
    for rule in _rules().values():
        merged.update(rule.thresholds)
    return merged


def level_rank(level: str) -> int:
    """Position of `level` in LEVELS: 0 is the most pressing. ValueError if unknown."""
    try:
        return LEVELS.index(level)
    except ValueError:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}") from None


def level_label(level: str) -> str:
    """The words shown for `level`, e.g. "talk to your prescriber". ValueError if unknown."""
    labels = _level_labels()
    if level not in labels:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    return labels[level]
