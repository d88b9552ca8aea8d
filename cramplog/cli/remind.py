"""`remind check/install/uninstall`: a daily reminder that keeps the diary complete.

`check` is what the scheduled job runs each morning (on the logging path's budget: no pandas,
matplotlib or Alembic). `install` writes the job for this machine's scheduler: systemd user
units on Linux, a launchd agent on macOS, and elsewhere it prints a crontab line to add by
hand (cramplog never edits a crontab: one wrong edit loses a person's other jobs). The files'
text comes from cramplog/remind.py; this module writes them, and asks systemctl or launchctl
to load them when a session of theirs is running, saying what happened either way.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cramplog.cli import Diary, pass_diary

if TYPE_CHECKING:
    from cramplog.remind import File


@click.group()
def remind() -> None:
    """A daily reminder to log last night (quiet once it is logged).

    \b
    Set it up:   cramplog remind install --at 07:30   (--dry-run shows the files first)
    Try it:      cramplog remind check
    Remove it:   cramplog remind uninstall
    """


@remind.command("check")
@click.option(
    "--notify",
    is_flag=True,
    help="Also show the reminder as a desktop notification (notify-send on Linux, osascript "
    "on macOS). The installed reminder uses this.",
)
@click.pass_context
def check(ctx: click.Context, notify: bool) -> None:
    """Is last night logged? Silent if so (exit 0); else one line saying what to type (exit 1).

    What the installed reminder runs each morning. It reads the diary without changing it, and
    never creates one.
    """
    from cramplog import lastnight, present

    diary = ctx.find_object(Diary)
    answer = lastnight.check(diary.url, diary.person)
    if answer.logged:
        return
    night = present.short_day(answer.night)
    db = _db_words(diary)
    if diary.person:
        db += f" --person {shlex.quote(diary.person)}"
    todo = f"cramplog{db} log, or cramplog{db} none"
    if answer.missing:
        who = present.listing([present.terminal(name) for name in answer.missing])
        first = shlex.quote(answer.missing[0])
        line = (
            f"Last night ({night}) is not logged yet for {who}: "
            f"cramplog{db} --person {first} log, or ... none"
        )
    elif answer.no_diary is None:
        line = f"Last night ({night}) is not logged yet: {todo}"
    elif db:
        line = (
            f"Last night ({night}) is not logged: there is no diary at {answer.no_diary} yet "
            f"(check --db or CRAMPLOG_DB). To start it there: {todo}"
        )
    else:
        line = f"Last night ({night}) is not logged, and there is no diary yet. To start it: {todo}"
    click.echo(present.terminal(line))
    if notify:
        _notify(line)
    ctx.exit(1)


def _db_words(diary: Diary) -> str:
    """' --db PATH' when the diary is not the default one, so the command shown is exact."""
    import shlex

    from cramplog.config import default_db_path, sqlite_path

    path = sqlite_path(diary.url)
    if path is not None and path == default_db_path().expanduser().resolve():
        return ""
    return f" --db {shlex.quote(str(path) if path is not None else diary.url)}"


def _notify(line: str) -> None:
    from cramplog import remind as texts

    command = texts.notify_command(line, sys.platform, shutil.which)
    if command is None:
        click.echo(
            f"cramplog: no desktop notification: {texts.notifier_name(sys.platform)} was not found",
            err=True,
        )
        return
    problem = _run(command)
    if problem:
        click.echo(f"cramplog: no desktop notification: {problem}", err=True)


def _run(command: Sequence[str]) -> str | None:
    """Run a helper program; None when it worked, else its first line of complaint."""
    try:
        done = subprocess.run(
            list(command), capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{command[0]} could not run ({exc})"
    if done.returncode == 0:
        return None
    said = (done.stderr or done.stdout).strip().splitlines()
    return f"{Path(command[0]).name} said: {said[0] if said else f'exit {done.returncode}'}"


# --- install / uninstall ----------------------------------------------------------------


def _config_home() -> Path:
    xdg = os.environ.get("XDG_CONFIG_HOME", "")
    return Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".config"


def _systemd_session() -> str | None:
    """Why systemctl --user cannot be asked now, or None when it can.

    A user's systemd manager listens on $XDG_RUNTIME_DIR/systemd/private; without one (over
    SSH without lingering, in a container, on a system without systemd) systemctl would only
    fail, so the command is shown instead.
    """
    if shutil.which("systemctl") is None:
        return "systemctl was not found"
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if not runtime or not (Path(runtime) / "systemd" / "private").exists():
        return "no systemd user session is running here"
    return None


def _kind() -> str:
    """This machine's scheduler: systemd on Linux, launchd on macOS, cron elsewhere."""
    if sys.platform.startswith("linux"):
        return "systemd"
    return "launchd" if sys.platform == "darwin" else "cron"


