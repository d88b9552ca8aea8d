"""Reminders: `remind check` over real diary files, and the scheduler files as text.

The unit files, the plist and the crontab line are checked as the text systemd, launchd and
cron read (no systemd needed). Install and uninstall run for real into a temporary config
folder; where they would ask systemctl, a small `systemctl` program on PATH records what it was
asked (conftest points XDG_RUNTIME_DIR at a temporary folder, so no real session is touched).

conftest pins now to Mon 23 Nov 2026 08:00 in Europe/London: last night is Sun 22 Nov.
"""

from __future__ import annotations

import os
import plistlib
import shlex
import stat
import subprocess
import sys
from collections.abc import Callable
from datetime import time
from pathlib import Path

import pytest
from click.testing import Result
from conftest import row_counts

from cramplog import remind
from cramplog.errors import InputError

Cli = Callable[..., Result]
MISSING = "Last night (Sun 22 Nov) is not logged yet: cramplog log, or cramplog none\n"


def units_dir() -> Path:
    return Path(os.environ["XDG_CONFIG_HOME"]) / "systemd" / "user"


def tree(folder: Path) -> list[str]:
    """Every file and folder under `folder` (empty when it does not exist)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


# --- --at ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("07:30", time(7, 30)),
        ("7:30", time(7, 30)),
        ("7.30", time(7, 30)),
        (" 21:05 ", time(21, 5)),
        ("7am", time(7, 0)),
        ("7:30 pm", time(19, 30)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
    ],
)
def test_at_reads_the_times_people_type(typed: str, expected: time) -> None:
    assert remind.parse_at(typed) == expected


@pytest.mark.parametrize("typed", ["25:00", "07:60", "7", "13pm", "0am", "seven", "07:30:00", ""])
def test_at_refuses_what_is_not_a_time_of_day(typed: str) -> None:
    with pytest.raises(InputError) as caught:
        remind.parse_at(typed)
    assert caught.value.field == "--at"
    assert "HH:MM" in str(caught.value)


def test_a_bad_at_is_one_line_exit_2_and_writes_nothing(cli: Cli) -> None:
    result = cli("remind", "install", "--at", "25:00")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "cramplog: --at: cannot read '25:00' as a time of day "
        "(accepted: HH:MM in 24-hour time, e.g. 07:30; 7am and 7:30 pm are read too)\n"
    )
    assert tree(Path(os.environ["XDG_CONFIG_HOME"])) == []


# --- systemd -------------------------------------------------------------------------------


def unit_lines(text: str) -> dict[str, list[str]]:
    """A unit file's settings by section, as systemd reads them (comments skipped)."""
    sections: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = line.strip("[]")
            sections[current] = []
        else:
            assert "=" in line, line
            sections[current].append(line)
    return sections


def test_the_timer_runs_daily_at_the_time_and_catches_up_after_being_off() -> None:
    sections = unit_lines(remind.systemd_timer(time(7, 30)))
    assert sections["Timer"] == [
        "OnCalendar=*-*-* 07:30:00",
        "Persistent=true",
        "Unit=cramplog-remind.service",
    ]
    assert sections["Install"] == ["WantedBy=timers.target"]
    assert unit_lines(remind.systemd_timer(time(21, 5)))["Timer"][0] == "OnCalendar=*-*-* 21:05:00"


def test_the_service_runs_check_once_and_a_reminder_is_not_a_failure() -> None:
    command = ["/home/ann/.local/bin/cramplog", "--db", "/home/ann/d.db", "remind", "check"]
    sections = unit_lines(remind.systemd_service(command))
    assert sections["Service"] == [
        "Type=oneshot",
        "ExecStart=/home/ann/.local/bin/cramplog --db /home/ann/d.db remind check",
        "SuccessExitStatus=1",
    ]


