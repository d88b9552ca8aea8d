"""Two messy diaries kept as two people of one diary read exactly as they did apart.

Each messy diary (tests/messy.py) is exported and imported into one shared diary, the second
into a person of its own whose time zone and units are that person's own settings. Every
reading command then gives, for each person, what it gave in that person's diary alone: the
scope (cramplog.people) leaves nothing of one person in another's numbers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from messy import make_messy_diary

READINGS = (
    ("stats", "--json"),
    ("stats", "--json", "--since", "2023-01-01"),
    ("insights", "--json"),
    ("check", "--json"),
    ("list", "--all", "--json", "--deleted"),
    ("factor", "list", "--removed", "--json"),
    ("trial", "show", "--json"),
)


def _without_ids(value: Any) -> Any:
    """A reading with the diary's row ids left out: an import gives rows new ids."""
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k not in ("id", "ids")}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


def _read(cli, db: Path, *args: str, person: str | None = None) -> Any:
    prefix = ["--db", str(db)] + (["--person", person] if person else [])
    r = cli(*prefix, *args)
    if r.exit_code != 0:
        return ("exit", r.exit_code, r.stderr.strip().split(": ", 1)[-1])
    return _without_ids(json.loads(r.stdout))


@pytest.mark.parametrize(("first", "second"), [(3, 8), (11, 20), (5, 14)])
def test_two_messy_diaries_as_two_people_read_as_they_did_apart(
    cli, tmp_path: Path, first: int, second: int
) -> None:
    alone: dict[str, Path] = {}
    for key, seed in (("a", first), ("b", second)):
        alone[key] = tmp_path / f"{key}.db"
        make_messy_diary(alone[key], seed, direct=True, max_nights=120)
        r = cli("--db", str(alone[key]), "export", "-o", str(tmp_path / f"{key}.json"))
        assert r.exit_code == 0, r.output
    shared = tmp_path / "shared.db"
    assert cli("--db", str(shared), "import", str(tmp_path / "a.json")).exit_code == 0
    r = cli("--db", str(shared), "person", "add", "Second person 👥")
    assert r.exit_code == 0, r.output
    b = "Second person 👥"
    r = cli("--db", str(shared), "--person", b, "import", str(tmp_path / "b.json"))
    assert r.exit_code == 0, r.output
    settings = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))["settings"]
    for key in ("timezone", "units"):
        if key in settings:
            r = cli(
                "--db",
                str(shared),
                "--person",
                b,
                "config",
                "set",
                key,
                settings[key],
                "--personal",
            )
            assert r.exit_code == 0, r.output
    names = [
        p["name"] for p in json.loads(cli("--db", str(shared), "person", "list", "--json").stdout)
    ]
    assert len(names) == 2 and names[1] == b
    for args in READINGS:
        assert _read(cli, shared, *args, person=names[0]) == _read(cli, alone["a"], *args), args
        assert _read(cli, shared, *args, person=b) == _read(cli, alone["b"], *args), args