def _job(diary: Diary, *, notify: bool = True) -> list[str]:
    """The scheduled command: this cramplog, on the diary in force now, checking last night."""
    from cramplog import remind as texts

    cramplog = texts.cramplog_command(sys.argv[0], sys.executable, shutil.which)
    return texts.job_command(cramplog, _db(diary), notify=notify)


def _db(diary: Diary) -> str:
    """The diary in force (--db, CRAMPLOG_DB or the default) as an absolute path or URL."""
    from cramplog.config import sqlite_path

    path = sqlite_path(diary.url)
    return str(path) if path is not None else diary.url


def _ours(file: Path) -> bool:
    from cramplog import remind as texts

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return texts.MARKER in text or texts.is_our_plist(text)


@remind.command("install")
@click.option(
    "--at", "at", required=True, metavar="HH:MM", help="The time of day to remind, e.g. 07:30."
)
@click.option("--dry-run", is_flag=True, help="Print the files and commands; write nothing.")
@pass_diary
def install(diary: Diary, at: str, dry_run: bool) -> None:
    """Remind me every day at HH:MM when last night is not logged yet.

    Linux: a systemd user timer and service in ~/.config/systemd/user. macOS: a launchd agent
    in ~/Library/LaunchAgents. Elsewhere: a crontab line to add by hand. The job runs this
    cramplog on this diary. Installing again replaces the time.
    """
    from cramplog import remind as texts
    from cramplog.errors import FaultError
    from cramplog.files import os_faults, private_output

    time_of_day = texts.parse_at(at)
    kind = _kind()
    if kind == "cron":
        line = texts.crontab_line(_job(diary, notify=False), time_of_day)
        click.echo("Add this line to your crontab (crontab -e); cron mails you its reminder:")
        click.echo(line)
        click.echo("cramplog does not edit crontabs itself. To remove it, delete that line.")
        return
    if kind == "systemd":
        files = texts.systemd_files(_job(diary), time_of_day, _config_home())
    else:
        files = texts.launchd_files(_job(diary), time_of_day, Path.home())
    for file in files:
        if file.path.exists() and not file.path.is_symlink() and not _ours(file.path):
            raise FaultError(
                f"{file.path} exists and was not written by cramplog; nothing was written "
                "(rename or remove it, then install again)"
            )
    enable = _enable_commands(kind, files)
    if dry_run:
        for file in files:
            click.echo(f"Would write {file.path} (owner-only):")
            click.echo(file.text, nl=not file.text.endswith("\n"))
            click.echo("")
        click.echo(f"Would then run: {texts.shell_line(enable)}")
        click.echo("Nothing was written (--dry-run).")
        return
    for file in files:
        with (
            private_output(file.path, force=True, option="remind install") as temp,
            os_faults(temp),
        ):
            temp.write_text(file.text, encoding="utf-8")
        click.echo(f"Wrote {file.path}")
    _load(kind, enable, when=f"every day at {time_of_day:%H:%M}")
    _warn_without_notifier()
    db = Path(_db(diary))
    if "://" not in str(db) and not db.exists():
        click.echo(f"Note: there is no diary at {db} yet; the reminder says so until one is.")


def _enable_commands(kind: str, files: list[File]) -> list[list[str]]:
    from cramplog import remind as texts

    if kind == "systemd":
        return texts.SYSTEMD_ENABLE
    return texts.launchctl_load(files[0].path, os.getuid())


def _session_problem(kind: str) -> str | None:
    if kind == "systemd":
        return _systemd_session()
    return None if shutil.which("launchctl") else "launchctl was not found"