@pytest.mark.parametrize(
    ("arg", "word"),
    [
        ("/usr/bin/cramplog", "/usr/bin/cramplog"),
        ("--db", "--db"),
        ("/home/ann/My Documents/cramps.db", '"/home/ann/My Documents/cramps.db"'),
        ("/data/100%.db", '"/data/100%%.db"'),  # %: a systemd specifier unless doubled
        ("/data/$HOME.db", '"/data/$$HOME.db"'),  # $: an environment variable unless doubled
        ('/data/say "hi".db', '"/data/say \\"hi\\".db"'),
        ("/data/back\\slash.db", '"/data/back\\\\slash.db"'),
        ("/data/it's.db", '"/data/it\'s.db"'),
        ("/data/Kaffee ☕ café.db", '"/data/Kaffee ☕ café.db"'),
        ("", '""'),
    ],
)
def test_systemd_words_read_back_as_the_argument(arg: str, word: str) -> None:
    assert remind.systemd_word(arg) == word


def test_a_path_with_a_line_break_is_refused_for_every_scheduler() -> None:
    for make in (
        lambda c: remind.systemd_service(c),
        lambda c: remind.launchd_plist(c, time(7, 30)),
        lambda c: remind.crontab_line(c, time(7, 30)),
        lambda c: remind.job_command(c[:1], c[1]),
    ):
        with pytest.raises(InputError) as caught:
            make(["/usr/bin/cramplog", "/tmp/a\nExecStartPre=/bin/rm"])
        assert caught.value.field == "--db"


def test_the_units_go_under_xdg_config_home() -> None:
    files = remind.systemd_files(["/c"], time(6, 45), Path("/cfg"))
    assert [f.path for f in files] == [
        Path("/cfg/systemd/user/cramplog-remind.service"),
        Path("/cfg/systemd/user/cramplog-remind.timer"),
    ]
    assert all(remind.MARKER in f.text for f in files)


# --- launchd and cron ----------------------------------------------------------------------


def test_the_plist_is_valid_xml_that_reads_back_as_the_agent() -> None:
    command = ["/Users/Ann Lee/bin/cramplog", "--db", "/Users/Ann Lee/a&b <c>.db", "remind"]
    text = remind.launchd_plist(command, time(7, 5))
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "a&amp;b &lt;c&gt;.db" in text
    assert plistlib.loads(text.encode()) == {
        "Label": "org.cramplog.remind",
        "ProgramArguments": command,
        "StartCalendarInterval": {"Hour": 7, "Minute": 5},
    }
    assert remind.is_our_plist(text)
    assert not remind.is_our_plist(text.replace("org.cramplog.remind", "com.example.other"))
    assert not remind.is_our_plist("not xml at all")
    assert remind.launchd_plist_path(Path("/Users/ann")) == Path(
        "/Users/ann/Library/LaunchAgents/org.cramplog.remind.plist"
    )


def test_the_crontab_line_runs_daily_and_quotes_for_the_shell() -> None:
    command = ["/home/ann/my bin/cramplog", "--db", "/d/100%'s.db", "remind", "check"]
    line = remind.crontab_line(command, time(7, 30))
    fields = line.split(" ", 5)
    assert fields[:5] == ["30", "7", "*", "*", "*"]
    assert line.endswith(" # cramplog remind")
    assert "\\%" in line and "%'" not in line.replace("\\%", "")  # cron's % escaped
    # What /bin/sh sees once cron has unescaped \% is exactly the argument list.
    shell = fields[5].removesuffix(" # cramplog remind").replace("\\%", "%")
    assert shlex.split(shell) == command


# --- which cramplog, and the notification --------------------------------------------------


def test_the_job_runs_this_cramplog_by_its_absolute_path(tmp_path: Path) -> None:
    script = tmp_path / "venv" / "bin" / "cramplog"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    python = "/usr/bin/python3"

    def which(name: str) -> str | None:
        return str(script) if name == "cramplog" else None

    assert remind.cramplog_command(str(script), python, which) == [str(script)]
    assert remind.cramplog_command("cramplog", python, which) == [str(script)]  # found on PATH
    # python -m cramplog, or a test runner: this interpreter runs the package
    main_py = str(tmp_path / "cramplog" / "__main__.py")
    assert remind.cramplog_command(main_py, python, which) == [python, "-m", "cramplog"]
    assert remind.cramplog_command("/venv/bin/pytest", python, which) == [
        python,
        "-m",
        "cramplog",
    ]
    assert remind.job_command([str(script)], "/d.db") == [
        str(script),
        "--db",
        "/d.db",
        "remind",
        "check",
        "--notify",
    ]


