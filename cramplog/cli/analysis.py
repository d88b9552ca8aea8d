"""Reading the diary as numbers: stats, insights, and a demo diary to try them on.

pandas, the frame and the analysis are imported inside the commands, so that `cramplog --help`
and the logging commands never pay for them.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cramplog import present
from cramplog.cli import Diary, pass_diary
from cramplog.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

STATS_WEEKS = 4  # `stats` without --since/--weeks: the last 4 weeks ending last night
MAX_WEEKS = 1000
MAX_DEMO_MONTHS = 240
DEFAULT_DEMO_SEED = 49  # cramplog.demo.DEFAULT_SEED, repeated so that --help needs no numpy
DEFAULT_DEMO_MONTHS = 6


# --- the period a command looks at ---------------------------------------------------------


def last_night(session: Session) -> date:
    """The night a person means by "last night", by the diary's clock and day boundary."""
    from cramplog import diary as ops
    from cramplog import timeutil
    from cramplog.cli.entries import clock

    current, _ = clock(session)
    return timeutil.last_night(current, ops.boundary(session))


def period(
    session: Session, since: str | None, weeks: int | None, default_weeks: int | None
) -> tuple[date, date]:
    """First and last night from --since / --weeks, ending last night.

    With neither option: the last `default_weeks` weeks, or (None) the whole diary from its
    first logged night. A night logged after "last night" (a cramp at 23:30 tonight) extends
    the whole-diary period to it.
    """
    from cramplog import frame
    from cramplog.cli.entries import read_date

    if since is not None and weeks is not None:
        raise InputError(
            "--since", "give --since or --weeks, not both", "--since DATE or --weeks N"
        )
    if weeks is not None and not 1 <= weeks <= MAX_WEEKS:
        raise InputError(
            "--weeks", f"{weeks} is out of range", f"a whole number from 1 to {MAX_WEEKS}"
        )
    end = last_night(session)
    if since is not None:
        start = read_date(session, since, "--since")
        if start > end:
            raise InputError(
                "--since",
                f"{start.isoformat()} is after last night",
                f"a date up to {end.isoformat()}",
            )
        return start, end
    if weeks is not None or default_weeks is not None:
        count = weeks if weeks is not None else default_weeks
        assert count is not None
        return end - timedelta(days=7 * count - 1), end
    first = frame.first_logged_night(session)
    latest = frame.last_logged_night(session)
    if latest is not None and latest > end:
        end = latest
    return (first if first is not None and first <= end else end), end


def _span(start: str, end: str) -> str:
    return f"{present.day(start)} to {present.day(end)}"


def _logged(e: dict[str, Any]) -> str:
    """ "26 of 28 (93%)": observed nights of nights in a period."""
    return (
        f"{e['nights_observed']} of {e['nights_in_period']} ({present.fraction(e['completeness'])})"
    )


def _cell_of(period: dict[str, Any], key: str, digits: int) -> str:
    """A period's figure; with no night logged there is nothing to count, so a dash, not 0."""
    return _fmt(None if not period["nights_observed"] else period[key], digits)