def _load(kind: str, commands: list[list[str]], when: str) -> None:
    """Ask the scheduler to take the files up, or say the command that does."""
    from cramplog import remind as texts
    from cramplog.errors import FaultError

    line = texts.shell_line(commands)
    why_not = _session_problem(kind)
    if why_not is not None:
        click.echo(f"To turn it on, run: {line}")
        click.echo(f"(Not run here: {why_not}.)")
        return
    for command in commands:
        problem = _run(command)
        if problem:
            raise FaultError(
                f"the files are written, but {' '.join(command)} failed ({problem}); "
                f"turn it on with: {line}"
            )
    click.echo(f"Ran: {line}")
    click.echo(f"The reminder is on: {when}, unless last night is logged by then.")
    click.echo("Try it now: cramplog remind check. Remove it with: cramplog remind uninstall")


def _warn_without_notifier() -> None:
    from cramplog import remind as texts

    name = texts.notifier_name(sys.platform)
    if shutil.which(name) is None:
        where = "journalctl --user -u cramplog-remind" if sys.platform != "darwin" else "its log"
        click.echo(
            f"Note: {name} was not found, so the reminder cannot pop up on the screen; its line "
            f"goes to {where}. On Debian or Ubuntu, notify-send is in the libnotify-bin package."
        )


@remind.command("uninstall")
@click.option("--dry-run", is_flag=True, help="Say what would be removed; remove nothing.")
@pass_diary
def uninstall(diary: Diary, dry_run: bool) -> None:
    """Remove the reminder that `remind install` wrote (only files cramplog wrote)."""
    from cramplog import remind as texts
    from cramplog.files import os_faults

    kind = _kind()
    if kind == "cron":
        click.echo(f"Remove the line ending in '{texts.CRON_TAG}' with: crontab -e")
        return
    if kind == "systemd":
        folder = texts.systemd_unit_dir(_config_home())
        paths = [folder / f"{texts.NAME}.timer", folder / f"{texts.NAME}.service"]
        before = texts.SYSTEMD_DISABLE
        after = texts.SYSTEMD_RELOAD
    else:
        paths = [texts.launchd_plist_path(Path.home())]
        before = texts.launchctl_unload(paths[0], os.getuid())
        after = []
    found = [p for p in paths if p.exists() and not p.is_symlink() and _ours(p)]
    foreign = [p for p in paths if (p.exists() or p.is_symlink()) and p not in found]
    for p in foreign:
        click.echo(f"Left {p}: it was not written by cramplog.")
    if not found:
        click.echo(f"No cramplog reminder is installed here (looked in {paths[0].parent}).")
        return
    wants = _enable_link(paths[0]) if kind == "systemd" else None
    if dry_run:
        click.echo(f"Would run: {texts.shell_line(before)}")
        for p in [*found, *([wants] if wants else [])]:
            click.echo(f"Would remove {p}")
        click.echo("Nothing was removed (--dry-run).")
        return
    why_not = _session_problem(kind)
    if why_not is None:
        problem = next((p for p in map(_run, before) if p), None)
        if problem:  # already stopped, or never enabled: the files still go
            click.echo(f"Note: {texts.shell_line(before)}: {problem}")
    wants = _enable_link(paths[0]) if kind == "systemd" else None  # disable removes it
    with os_faults(paths[0].parent):
        for p in [*found, *([wants] if wants else [])]:
            p.unlink()
            click.echo(f"Removed {p}")
        if kind == "systemd":
            _prune(paths[0].parent, stop=_config_home())
    if why_not is None:
        for command in after:
            _run(command)
        click.echo("The reminder is off.")
    elif kind == "systemd":
        click.echo(
            f"If it was running, also run: {texts.shell_line(texts.SYSTEMD_DISABLE)} "
            f"(not run here: {why_not})."
        )
    else:
        click.echo(f"If it was loaded, also run: {texts.shell_line(before)} (not run: {why_not}).")


def _enable_link(timer: Path) -> Path | None:
    """The link `systemctl enable` made to our timer, if it is there (and points to it)."""
    link = timer.parent / "timers.target.wants" / timer.name
    if link.is_symlink() and Path(os.readlink(link)) in (timer, Path(timer.name)):
        return link
    return None


def _prune(folder: Path, stop: Path) -> None:
    """Remove folders left empty up to `stop` (systemd/user/timers.target.wants and up)."""
    for candidate in (folder / "timers.target.wants", folder, folder.parent):
        if candidate == stop or stop not in candidate.parents:
            break
        try:
            candidate.rmdir()  # only an empty folder goes
        except OSError:
            if candidate.exists():
                break


COMMANDS: list[click.Command] = [remind]
