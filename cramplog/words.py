"""The words people use for the fixed choices, mapped to the one word cramplog stores.

A person types "sneakers", "r", "calves" or "Big toe" at 7 a.m.; the diary stores "trainers",
"right", "calf" and "toes", so that every night is counted under one name. The tables are
plain data, and a word missing from them is refused with the closest known words ("did you
mean ...?") rather than guessed, because a guessed site or side would be a wrong record.

This module is on the logging path (`log`, `day`): it imports only the standard library, and
`difflib` only when a word is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from cramplog.errors import InputError

# Each table maps an everyday word (already normalised: see `normal`) to the stored choice.
# The stored choices themselves are added by `_table`, so they need not be listed here.

SITES = ("toes", "foot", "arch", "calf", "thigh", "other")
SIDES = ("left", "right", "both")
FITS = ("good", "tight", "loose")
SHOE_KINDS = ("everyday", "trainers", "boots", "heels", "flats", "sandals", "slippers", "other")
SIGNS = ("swelling", "redness", "skin-change", "numbness", "weakness")

_SITE_WORDS: dict[str, str] = {
    "toe": "toes",
    "big toe": "toes",
    "big toes": "toes",
    "little toe": "toes",
    "little toes": "toes",
    "small toe": "toes",
    "pinky toe": "toes",
    "feet": "foot",
    "sole": "foot",
    "soles": "foot",
    "sole of foot": "foot",
    "sole of the foot": "foot",
    "top of foot": "foot",
    "top of the foot": "foot",
    "heel": "foot",
    "heels": "foot",
    "arches": "arch",
    "instep": "arch",
    "foot arch": "arch",
    "arch of foot": "arch",
    "arch of the foot": "arch",
    "calves": "calf",
    "calf muscle": "calf",
    "calf muscles": "calf",
    "back of leg": "calf",
    "back of the leg": "calf",
    "lower leg": "calf",
    "thighs": "thigh",
    "hamstring": "thigh",
    "hamstrings": "thigh",
    "quad": "thigh",
    "quads": "thigh",
    "quadriceps": "thigh",
    "upper leg": "thigh",
    "elsewhere": "other",
}

_SIDE_WORDS: dict[str, str] = {
    "l": "left",
    "lt": "left",
    "left leg": "left",
    "left foot": "left",
    "left side": "left",
    "r": "right",
    "rt": "right",
    "right leg": "right",
    "right foot": "right",
    "right side": "right",
    "b": "both",
    "both legs": "both",
    "both feet": "both",
    "both sides": "both",
    "left and right": "both",
    "right and left": "both",
    "l and r": "both",
    "l+r": "both",
}

_FIT_WORDS: dict[str, str] = {
    "fine": "good",
    "ok": "good",
    "okay": "good",
    "comfortable": "good",
    "comfy": "good",
    "fits": "good",
    "too tight": "tight",
    "too small": "tight",
    "narrow": "tight",
    "too loose": "loose",
    "too big": "loose",
    "too large": "loose",
    "roomy": "loose",
}

_SHOE_KIND_WORDS: dict[str, str] = {
    "everyday shoes": "everyday",
    "casual": "everyday",
    "casual shoes": "everyday",
    "normal": "everyday",
    "regular": "everyday",
    "trainer": "trainers",
    "sneaker": "trainers",
    "sneakers": "trainers",
    "running shoes": "trainers",
    "running shoe": "trainers",
    "runners": "trainers",
    "tennis shoes": "trainers",
    "tennis shoe": "trainers",
    "gym shoes": "trainers",
    "athletic shoes": "trainers",
    "walking shoes": "trainers",
    "plimsolls": "trainers",
    "kicks": "trainers",
    "boot": "boots",
    "work boots": "boots",
    "work boot": "boots",
    "wellies": "boots",
    "wellingtons": "boots",
    "wellington boots": "boots",
    "rain boots": "boots",
    "rubber boots": "boots",
    "hiking boots": "boots",
    "walking boots": "boots",
    "ankle boots": "boots",
    "cowboy boots": "boots",
    "safety boots": "boots",
    "steel toe boots": "boots",
    "steel toes": "boots",
    "heel": "heels",
    "high heels": "heels",
    "high heel": "heels",
    "pumps": "heels",
    "stilettos": "heels",
    "stiletto": "heels",
    "court shoes": "heels",
    "wedges": "heels",
    "kitten heels": "heels",
    "flat": "flats",
    "ballet flats": "flats",
    "flat shoes": "flats",
    "sandal": "sandals",
    "flip flops": "sandals",
    "flip flop": "sandals",
    "flipflops": "sandals",
    "thongs": "sandals",
    "slides": "sandals",
    "slipper": "slippers",
    "house shoes": "slippers",
    "barefoot": "other",
}

# Kinds of exercise are free text (a person may name any), so an unknown word is kept as
# typed; these only fold the common forms of one activity into one name.
ACTIVITIES = (
    "walking",
    "running",
    "cycling",
    "swimming",
    "cardio",
    "strength",
    "balance",
    "flexibility",
    "yoga",
    "dancing",
    "gardening",
)

_ACTIVITY_WORDS: dict[str, str] = {
    "walk": "walking",
    "walks": "walking",
    "walked": "walking",
    "a walk": "walking",
    "hiking": "walking",
    "hike": "walking",
    "run": "running",
    "runs": "running",
    "ran": "running",
    "jog": "running",
    "jogging": "running",
    "jogged": "running",
    "bike": "cycling",
    "biking": "cycling",
    "cycle": "cycling",
    "bicycle": "cycling",
    "swim": "swimming",
    "swam": "swimming",
    "aerobics": "cardio",
    "aerobic": "cardio",
    "weights": "strength",
    "weight training": "strength",
    "weightlifting": "strength",
    "resistance": "strength",
    "resistance training": "strength",
    "strength training": "strength",
    "gym": "strength",
    "tai chi": "balance",
    "balance exercises": "balance",
    "stretching": "flexibility",
    "stretches": "flexibility",
    "stretch": "flexibility",
    "pilates": "flexibility",
    "dance": "dancing",
    "garden": "gardening",
}


def normal(text: str) -> str:
    """Lower case, hyphens and underscores as spaces, apostrophes and full stops dropped."""
    for mark in ("'", "\u2019", "."):
        text = text.replace(mark, "")
    return " ".join(text.replace("-", " ").replace("_", " ").split()).casefold()


def _table(choices: Iterable[str], words: Mapping[str, str]) -> dict[str, str]:
    table = {normal(c): c for c in choices}
    table.update(words)
    return table


_TABLES: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "site": (SITES, _table(SITES, _SITE_WORDS)),
    "side": (SIDES, _table(SIDES, _SIDE_WORDS)),
    "fit": (FITS, _table(FITS, _FIT_WORDS)),
    "kind": (SHOE_KINDS, _table(SHOE_KINDS, _SHOE_KIND_WORDS)),
    "sign": (SIGNS, _table(SIGNS, {"swollen": "swelling", "red": "redness", "numb": "numbness"})),
}


def close_to(text: str, candidates: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The candidates nearest to `text` (case-insensitive), best first, for "did you mean"."""
    import difflib

    by_key: dict[str, str] = {}
    for candidate in candidates:
        by_key.setdefault(normal(candidate), candidate)
    keys = difflib.get_close_matches(normal(text), list(by_key), n=n, cutoff=cutoff)
    return list(dict.fromkeys(by_key[k] for k in keys))


