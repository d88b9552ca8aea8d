"""The daily reminder's files, as text: systemd user units, a launchd agent, a crontab line.

Everything here is a pure function of its arguments (the command to run, the time, the home
folders), so the exact text is tested without systemd or launchd, and `remind install
--dry-run` prints what `remind install` writes. Writing, and asking systemctl or launchctl to
load the result, is the CLI's (cramplog/cli/remind.py).

The scheduled job runs `cramplog --db DIARY remind check --notify`: silent once last night is
logged, else one line and a desktop notification (notify-send on Linux, osascript on macOS).
Its exit code 1 ("not logged yet") is the expected answer on a morning it reminds, not a
failure, so the service says `SuccessExitStatus=1` and systemd does not mark it failed.

Standard library only: `remind check` is on the logging path's budget.
"""

from __future__ import annotations

import os
import plistlib
import re
import shlex
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import time
from pathlib import Path

from cramplog.errors import InputError

NAME = "cramplog-remind"  # the systemd units' name (a .service and a .timer)
LABEL = "org.cramplog.remind"  # the launchd agent's Label, and its plist's file name
CRON_TAG = "# cramplog remind"  # ends the crontab line, so a person can find it again
MARKER = "# Written by cramplog remind install; remove with: cramplog remind uninstall"
AT_FORMS = "HH:MM in 24-hour time, e.g. 07:30; 7am and 7:30 pm are read too"


@dataclass(frozen=True)
class File:
    """A file the reminder consists of: where it goes, and its full contents."""

    path: Path
    text: str


def parse_at(text: str, field: str = "--at") -> time:
    """The reminder's time of day from what a person typed: 07:30, 7:30, 7.30, 7am, 7:30 pm."""
    m = re.fullmatch(r"(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?", text.strip().lower())
    if m and (m.group(2) is not None or m.group(3) is not None):
        hours, minutes = int(m.group(1)), int(m.group(2) or 0)
        if m.group(3) and 1 <= hours <= 12:
            hours = hours % 12 + (12 if m.group(3).startswith("p") else 0)
        elif m.group(3):
            hours = 24  # "13pm", "0am": not a time
        if hours <= 23 and minutes <= 59:
            return time(hours, minutes)
    raise InputError(field, f"cannot read {text!r} as a time of day", AT_FORMS)


def cramplog_command(argv0: str, executable: str, which: Callable[[str], str | None]) -> list[str]:
    """How a scheduler should start this cramplog: the absolute path of its console script.

    `argv0` is sys.argv[0]. Run as `python -m cramplog` (or from a test runner) it is not a
    cramplog script, and the job runs `PYTHON -m cramplog` with this same interpreter. The
    path is made absolute but symbolic links are kept: pipx's ~/.local/bin/cramplog link stays
    valid when pipx reinstalls cramplog into a new folder.
    """
    name = Path(argv0).name
    if name.startswith("cramplog") and not name.endswith(".py"):
        found = argv0 if os.sep in argv0 else which(argv0)
        if found and os.access(found, os.X_OK):
            return [os.path.abspath(found)]
    return [os.path.abspath(executable), "-m", "cramplog"]


def job_command(cramplog: Sequence[str], db: str, *, notify: bool = True) -> list[str]:
    """The scheduled job's argument list: always with --db, since a scheduler's environment
    has neither the shell's CRAMPLOG_DB nor its XDG_DATA_HOME."""
    for arg in (*cramplog, db):
        _check_arg(arg)
    return [*cramplog, "--db", db, "remind", "check", *(["--notify"] if notify else [])]


def _check_arg(arg: str) -> None:
    # A line break would end the unit file's line (or the crontab's) in the middle of a path.
    if any(unicodedata.category(ch) == "Cc" for ch in arg):
        raise InputError(
            "--db",
            f"{arg!r} contains a control character (a line break or tab)",
            "a diary path without control characters",
        )


# --- systemd ------------------------------------------------------------------------------

_SYSTEMD_PLAIN = re.compile(r"[A-Za-z0-9_./:=,+@-]+")


def systemd_word(arg: str) -> str:
    """One argument as ExecStart= reads it back exactly.

    systemd expands `%` specifiers and `$VAR` everywhere, even inside quotes, so those are
    doubled; a word with spaces, quotes or backslashes is double-quoted with C escapes.
    """
    _check_arg(arg)
    escaped = arg.replace("%", "%%").replace("$", "$$")
    if _SYSTEMD_PLAIN.fullmatch(arg):
        return escaped
    return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'


def systemd_unit_dir(config_home: Path) -> Path:
    """~/.config/systemd/user, or under $XDG_CONFIG_HOME when that is set."""
    return config_home / "systemd" / "user"