def _fmt(value: Any, digits: int = 1) -> str:
    """A table cell: counts as they are, measures to `digits`, a dash for "none to give"."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return present.number(value, digits)


# --- stats ---------------------------------------------------------------------------------


@click.command()
@click.option("--since", metavar="DATE", help="From this night to last night.")
@click.option("--weeks", type=int, metavar="N", help="The last N weeks (default: 4).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_diary
def stats(diary: Diary, since: str | None, weeks: int | None, as_json: bool) -> None:
    """This period's cramps against the period before: nights, cramps per week, severity.

    Cramps per week count per observed week (7 logged nights), as trials do; a night with
    nothing logged is missing, not cramp-free.
    """
    from cramplog import analysis, frame
    from cramplog import diary as ops

    with diary.reading() as session:
        start, end = period(session, since, weeks, STATS_WEEKS)
        baseline = ops.setting(session, "baseline_start") or None
        length = (end - start).days + 1
        first = start - timedelta(days=length)
        if baseline:
            first = min(first, date.fromisoformat(baseline))
        nightly = frame.build(session, first, end)
    summary = analysis.stats_summary(nightly, start, end, baseline)
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    _print_stats(summary, since is None and weeks is None, weeks)


DEFINITIONS = (
    "What these words mean (logged night, enough data, finding): docs/definitions.md in "
    "cramplog's source."
)

_STATS_ROWS = (
    ("cramp nights", "cramp_nights", 0),
    ("cramp-free nights", "cramp_free_nights", 0),
    ("cramps", "episodes", 0),
    ("cramps per week", "cramps_per_week", 1),
    ("cramp nights per week", "cramp_nights_per_week", 1),
    ("mean severity (0-10)", "mean_severity", 1),
    ("worst severity", "max_severity", 0),
    ("mean minutes a cramp", "mean_minutes", 1),
)


def _woken(e: dict[str, Any]) -> str:
    """ "2 of 3": nights woken of the cramp nights whose waking is known; else not recorded."""
    if e["woke_nights"] is None:
        return present.UNKNOWN
    return f"{e['woke_nights']} of {e['woke_known_nights']}"


def _too_few_line(what: str, e: dict[str, Any], need: int) -> str | None:
    """ "This period: only 2 nights logged: too few for a weekly rate (at least 7 needed)." """
    from cramplog.analysis import too_few_for_rate

    if e["enough_data"] or not e["nights_observed"]:
        return None
    return f"{what}: {too_few_for_rate(e['nights_observed'], need)}."


def _print_stats(s: dict[str, Any], default: bool, weeks: int | None) -> None:
    prev = s["previous"]
    count = weeks or (STATS_WEEKS if default else None)
    what = ("Last week" if count == 1 else f"Last {count} weeks") if count else "This period"
    click.echo(f"{what}: {_span(s['period_start'], s['period_end'])}")
    click.echo(f"Before:  {_span(prev['period_start'], prev['period_end'])}")
    click.echo("")
    click.echo(f"{'':<24}{'this period':>16}{'before':>16}")
    click.echo(f"{'nights logged':<24}{_logged(s):>16}{_logged(prev):>16}")
    for label, key, digits in _STATS_ROWS:
        click.echo(f"{label:<24}{_cell_of(s, key, digits):>16}{_cell_of(prev, key, digits):>16}")
    click.echo(f"{'nights woken (of known)':<24}{_woken(s):>16}{_woken(prev):>16}")
    click.echo("")
    if s["nights_observed"] == 0:
        click.echo(
            "No nights logged in this period: log each morning with cramplog log or cramplog none."
        )
    need = s["min_rate_nights"]
    for line in (_too_few_line("This period", s, need), _too_few_line("Before", prev, need)):
        if line:
            click.echo(line)
    responder = s.get("responder")
    if responder:
        click.echo(_responder_line(responder))
    click.echo(
        "Per week = per 7 logged nights. Nights not logged are left out, never counted as "
        "cramp-free."
    )
    click.echo(DEFINITIONS)


def _responder_line(r: dict[str, Any]) -> str:
    base = (
        f"Baseline {_span(r['baseline_start'], r['baseline_end'])}: "
        f"{_fmt(r['baseline_cramps_per_week'])} cramps a week"
    )
    if r["reduction"] is None:
        if not r["baseline_nights_observed"]:
            return f"{base}; no nights logged in it, so no responder status."
        if r["baseline_cramps_per_week"] is None:
            return (
                f"{base}; only {r['baseline_nights_observed']} nights logged in it: too few "
                "for a weekly rate, so no responder status."
            )
        if r["cramps_per_week"] is None:
            return f"{base}; too few nights logged in this period for a responder status."
        return f"{base}; no responder status (nothing to compare)."
    change = r["reduction"]
    if r["responder_50"]:
        verdict = "at least 50% fewer: a responder at 50%"
    elif r["responder_25"]:
        verdict = "at least 25% fewer: a responder at 25%"
    elif change > 0:
        verdict = "fewer, but not 25% fewer"
    else:
        verdict = "not fewer"
    direction = "fewer" if change > 0 else "more" if change < 0 else "change"
    return (
        f"{base}; now {_fmt(r['cramps_per_week'])} ({present.fraction(abs(change))} "
        f"{direction}): {verdict}."
    )


# --- insights ------------------------------------------------------------------------------


@click.command()
@click.option(
    "--since", metavar="DATE", help="From this night to last night (default: the whole diary)."
)
@click.option("--weeks", type=int, metavar="N", help="The last N weeks.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_diary
def insights(diary: Diary, since: str | None, weeks: int | None, as_json: bool) -> None:
    """Which factors go with cramp nights, how strongly, and how sure; the trend; and
    before/after each medicine or habit change. Association, not cause."""
    from cramplog import analysis, frame

    with diary.reading() as session:
        start, end = period(session, since, weeks, None)
        empty = frame.first_logged_night(session) is None
        nightly = frame.build(session, start, end)
    result = analysis.insights(nightly, start, end)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    if empty:
        click.echo("No nights logged yet: log each morning with cramplog log (or cramplog none).")
        click.echo("To see what insights look like, try a synthetic diary: cramplog demo")
        return
    _print_insights(result)


def _print_insights(r: dict[str, Any]) -> None:
    click.echo(f"What goes with cramp nights: {_span(r['period_start'], r['period_end'])}")
    click.echo("")
    factors = r["factors"]
    tested = sum(1 for f in factors if f["q_value"] is not None)
    found = sorted((f for f in factors if f["finding"]), key=lambda f: f["p_value"])
    other = [f for f in factors if f["enough_data"] and not f["finding"]]
    thin = [f for f in factors if not f["enough_data"]]
    if not factors:
        click.echo("No day factors logged yet: add them with cramplog day.")
    if found:
        click.echo(
            "Findings (enough nights, and unlikely to be chance even though "
            f"{present.plural(tested, 'factor')} were compared):"
        )
        for f in found:
            click.echo(f"  - {f['label']}: {f['sentence']}")
        click.echo("")
    elif factors and not tested:
        click.echo(
            "No factor can be compared yet: none has been logged both with and without it on "
            "enough nights."
        )
    elif factors:
        click.echo(
            "No factor stands out yet: none has enough nights and a difference too large to be "
            f"chance among the {present.plural(tested, 'factor')} compared."
        )
        click.echo("")
    if other:
        click.echo("No clear difference (each of these could be chance):")
        width = min(50, max(len("factor"), *(len(f["label"]) for f in other)) + 2)
        click.echo(
            f"  {'factor':<{width}}{'nights':>7}{'with':>7}{'without':>9}{'ratio':>7}  95% CI"
        )
        for f in sorted(other, key=lambda f: f["p_value"]):
            with_ = present.percent(f["exposed_cramp_nights"], f["exposed_nights"])
            without = present.percent(f["unexposed_cramp_nights"], f["unexposed_nights"])
            ratio, low, high = (
                present.number(f[k], 2) for k in ("risk_ratio", "ci_low", "ci_high")
            )
            click.echo(
                f"  {_cell(f['label'], width)}{f['exposed_nights']:>7}{with_:>7}{without:>9}"
                f"{ratio:>7}  {low}-{high}"
            )
        click.echo(
            "  (with / without: share of nights with cramps when the factor was / was not there)"
        )
        click.echo("")
    if thin:
        click.echo("Not enough data yet:")
        for f in thin:
            click.echo(f"  - {f['label']}: {f['sentence']}")
        click.echo("")
    click.echo(f"Trend: {r['trend']['sentence']}")
    if r["changes"]:
        click.echo("")
        click.echo("Before and after:")
        for c in r["changes"]:
            click.echo(f"  - {c['sentence']}")
    click.echo("")
    click.echo(
        f"Diary completeness: {r['nights_observed']} of {r['nights_in_period']} nights logged "
        f"({present.fraction(r['completeness'])}). Nights not logged are left out."
    )
    click.echo(r["note"])
    click.echo(DEFINITIONS)


def _cell(text: str, width: int) -> str:
    """`text` padded to `width`, cut with an ellipsis when longer (a long merged label)."""
    return f"{text:<{width}}" if len(text) < width else text[: width - 4] + "... "


# --- demo ----------------------------------------------------------------------------------


def _same_file(a: Path, b: Path | None) -> bool:
    if b is None:
        return False
    try:
        return a.resolve() == b.expanduser().resolve()
    except OSError:
        return False


def _protected(diary: Diary) -> list[Path]:
    """The diaries a demo must never write into: --db, CRAMPLOG_DB and the default."""
    from cramplog import config

    found = [
        config.sqlite_path(config.database_url(diary.db)),
        config.sqlite_path(config.database_url(None)),
    ]
    found.append(config.default_db_path())
    return [p for p in found if p is not None]


def _demo_target(diary: Diary, db_path: str | None, force: bool) -> Path:
    from cramplog import config

    if db_path is not None and ("://" in db_path or not db_path.strip()):
        raise InputError(
            "--db-path", f"{db_path!r} is not a file path", "a file path such as demo.db"
        )
    target = Path(db_path).expanduser().resolve() if db_path else config.demo_db_path().resolve()
    if any(_same_file(target, p) for p in _protected(diary)):
        raise InputError(
            "--db-path",
            f"{target} is your diary; the demo never writes into it",
            "another file, e.g. the default demo.db",
        )
    if target.exists():
        if not force:
            raise InputError(
                "--db-path",
                f"{target} already exists",
                hint="add --force to replace that demo diary",
            )
        if not _holds_demo(target):
            raise InputError(
                "--db-path",
                f"{target} is not a demo diary, so --force will not replace it",
                "a new file, or one written by cramplog demo",
            )
    return target


def _holds_demo(path: Path) -> bool:
    """Whether `path` is a diary written by `cramplog demo`: its people are all synthetic
    (the demo person, or a `demo --persons` study's participants)."""
    import sqlite3

    from cramplog.study import SYNTHETIC

    if path.stat().st_size == 0:
        return True
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            names = [row[0] for row in conn.execute("SELECT name FROM person")]
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return bool(names) and all(str(name).endswith(SYNTHETIC) for name in names)


def _remove_sqlite_files(path: Path) -> None:
    for extra in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        extra.unlink(missing_ok=True)


@click.command()
@click.option(
    "--db-path",
    "db_path",
    metavar="FILE",
    help="Where to write it (default: demo.db in your data folder).",
)
@click.option("--seed", type=int, default=None, help=f"Random seed (default: {DEFAULT_DEMO_SEED}).")
@click.option(
    "--months", type=int, default=DEFAULT_DEMO_MONTHS, show_default=True, help="How long a diary."
)
@click.option("--force", is_flag=True, help="Replace an existing demo diary.")
@click.option(
    "--persons",
    type=int,
    metavar="N",
    help="A synthetic study of N people, into --db-path, else --db (an empty or demo database).",
)
@pass_diary
def demo(
    diary: Diary,
    db_path: str | None,
    seed: int | None,
    months: int,
    force: bool,
    persons: int | None,
) -> None:
    """Write a synthetic, realistic diary to a separate demo file, to try stats, insights,
    check and reports on. Its planted effects are listed in the cramplog.demo module.
    With --persons, a study of many people for cohort (cramplog.study)."""
    import os

    from cramplog import timeutil

    if not 1 <= months <= MAX_DEMO_MONTHS:
        raise InputError(
            "--months", f"{months} is out of range", f"a whole number from 1 to {MAX_DEMO_MONTHS}"
        )
    if persons is not None:
        from cramplog.cli import study

        seed = DEFAULT_DEMO_SEED if seed is None else seed
        study.write(diary, db_path, persons, months, seed, force)
        return
    target = _demo_target(diary, db_path, force)

    from cramplog import demo as generator
    from cramplog.db import open_engine, session_scope

    tz = timeutil.system_zone_name()
    current = timeutil.now(timeutil.zone(tz))
    end = timeutil.last_night(current)
    if current.replace(tzinfo=None) < _morning_after(end):
        end -= timedelta(days=1)  # last night's cramps may not all be over yet
    # Written to a temporary file first and moved into place, so a failure leaves no half diary.
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    _remove_sqlite_files(temporary)
    try:
        engine = open_engine("sqlite:///" + str(temporary))
        try:
            with session_scope(engine, write=True) as session:
                summary = generator.generate(
                    session,
                    end,
                    seed=DEFAULT_DEMO_SEED if seed is None else seed,
                    months=months,
                    tz=tz,
                )
        finally:
            engine.dispose()
        _remove_sqlite_files(target)
        os.replace(temporary, target)
    finally:
        _remove_sqlite_files(temporary)
    _print_demo(target, summary)


def _morning_after(night: date) -> Any:
    from datetime import datetime, time

    from cramplog.demo import LATEST_CRAMP

    return datetime.combine(night + timedelta(days=1), time()) + LATEST_CRAMP


def _print_demo(target: Path, s: Any) -> None:
    import shlex

    where = shlex.quote(str(target))
    click.echo(
        f"Wrote a synthetic demo diary to {target}: {s.nights} nights "
        f"({_span(s.start.isoformat(), s.end.isoformat())}), {s.observed_nights} logged, "
        f"{s.episodes} cramps on {s.cramp_nights} nights (seed {s.seed})."
    )
    click.echo(
        "Planted effects: less than 1.5 L of water 2.5x, the tight work shoes 2x, "
        "hydrochlorothiazide 2x, stretching before bed 0.5x; alcohol, caffeine, exercise, "
        "heels and sitting have none (details: pydoc cramplog.demo)."
    )
    click.echo("Try:")
    for command in ("stats", "insights", "check"):
        click.echo(f"  cramplog --db {where} {command}")
    click.echo("Your own diary is not touched.")


COMMANDS: list[click.Command] = [stats, insights, demo]