def test_the_notification_commands_carry_the_line_as_an_argument() -> None:
    line = 'Last night (Sun 22 Nov) is not logged yet: "quotes" & $HOME'

    def found(name: str) -> str:
        return f"/usr/bin/{name}"

    assert remind.notify_command(line, "linux", found) == [
        "/usr/bin/notify-send",
        "--app-name=cramplog",
        "cramplog",
        line,
    ]
    mac = remind.notify_command(line, "darwin", found)
    assert mac is not None and mac[0] == "/usr/bin/osascript" and mac[-1] == line
    assert all(line not in part for part in mac[:-1])  # never inside the script's text
    assert remind.notify_command(line, "linux", lambda name: None) is None
    assert remind.notify_command(line, "darwin", lambda name: None) is None


# --- remind check over real diary files ----------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in the diary's folder, byte for byte (a -wal or -shm appearing counts)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def test_check_without_a_diary_says_so_and_creates_nothing(
    cli: Cli, home: Path, tmp_path: Path
) -> None:
    result = cli("remind", "check")
    assert result.exit_code == 1
    assert result.stdout == (
        "Last night (Sun 22 Nov) is not logged, and there is no diary yet. To start it: "
        "cramplog log, or cramplog none\n"
    )
    assert not home.exists()
    named = tmp_path / "my diary.db"
    result = cli("--db", str(named), "remind", "check")
    assert result.exit_code == 1
    assert result.stdout == (
        f"Last night (Sun 22 Nov) is not logged: there is no diary at {named} yet (check --db "
        f"or CRAMPLOG_DB). To start it there: cramplog --db '{named}' log, or "
        f"cramplog --db '{named}' none\n"
    )
    assert not named.exists()


def test_check_is_quiet_once_last_night_is_logged(cli: Cli, db_path: Path) -> None:
    assert cli("log", "4", "--at", "2026-11-21 03:00").exit_code == 0  # the night before
    before = snapshot(db_path.parent)
    result = cli("remind", "check")
    assert (result.exit_code, result.stdout, result.stderr) == (1, MISSING, "")
    assert snapshot(db_path.parent) == before  # read, never written

    assert cli("none").exit_code == 0  # last night, cramp-free
    result = cli("remind", "check")
    assert (result.exit_code, result.output) == (0, "")
    assert cli("undo").exit_code == 0
    assert cli("remind", "check").exit_code == 1

    assert cli("log", "6", "--at", "03:10").exit_code == 0  # 03:10 this morning: last night
    counts = row_counts(db_path)
    before = snapshot(db_path.parent)
    result = cli("remind", "check")
    assert (result.exit_code, result.output) == (0, "")
    assert row_counts(db_path) == counts
    assert snapshot(db_path.parent) == before


def test_a_deleted_cramp_does_not_count_as_logged(cli: Cli) -> None:
    assert cli("log", "6", "--at", "03:10").exit_code == 0
    assert cli("delete", "1").exit_code == 0
    assert cli("remind", "check").stdout == MISSING


def test_check_follows_the_day_boundary_setting(cli: Cli) -> None:
    # 07:00 this morning belongs to last night with the noon boundary, to tonight with 06:00.
    assert cli("log", "3", "--at", "07:00").exit_code == 0
    assert cli("remind", "check").exit_code == 0
    assert cli("config", "set", "day_boundary", "06:00").exit_code == 0
    assert cli("edit", "1", "--at", "07:00").exit_code == 0  # moved to night 23 Nov
    result = cli("remind", "check")
    assert (result.exit_code, result.stdout) == (1, MISSING)