def systemd_service(command: Sequence[str]) -> str:
    return "\n".join(
        [
            MARKER,
            "[Unit]",
            "Description=cramplog: remind me when last night is not logged",
            "",
            "[Service]",
            "Type=oneshot",
            f"ExecStart={' '.join(systemd_word(a) for a in command)}",
            '# Exit 1 means "not logged yet": the reminder did its job, not a failure.',
            "SuccessExitStatus=1",
            "",
        ]
    )


def systemd_timer(at: time) -> str:
    return "\n".join(
        [
            MARKER,
            "[Unit]",
            f"Description=cramplog: daily reminder at {at:%H:%M}",
            "",
            "[Timer]",
            f"OnCalendar=*-*-* {at:%H:%M}:00",
            "# Off at that time (asleep, shut down)? Then remind at the next start.",
            "Persistent=true",
            f"Unit={NAME}.service",
            "",
            "[Install]",
            "WantedBy=timers.target",
            "",
        ]
    )


def systemd_files(command: Sequence[str], at: time, config_home: Path) -> list[File]:
    folder = systemd_unit_dir(config_home)
    return [
        File(folder / f"{NAME}.service", systemd_service(command)),
        File(folder / f"{NAME}.timer", systemd_timer(at)),
    ]


SYSTEMD_ENABLE = [
    ["systemctl", "--user", "daemon-reload"],
    ["systemctl", "--user", "enable", "--now", f"{NAME}.timer"],
]
SYSTEMD_DISABLE = [
    ["systemctl", "--user", "disable", "--now", f"{NAME}.timer"],
]
SYSTEMD_RELOAD = [["systemctl", "--user", "daemon-reload"]]


# --- launchd (macOS) ----------------------------------------------------------------------


def launchd_plist_path(home: Path) -> Path:
    return home / "Library" / "LaunchAgents" / f"{LABEL}.plist"


def launchd_plist(command: Sequence[str], at: time) -> str:
    """A LaunchAgent that runs `command` daily at `at` (launchd runs a time missed while the
    Mac slept when it wakes). plistlib writes the XML, so any path is escaped correctly."""
    for arg in command:
        _check_arg(arg)
    agent = {
        "Label": LABEL,
        "ProgramArguments": list(command),
        "StartCalendarInterval": {"Hour": at.hour, "Minute": at.minute},
    }
    return plistlib.dumps(agent, sort_keys=False).decode("utf-8")


def launchd_files(command: Sequence[str], at: time, home: Path) -> list[File]:
    return [File(launchd_plist_path(home), launchd_plist(command, at))]


def is_our_plist(text: str) -> bool:
    try:
        agent = plistlib.loads(text.encode("utf-8"))
    except (plistlib.InvalidFileException, ValueError, TypeError, KeyError):
        return False
    return isinstance(agent, dict) and agent.get("Label") == LABEL


def launchctl_load(path: Path, uid: int) -> list[list[str]]:
    return [["launchctl", "bootstrap", f"gui/{uid}", str(path)]]


def launchctl_unload(path: Path, uid: int) -> list[list[str]]:
    return [["launchctl", "bootout", f"gui/{uid}", str(path)]]


# --- cron (elsewhere) ---------------------------------------------------------------------


def crontab_line(command: Sequence[str], at: time) -> str:
    """A crontab line for `command` daily at `at`, quoted for /bin/sh.

    cron turns an unescaped % into a line break, so it is escaped after the shell quoting.
    """
    for arg in command:
        _check_arg(arg)
    words = " ".join(shlex.quote(a) for a in command).replace("%", "\\%")
    return f"{at.minute} {at.hour} * * * {words} {CRON_TAG}"


# --- the notification ---------------------------------------------------------------------


def notify_command(
    message: str, platform: str, which: Callable[[str], str | None]
) -> list[str] | None:
    """The command that shows `message` as a desktop notification, or None when none is here.

    osascript gets the message as an argument (`item 1 of argv`), never inside the script's
    text, so no quote in it can change what the script does.
    """
    if platform == "darwin":
        osascript = which("osascript")
        if osascript is None:
            return None
        script = [
            "on run argv",
            'display notification (item 1 of argv) with title "cramplog"',
            "end run",
        ]
        return [osascript, *(arg for line in script for arg in ("-e", line)), message]
    notify_send = which("notify-send")
    if notify_send is None:
        return None
    return [notify_send, "--app-name=cramplog", "cramplog", message]


def notifier_name(platform: str) -> str:
    return "osascript" if platform == "darwin" else "notify-send"


def shell_line(commands: Sequence[Sequence[str]]) -> str:
    """Commands as one line a person can paste into a shell."""
    return " && ".join(" ".join(shlex.quote(a) for a in command) for command in commands)