def as_typed(name: str) -> str:
    """A person's name as it is typed after --person: in double quotes when it has a space."""
    return f'"{name}"' if " " in name else name


def names_meant(names: Sequence[str], typed: str) -> list[int]:
    """Which of `names` a person means by `typed` (a person's name for --person): the one
    whose whole name it is, in any case and spacing, else every name it begins."""
    wanted = " ".join(typed.split()).casefold()
    exact = [i for i, name in enumerate(names) if name.casefold() == wanted]
    if len(exact) == 1 or not wanted:
        return exact
    return [i for i, name in enumerate(names) if name.casefold().startswith(wanted)]


def did_you_mean(text: str, candidates: Iterable[str], n: int = 3) -> str | None:
    """'did you mean calf?' (or None when nothing is close), to put in an error's hint."""
    found = close_to(text, candidates, n=n)
    if not found:
        return None
    return "did you mean " + " or ".join(found) + "?"


def choice(what: str, text: str | None, field: str) -> str | None:
    """The stored choice for `text` in table `what` (site, side, fit, kind, sign), or None.

    None stays None (not given); a word not in the table is refused, naming the choices and
    the nearest words.
    """
    if text is None:
        return None
    choices, table = _TABLES[what]
    found = table.get(normal(text))
    if found is not None:
        return found
    near = close_to(text, table, n=6)
    # Say the stored names the near words stand for, not the words themselves.
    suggestions = list(dict.fromkeys(table[normal(w)] for w in near))[:3]
    raise InputError(
        field,
        f"{text!r} is not known" if text.strip() else "it cannot be empty",
        "/".join(choices),
        hint=("did you mean " + " or ".join(suggestions) + "?") if suggestions else None,
    )


def activity(text: str) -> str:
    """One kind of exercise: a known form folded to its name, anything else kept as typed."""
    key = normal(text)
    if key in _ACTIVITY_WORDS:
        return _ACTIVITY_WORDS[key]
    # "walking" and "Walking" are one kind; a word of one's own keeps its spelling otherwise.
    return key


# --- yes and no, and small numbers, as people answer ----------------------------------------

YES_WORDS = frozenset({"yes", "y", "yep", "yeah", "yes please", "true", "1", "on"})
NO_WORDS = frozenset({"no", "n", "nope", "nah", "not", "false", "0", "off"})
NUMBER_WORDS = dict(
    zero=0, one=1, two=2, three=3, four=4, five=5, six=6, seven=7, eight=8, nine=9, ten=10
)


def yes_or_no(text: str) -> bool | None:
    """True for a yes word, False for a no word, None for anything else."""
    low = " ".join(text.casefold().split())
    if low in YES_WORDS:
        return True
    if low in NO_WORDS:
        return False
    return None
