"""Pictures and PDFs: `report weekly`, `report appointment` and `chart NAME`.

matplotlib, pandas and the analysis are imported inside the commands, so that `cramplog
--help` and the logging commands never pay for them. Each command prints the path it wrote.

Every file goes through `cramplog.files.private_output`: written to a temporary file beside
it and renamed into place (nothing partial on a full disk), 0600, in folders created 0700.
`-o` refuses an existing file unless --force, and a symbolic link always.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cramplog.cli import Diary, pass_diary
from cramplog.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from cramplog.report import Inputs

APPOINTMENT_WEEKS = 12
MAX_WEEKS = 1000
WEEK_FORM = "a week such as 2026-W47, W47 or 47 (the most recent week 47), or last week"
# Default periods of `chart NAME` in weeks; None means the whole diary, "week" the last
# complete Monday-to-Sunday week.
CHART_WEEKS: dict[str, int | None] = {
    "trend": 12,
    "calendar": 52,
    "time_of_night": 12,
    "severity": 12,
    "sites": 12,
    "forest": None,
    "week": 1,
}
CHART_NAMES = tuple(CHART_WEEKS)


# --- shared helpers ------------------------------------------------------------------------


@contextmanager
def _no_collector() -> Iterator[None]:
    """Run a report without the cyclic garbage collector, and skip its final pass at exit.

    pandas, matplotlib and SQLAlchemy leave some 150,000 objects; the collector's passes over
    them during the imports and again when the interpreter exits cost about 0.4 s, a third of
    the report's budget, and free nothing that the end of the process would not. A report
    makes little cyclic garbage, so memory stays small. The collector is switched back on
    afterwards, so that running the command in-process (tests) leaves it as it was.
    """
    was_enabled = gc.isenabled()
    gc.disable()  # cramplog.cli registers gc.freeze at exit, which skips the final pass
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _writing() -> Iterator[None]:
    """A file that cannot be written (no permission, disk full) is one line, not a traceback."""
    from cramplog.files import fault

    try:
        yield
    except OSError as exc:
        raise fault(exc, exc.filename or "the output file") from None


FORCE = click.option(
    "--force",
    is_flag=True,
    help="Replace the -o file if it exists (never a symbolic link). Without -o, a report "
    "replaces the same week's report in the reports folder.",
)


def _last_night(session: Session) -> date:
    from cramplog import diary as ops
    from cramplog import timeutil
    from cramplog.cli.entries import clock

    current, _ = clock(session)
    return timeutil.last_night(current, ops.boundary(session))


def _last_sunday(night: date) -> date:
    """The last night of the last complete Monday-to-Sunday week up to `night`."""
    return night - timedelta(days=(night.weekday() + 1) % 7)


def _parse_week(text: str, last_night: date) -> date:
    """The Monday of an ISO week "2026-W47" (or "47", "W47": the most recent week 47; "this
    week", "last week"); a week that has not begun is refused."""
    low = " ".join(text.lower().split())
    this_monday = last_night - timedelta(days=last_night.weekday())
    if low == "this week":  # the week last night is in, complete or not
        return this_monday
    if low == "last week":  # the last complete week, as without --week
        return _last_sunday(last_night) - timedelta(days=6)
    bare = re.fullmatch(r"w?(\d{1,2})", low)
    if bare:
        year = last_night.isocalendar()[0]
        try:
            monday = date.fromisocalendar(year, int(bare.group(1)), 1)
            if monday > last_night:
                monday = date.fromisocalendar(year - 1, int(bare.group(1)), 1)
        except ValueError:
            raise InputError("--week", f"{text!r} is not a week of the year", WEEK_FORM) from None
        return monday
    match = re.fullmatch(r"\s*(\d{4})-?[Ww](\d{1,2})\s*", text)
    if not match:
        raise InputError("--week", f"cannot read {text!r} as a week", WEEK_FORM)
    try:
        monday = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise InputError("--week", f"{text!r} is not a week of that year", WEEK_FORM) from None
    if monday > last_night:
        raise InputError("--week", f"{text} has not begun yet", "a week up to this one")
    if monday.year < 1900:  # timeutil.EARLIEST: no diary reaches further back
        raise InputError("--week", f"{text} is before 1900", WEEK_FORM)
    return monday


def _check_weeks(weeks: int | None) -> None:
    if weeks is not None and not 1 <= weeks <= MAX_WEEKS:
        raise InputError("--weeks", f"{weeks} is out of range", f"a whole number 1-{MAX_WEEKS}")


def _check_output(path: Path | None, suffixes: tuple[str, ...]) -> None:
    if path is not None and path.suffix.lower() not in suffixes:
        endings = ", ".join(suffixes[:-1]) + (" or " if len(suffixes) > 1 else "") + suffixes[-1]
        raise InputError(
            "-o",
            f"{path.name!r} does not end in {endings}",
            f"a file name such as report{suffixes[0]}",
        )


def report_dir(session: Session, diary: Diary) -> Path:
    """The `report_dir` setting; '' means a `reports` folder beside the diary file."""
    from cramplog import config
    from cramplog import diary as ops

    chosen = str(ops.setting(session, "report_dir") or "").strip()
    if chosen:
        return Path(chosen).expanduser()
    file = config.sqlite_path(diary.url)
    return (file.parent if file is not None else config.data_dir()) / "reports"


def _whose_file(session: Session) -> str:
    """The part of a report's default file name that says whose it is: the person's name (when
    it is not the default "me") and the start of their uid, so that two people's reports, or
    two diaries' reports in one folder, never take each other's file."""
    import re

    from cramplog import diary as ops

    who = ops.person(session, create=False)
    if who is None:
        return ""
    name = re.sub(r"[^\w]+", "-", who.name.casefold()).strip("-_")[:40]
    named = f"-{name}" if name and who.name != "me" else ""
    return f"{named}-{who.uid[:6]}"


def _inputs(session: Session, end: date) -> Inputs:
    """The whole diary up to `end`, the profile and the flags as of that night."""
    from cramplog import diary as ops
    from cramplog import flags, frame, report
    from cramplog.cli.entries import clock

    nightly = frame.build(session, None, end)
    who = ops.person(session, create=False)
    conditions = tuple(c.condition for c in who.conditions) if who else ()
    aliases = ops.medication_aliases(session)
    profile = report.Profile(
        name=who.name if who else None,
        birth_year=who.birth_year if who else None,
        conditions=conditions,
        aliases=aliases,
    )
    check = flags.evaluate(
        nightly, profile_conditions=conditions, aliases=aliases, today=end + timedelta(days=1)
    )
    current, _ = clock(session)
    paper = str(nightly.settings.get("paper") or "a4")
    from cramplog.trials.summary import gather

    trial = gather(session, end)
    return report.Inputs(nightly, profile, check, report.made_at(current), paper, trial)


# --- commands ------------------------------------------------------------------------------


@click.group()
def report() -> None:
    """Printable PDF reports: the weekly report and the appointment packet."""


@report.command("weekly")
@click.option(
    "--week",
    metavar="WEEK",
    help="ISO week: 2026-W47, 47 or last week (default: last complete week).",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="PDF file to write."
)
@FORCE
@pass_diary
def weekly(diary: Diary, week: str | None, output: Path | None, force: bool) -> None:
    """How a Monday-to-Sunday week went, in one or two pages: the week's numbers against the
    week before, flags, each night with its factors, the 12-week trend and what seems to
    matter."""
    _check_output(output, (".pdf",))
    with _no_collector(), _writing():
        path = _weekly(diary, week, output, force)
    click.echo(str(path))


def _weekly(diary: Diary, week: str | None, output: Path | None, force: bool) -> Path:
    from cramplog import report as reports
    from cramplog.files import check_target, private_output

    with diary.reading() as session:
        last = _last_night(session)
        monday = _parse_week(week, last) if week else _last_sunday(last) - timedelta(days=6)
        sunday = monday + timedelta(days=6)
        inputs = _inputs(session, sunday)
        iso = monday.isocalendar()
        name = f"cramplog-weekly-{iso.year}-W{iso.week:02d}{_whose_file(session)}.pdf"
        path = output or report_dir(session, diary) / name
    # Refused before the work, and again by private_output at the rename. A report written
    # to the default folder replaces that week's earlier report: it is cramplog's own file.
    force = force or output is None
    check_target(path, force=force)
    with private_output(path, force=force) as temp:
        reports.weekly(inputs, monday, temp)
    return path


@report.command("appointment")
@click.option(
    "--weeks",
    type=int,
    default=APPOINTMENT_WEEKS,
    show_default=True,
    help="Weeks to cover, ending last night.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="PDF file to write."
)
@FORCE
@pass_diary
def appointment(diary: Diary, weeks: int, output: Path | None, force: bool) -> None:
    """A packet to bring to an appointment: a one-minute summary for the clinician, the
    charts, and every cramp of the period."""
    _check_weeks(weeks)
    _check_output(output, (".pdf",))
    with _no_collector(), _writing():
        path = _appointment(diary, weeks, output, force)
    click.echo(str(path))


def _appointment(diary: Diary, weeks: int, output: Path | None, force: bool) -> Path:
    from cramplog import frame
    from cramplog import report as reports
    from cramplog.files import check_target, private_output

    with diary.reading() as session:
        last = _last_night(session)
        end = max(last, frame.last_logged_night(session) or last)
        start = end - timedelta(days=7 * weeks - 1)
        inputs = _inputs(session, end)
        name = f"cramplog-appointment-{end.isoformat()}{_whose_file(session)}.pdf"
        path = output or report_dir(session, diary) / name
    force = force or output is None
    check_target(path, force=force)
    with private_output(path, force=force) as temp:
        reports.appointment(inputs, start, end, temp)
    return path


def _chart_name(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    name = value.strip().lower().replace("-", "_")
    if name not in CHART_NAMES:
        raise click.BadParameter(f"{value!r} is not a chart (accepted: {', '.join(CHART_NAMES)})")
    return name


@click.command()
@click.argument("name", metavar="NAME", callback=_chart_name)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write: .png, .svg or .pdf.",
)
@click.option("--weeks", type=int, default=None, help="Weeks to cover, ending last night.")
@click.option(
    "--force", is_flag=True, help="Replace the -o file if it exists (never a symbolic link)."
)
@pass_diary
def chart(diary: Diary, name: str, output: Path, weeks: int | None, force: bool) -> None:
    """One chart as PNG, SVG or PDF. NAME is one of: trend, calendar, time_of_night,
    severity, sites, forest, week."""
    _check_weeks(weeks)
    _check_output(output, (".png", ".svg", ".pdf"))
    with _no_collector(), _writing():
        _chart(diary, name, output, weeks, force)
    click.echo(str(output))


def _chart(diary: Diary, name: str, output: Path, weeks: int | None, force: bool) -> None:
    from cramplog import charts, frame
    from cramplog.files import check_target, private_output

    check_target(output, force=force)

    with diary.reading() as session:
        last = _last_night(session)
        end = max(last, frame.last_logged_night(session) or last)
        start, end = _chart_period(session, name, weeks, end, last)
        nightly = frame.build(session, start, end)
    figure: Any = charts.CHARTS[name](nightly, start, end)
    with private_output(output, force=force) as temp:
        charts.save(figure, temp, metadata=_chart_metadata(output), fmt=output.suffix)


def _chart_period(
    session: Session, name: str, weeks: int | None, end: date, last: date
) -> tuple[date | None, date]:
    """First and last night of a chart: --weeks, else the chart's own default."""
    from cramplog import frame

    if name == "week" and weeks is None:
        sunday = _last_sunday(last)
        return sunday - timedelta(days=6), sunday
    chosen = weeks if weeks is not None else CHART_WEEKS[name]
    if chosen is None:
        return frame.first_logged_night(session) or end, end
    return end - timedelta(days=7 * chosen - 1), end


def _chart_metadata(path: Path) -> dict[str, Any]:
    """Which program made the file (matplotlib dates PDF and SVG from SOURCE_DATE_EPOCH)."""
    from cramplog import __version__

    if path.suffix.lower() == ".png":
        return {"Software": f"cramplog {__version__}"}
    return {"Creator": f"cramplog {__version__}"}


COMMANDS: list[click.Command] = [report, chart]
