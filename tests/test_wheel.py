"""The built wheel, installed into a fresh virtualenv, creates and migrates a new diary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_and_logs_into_a_new_database(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = dist.glob("cramplog-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True
    )
    # The dependencies come from the test's own environment (no network needed); cramplog
    # itself must come from the wheel: the .pth path is appended after the venv's site-packages.
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    home = tmp_path / "home"
    env = {**os.environ, "CRAMPLOG_HOME": str(home)}
    env.pop("CRAMPLOG_DB", None)
    # cwd is tmp_path so that `python -c` cannot pick up the source tree instead of the wheel.
    where = subprocess.run(
        [python, "-c", "import cramplog.migrations as m; print(m.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    ).stdout
    assert where.startswith(str(env_dir)), where
    cramplog = env_dir / "bin" / "cramplog"
    out = subprocess.run(
        [cramplog, "log", "6", "--at", "2026-11-20 03:10", "--site", "toes"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    assert "night of Thu 19 Nov 2026" in out
    listed = subprocess.run(
        [cramplog, "list", "--json", "--all"], check=True, capture_output=True, text=True, env=env
    ).stdout
    assert json.loads(listed)["episodes"][0]["night"] == "2026-11-19"
    status = subprocess.run(
        [cramplog, "db", "status"], check=True, capture_output=True, text=True, env=env
    ).stdout
    assert "Up to date." in status