def test_check_follows_the_timezone_setting(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRAMPLOG_NOW", "2026-11-23T13:00:00+00:00")  # 13:00 in London
    assert cli("none", "--night", "2026-11-22").exit_code == 0
    assert cli("remind", "check").exit_code == 0
    # In Kiritimati (UTC+14) it is 03:00 on Tue 24 Nov: last night is the night of 23 Nov.
    assert cli("config", "set", "timezone", "Pacific/Kiritimati").exit_code == 0
    result = cli("remind", "check")
    assert result.exit_code == 1
    assert result.stdout.startswith("Last night (Mon 23 Nov) is not logged yet")


def test_check_names_the_diary_in_the_commands_it_suggests(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "Ann Lee diary.db"
    assert cli("--db", str(other), "none", "--night", "2026-11-20").exit_code == 0
    result = cli("--db", str(other), "remind", "check")
    quoted = shlex.quote(str(other))
    assert result.stdout == (
        f"Last night (Sun 22 Nov) is not logged yet: cramplog --db {quoted} log, or "
        f"cramplog --db {quoted} none\n"
    )


def test_check_refuses_a_file_that_is_not_a_diary_in_one_line(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "notes.db"
    other.write_text("shopping list\n")
    result = cli("--db", str(other), "remind", "check")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"cramplog: {other} is not a cramplog diary")
    assert len(result.stderr.splitlines()) == 1
    assert other.read_text() == "shopping list\n"


def fake_program(folder: Path, name: str, *, fail: str | None = None) -> Path:
    """A program called `name` on PATH that appends its arguments to folder/calls.txt."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    body = f'printf "%s\\n" "{name} $*" >> "{folder}/calls.txt"\n'
    if fail:
        body += f'echo "{fail}" >&2\nexit 1\n'
    script.write_text(f"#!/bin/sh\n{body}")
    script.chmod(0o755)
    return folder / "calls.txt"


def only_on_path(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """PATH is `folder` alone: the real systemctl, notify-send and launchctl are not found."""
    folder.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("PATH", str(folder))


def test_check_notify_shows_the_line_on_the_desktop(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    only_on_path(monkeypatch, bin_dir)
    result = cli("remind", "check", "--notify")
    assert result.exit_code == 1
    assert result.stderr == "cramplog: no desktop notification: notify-send was not found\n"
    calls = fake_program(bin_dir, "notify-send")
    result = cli("log", "2", "--at", "2026-11-21 03:00")
    result = cli("remind", "check", "--notify")
    assert (result.exit_code, result.stdout, result.stderr) == (1, MISSING, "")
    assert calls.read_text() == f"notify-send --app-name=cramplog cramplog {MISSING}"
    assert cli("none").exit_code == 0
    assert cli("remind", "check", "--notify").exit_code == 0
    assert calls.read_text().count("\n") == 1  # no notification once logged


# --- install and uninstall -----------------------------------------------------------------


def test_dry_run_prints_the_files_and_writes_nothing(cli: Cli, db_path: Path) -> None:
    result = cli("remind", "install", "--at", "07:30", "--dry-run")
    assert result.exit_code == 0, result.output
    job = [sys.executable, "-m", "cramplog", "--db", str(db_path), "remind", "check", "--notify"]
    for file in remind.systemd_files(job, time(7, 30), Path(os.environ["XDG_CONFIG_HOME"])):
        assert f"Would write {file.path} (owner-only):\n{file.text}\n" in result.stdout
    assert result.stdout.endswith(
        "Would then run: systemctl --user daemon-reload && systemctl --user enable --now "
        "cramplog-remind.timer\nNothing was written (--dry-run).\n"
    )
    assert tree(Path(os.environ["XDG_CONFIG_HOME"])) == []
    assert not db_path.exists()


def test_install_then_uninstall_leaves_nothing(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    only_on_path(monkeypatch, tmp_path / "bin")  # no systemctl here
    config = Path(os.environ["XDG_CONFIG_HOME"])
    result = cli("remind", "install", "--at", "06:45")
    assert result.exit_code == 0, result.output
    service, timer = units_dir() / "cramplog-remind.service", units_dir() / "cramplog-remind.timer"
    assert result.stdout.startswith(
        f"Wrote {service}\nWrote {timer}\nTo turn it on, run: systemctl --user daemon-reload "
        "&& systemctl --user enable --now cramplog-remind.timer\n"
        "(Not run here: systemctl was not found.)\n"
    )
    assert "notify-send was not found" in result.stdout
    assert result.stdout.endswith(
        f"Note: there is no diary at {db_path} yet; the reminder says so until one is.\n"
    )
    assert "OnCalendar=*-*-* 06:45:00" in timer.read_text()
    for path in (service, timer):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(units_dir().stat().st_mode) == 0o700

    again = cli("remind", "install", "--at", "08:15")  # installing again changes the time
    assert again.exit_code == 0
    assert "OnCalendar=*-*-* 08:15:00" in timer.read_text()

    result = cli("remind", "uninstall")
    assert result.exit_code == 0, result.output
    assert f"Removed {timer}\nRemoved {service}\n" in result.stdout
    assert tree(config) == []
    result = cli("remind", "uninstall")
    assert result.stdout == f"No cramplog reminder is installed here (looked in {units_dir()}).\n"


def test_install_turns_it_on_when_a_systemd_session_runs(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    only_on_path(monkeypatch, bin_dir)
    calls = fake_program(bin_dir, "systemctl")
    fake_program(bin_dir, "notify-send")
    socket = Path(os.environ["XDG_RUNTIME_DIR"]) / "systemd" / "private"
    socket.parent.mkdir(parents=True)
    socket.touch()
    result = cli("remind", "install", "--at", "07:30")
    assert result.exit_code == 0, result.output
    assert calls.read_text() == (
        "systemctl --user daemon-reload\nsystemctl --user enable --now cramplog-remind.timer\n"
    )
    assert "The reminder is on: every day at 07:30, unless last night is logged by then." in (
        result.stdout
    )
    assert "notify-send" not in result.stdout  # found: nothing to warn about
    # what `systemctl enable` leaves: a link in timers.target.wants
    wants = units_dir() / "timers.target.wants"
    wants.mkdir()
    (wants / "cramplog-remind.timer").symlink_to(units_dir() / "cramplog-remind.timer")
    calls.unlink()
    result = cli("remind", "uninstall")
    assert result.exit_code == 0, result.output
    assert calls.read_text() == (
        "systemctl --user disable --now cramplog-remind.timer\nsystemctl --user daemon-reload\n"
    )
    assert result.stdout.endswith("The reminder is off.\n")
    assert tree(Path(os.environ["XDG_CONFIG_HOME"])) == []


def test_install_says_so_when_systemctl_fails(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    only_on_path(monkeypatch, bin_dir)
    fake_program(bin_dir, "systemctl", fail="Failed to connect to bus: No medium found")
    socket = Path(os.environ["XDG_RUNTIME_DIR"]) / "systemd" / "private"
    socket.parent.mkdir(parents=True)
    socket.touch()
    result = cli("remind", "install", "--at", "07:30")
    assert result.exit_code == 1
    assert result.stderr == (
        "cramplog: the files are written, but systemctl --user daemon-reload failed "
        "(systemctl said: Failed to connect to bus: No medium found); turn it on with: "
        "systemctl --user daemon-reload && systemctl --user enable --now cramplog-remind.timer\n"
    )


def test_install_never_replaces_a_file_cramplog_did_not_write(cli: Cli) -> None:
    units_dir().mkdir(parents=True)
    theirs = units_dir() / "cramplog-remind.timer"
    theirs.write_text("[Timer]\nOnCalendar=hourly\n")
    result = cli("remind", "install", "--at", "07:30")
    assert result.exit_code == 1
    assert result.stderr == (
        f"cramplog: {theirs} exists and was not written by cramplog; nothing was written "
        "(rename or remove it, then install again)\n"
    )
    assert tree(units_dir()) == ["cramplog-remind.timer"]
    assert theirs.read_text() == "[Timer]\nOnCalendar=hourly\n"
    result = cli("remind", "uninstall")
    assert result.stdout == (
        f"Left {theirs}: it was not written by cramplog.\n"
        f"No cramplog reminder is installed here (looked in {units_dir()}).\n"
    )
    assert theirs.exists()


def test_on_macos_a_launch_agent(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setenv("HOME", str(tmp_path / "mac"))
    only_on_path(monkeypatch, tmp_path / "bin")
    plist = tmp_path / "mac" / "Library" / "LaunchAgents" / "org.cramplog.remind.plist"
    dry = cli("--db", str(db_path), "remind", "install", "--at", "07:30", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"Would write {plist} (owner-only):\n<?xml" in dry.stdout
    assert not plist.exists()
    result = cli("--db", str(db_path), "remind", "install", "--at", "07:30")
    assert result.exit_code == 0, result.output
    agent = plistlib.loads(plist.read_bytes())
    assert agent["ProgramArguments"][-5:] == ["--db", str(db_path), "remind", "check", "--notify"]
    assert agent["StartCalendarInterval"] == {"Hour": 7, "Minute": 30}
    assert f"To turn it on, run: launchctl bootstrap gui/{os.getuid()} {plist}\n" in result.stdout
    result = cli("remind", "uninstall")
    assert result.exit_code == 0, result.output
    assert not plist.exists()


def test_elsewhere_a_crontab_line_to_add_by_hand(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    monkeypatch.setattr(sys, "platform", "freebsd14")
    result = cli("remind", "install", "--at", "7:05")
    assert result.exit_code == 0, result.output
    line = result.stdout.splitlines()[1]
    assert line.startswith("5 7 * * * ")
    assert line.endswith(f"--db {db_path} remind check # cramplog remind")
    assert tree(Path(os.environ["XDG_CONFIG_HOME"])) == []


# --- the installed console script ----------------------------------------------------------


def test_the_installed_console_script_checks_and_schedules_itself(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "cramplog"
    assert script.exists(), "the package is installed, with its console script"
    diary = tmp_path / "diary folder" / "cramps.db"
    env = {**os.environ, "CRAMPLOG_DB": str(diary)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(script), *args], env=env, capture_output=True, text=True, cwd=tmp_path
        )

    missing = run("remind", "check")
    assert missing.returncode == 1
    assert "there is no diary at" in missing.stdout and not diary.exists()
    assert run("none").returncode == 0
    done = run("remind", "check")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    dry = run("remind", "install", "--at", "07:30", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert (
        f'ExecStart={script} --db "{diary}" remind check --notify\n' in dry.stdout
    )  # this cramplog, by its absolute path, with the diary in force


def test_check_answers_an_older_diary_without_upgrading_it(cli: Cli, db_path: Path) -> None:
    from alembic import command

    from cramplog import migrate
    from cramplog.db import make_engine

    assert cli("none").exit_code == 0
    engine = make_engine(f"sqlite:///{db_path}")
    command.downgrade(migrate.alembic_config(engine), "0001")  # the first schema there was
    engine.dispose()
    before = snapshot(db_path.parent)
    result = cli("remind", "check")
    assert (result.exit_code, result.output) == (0, "")
    assert snapshot(db_path.parent) == before  # still 0001, no backup beside it


def test_an_empty_at_names_the_accepted_form(cli: Cli) -> None:
    result = cli("remind", "install", "--at", " ")
    assert result.exit_code == 2
    assert result.stderr == (
        "cramplog: --at: cannot read ' ' as a time of day "
        "(accepted: HH:MM in 24-hour time, e.g. 07:30; 7am and 7:30 pm are read too)\n"
    )


def test_check_on_an_empty_database_url_says_there_is_no_diary(cli: Cli) -> None:
    # A database URL goes the way a PostgreSQL one does: connect, read the schema, write nothing.
    result = cli("--db", "sqlite://", "remind", "check")
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "Last night (Sun 22 Nov) is not logged: there is no diary at sqlite:// yet"
    )
