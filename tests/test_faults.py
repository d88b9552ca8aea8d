"""Faults of the machine are one line naming the cause, never a traceback, never "not a diary".

These use real file systems: a small tmpfs that fills up, the same remounted read-only, and a
diary file that another user may not write. They need root (to mount, and to run cramplog as
`nobody`), which CI has; without it they are skipped, saying why.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

ENV_KEYS = ("PATH", "LANG", "LC_ALL")


# Root ignores file modes; without these two capabilities it is held to them like anyone.
NO_OVERRIDE = "-dac_override,-dac_read_search"


def run(args: list[str], home: Path, *, as_plain_user: bool = False) -> subprocess.CompletedProcess:
    env = {k: os.environ[k] for k in ENV_KEYS if k in os.environ}
    env.update(
        CRAMPLOG_HOME=str(home), CRAMPLOG_NOW="2026-11-23T08:00:00", TZ="Europe/London", HOME="/"
    )
    prefix: list[str] = []
    if as_plain_user:
        setpriv = shutil.which("setpriv")
        if os.geteuid() != 0 or setpriv is None:
            pytest.skip("needs root and util-linux's setpriv to drop the file-mode override")
        prefix = [setpriv, f"--bounding-set={NO_OVERRIDE}", f"--inh-caps={NO_OVERRIDE}"]
    return subprocess.run(
        [*prefix, sys.executable, "-m", "cramplog", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        # Not the repository root: `-m` would import its source tree, not the installed package.
        cwd="/",
    )


def one_line(result: subprocess.CompletedProcess) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(f"{path.as_uri()}?immutable=1", uri=True)) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=640k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> None:
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


def test_a_full_disk_under_the_diary_is_one_line_and_loses_nothing(small_disk: Path) -> None:
    home = small_disk / "home"
    assert run(["log", "5", "--at", "03:00"], home).returncode == 0
    diary = home / "cramplog.db"
    before = counts(diary)
    fill(small_disk)
    r = run(["log", "6", "--at", "04:00", "--note", "x" * 1500], home)
    assert r.returncode == 1
    assert "the disk is full" in one_line(r)
    assert "not a" not in r.stderr
    (small_disk / "filler").unlink()
    assert counts(diary) == before
    assert run(["list"], home).returncode == 0


def test_a_full_disk_under_an_export_leaves_nothing_partial(
    small_disk: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    assert run(["log", "5", "--at", "03:00", "--note", "n" * 1900], home).returncode == 0
    fill(small_disk)
    (small_disk / "filler").write_bytes(b"\0" * ((small_disk / "filler").stat().st_size - 2048))
    target = small_disk / "out" / "diary.json"
    r = run(["export", "-o", str(target)], home)
    for _ in range(3):  # push it over: the JSON export is larger than what is left
        if r.returncode != 0:
            break
        target.unlink()
        r = run(["export", "-o", str(target)], home)
    assert r.returncode == 1, r.stdout
    assert "the disk is full" in one_line(r)
    assert not target.exists()
    assert [p.name for p in (small_disk / "out").iterdir()] == []  # no temporary left behind


def test_a_read_only_file_system_is_named(small_disk: Path) -> None:
    home = small_disk / "home"
    assert run(["log", "5", "--at", "03:00"], home).returncode == 0
    diary = home / "cramplog.db"
    before = diary.read_bytes()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    r = run(["log", "6", "--at", "04:00"], home)
    assert r.returncode == 1
    line = one_line(r)
    assert "read-only" in line and "not a" not in line
    r = run(["backup"], home)
    assert r.returncode == 1 and "read-only" in one_line(r)
    assert diary.read_bytes() == before


def test_a_read_only_diary_file_is_named_not_called_foreign(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run(["log", "5", "--at", "03:00"], home).returncode == 0
    diary = home / "cramplog.db"
    diary.chmod(0o400)
    before = diary.read_bytes()
    r = run(["log", "6", "--at", "04:00"], home, as_plain_user=True)
    assert r.returncode == 1
    line = one_line(r)
    assert "not a cramplog diary" not in line and "not a SQLite" not in line
    assert "read-only" in line or "permission" in line or "cannot be opened" in line, line
    assert diary.read_bytes() == before


def test_a_diary_file_we_may_not_read_is_permission_denied(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run(["log", "5", "--at", "03:00"], home).returncode == 0
    (home / "cramplog.db").chmod(0o000)
    r = run(["list"], home, as_plain_user=True)
    assert r.returncode == 1 and "permission denied" in one_line(r)
