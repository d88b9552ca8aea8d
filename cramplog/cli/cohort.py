"""`cohort`: every person of the diary at once, for a study or a caregiver.

The figures are counted by grouped SQL (cramplog.cohort); this module picks the period as
`stats` does, and prints a table, JSON or CSV. No pandas: a study of a thousand people is
summarised in well under a second.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from typing import Any

import click

from cramplog import present
from cramplog.cli import Diary, pass_diary
from cramplog.errors import InputError

STATS_WEEKS = 4  # as `stats`: the last 4 weeks ending last night
NAME_WIDTH = 32  # at most; the column is as wide as the longest name

# CSV columns after `person`: the period's endpoint keys, then `previous_*`, `responder_*`.
_RESPONDER_KEYS = (
    "baseline_start",
    "baseline_end",
    "baseline_nights_observed",
    "baseline_cramps_per_week",
    "cramps_per_week",
    "reduction",
    "responder_25",
    "responder_50",
)


@click.command()
@click.option("--weeks", type=int, metavar="N", help="The last N weeks (default: 4).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--csv", "as_csv", is_flag=True, help="One row per person, with a header.")
@pass_diary
def cohort(diary: Diary, weeks: int | None, as_json: bool, as_csv: bool) -> None:
    """Every person's cramps this period against the period before, and pooled figures:
    the same numbers as each person's own `stats`, for all of them at once."""
    from cramplog import cohort as figures
    from cramplog import timeutil
    from cramplog.cli.analysis import MAX_WEEKS
    from cramplog.db import session_scope

    if as_json and as_csv:
        raise InputError("--csv", "give --json or --csv, not both", "--json or --csv")
    count = STATS_WEEKS if weeks is None else weeks
    if not 1 <= count <= MAX_WEEKS:
        raise InputError(
            "--weeks", f"{count} is out of range", f"a whole number from 1 to {MAX_WEEKS}"
        )
    # Everyone's rows: not Diary.reading(), which keeps a session to one person. The period
    # is the one `stats --weeks N` picks, by the diary's own clock and day boundary.
    diary.check_exists()
    with session_scope(diary.engine) as session:
        diary_wide = figures.diary_settings(session)
        zone = timeutil.zone(diary_wide["timezone"] or timeutil.system_zone_name())
        boundary = timeutil.parse_boundary(str(diary_wide["day_boundary"]))
        end = timeutil.last_night(timeutil.now(zone), boundary)
        start = end - timedelta(days=7 * count - 1)
        baseline = diary_wide["baseline_start"]
        result = figures.summary(
            session,
            start,
            end,
            baseline_start=date.fromisoformat(baseline) if baseline else None,
            min_rate_nights=diary_wide["min_rate_nights"],
        )
    if as_json:
        click.echo(to_json(result))
    elif as_csv:
        click.echo(to_csv(result["persons"]), nl=False)
    else:
        _print(result, weeks or STATS_WEEKS)


def to_json(result: dict[str, Any]) -> str:
    """The JSON document, indented as `stats --json` is but with each person on one line: the
    same document in a fifth of the time for a thousand people (json's C encoder runs only
    without indenting), and a line per person to read or grep."""
    fields = []
    for key, value in result.items():
        if key == "persons":
            lines = ",\n".join(f"    {json.dumps(p)}" for p in value)
            text = f"[\n{lines}\n  ]" if lines else "[]"
        else:
            text = json.dumps(value, indent=2).replace("\n", "\n  ")
        fields.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(fields) + "\n}"


# --- CSV -----------------------------------------------------------------------------------


def csv_columns() -> list[str]:
    from cramplog.cohort import ENDPOINT_KEYS

    return [
        "person",
        *ENDPOINT_KEYS,
        *(f"previous_{k}" for k in ENDPOINT_KEYS),
        *(f"responder_{k}" for k in _RESPONDER_KEYS),
        "min_rate_nights",
    ]


def _flat(entry: dict[str, Any]) -> dict[str, Any]:
    row = {k: v for k, v in entry.items() if k not in ("previous", "responder")}
    row.update({f"previous_{k}": v for k, v in entry["previous"].items()})
    responder = entry["responder"] or {}
    row.update({f"responder_{k}": responder.get(k) for k in _RESPONDER_KEYS})
    return row


def _cell(value: Any) -> str:
    """A CSV cell: empty for null (unknown), true/false as in the JSON, floats in full."""
    from cramplog.io.csvzip import guard

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    # A name a spreadsheet would run as a formula gets a '; control characters (an escape
    # sequence typed into a name) are written escaped, as on the terminal.
    return guard(present.terminal(str(value)))


def to_csv(persons: list[dict[str, Any]]) -> str:
    columns = csv_columns()
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for entry in persons:
        row = _flat(entry)
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


# --- the table -----------------------------------------------------------------------------


def _name(text: str) -> str:
    return present.terminal(present.shorten(text, NAME_WIDTH - 2))


def _cramps(e: dict[str, Any]) -> str:
    """The period's cramps; a dash when no night was logged (nothing known, not "none")."""
    return str(e["episodes"]) if e["nights_observed"] else present.DASH


def _rate(e: dict[str, Any]) -> str:
    return present.number(e["cramps_per_week"], 1)


def _print(r: dict[str, Any], weeks: int) -> None:
    persons, pool = r["persons"], r["pooled"]
    what = "Last week" if weeks == 1 else f"Last {weeks} weeks"
    click.echo(
        f"{what}: {present.day(r['period_start'])} to {present.day(r['period_end'])}, "
        f"{present.plural(len(persons), 'person', 'people')}"
    )
    if not persons:
        click.echo("No one is in this diary yet: add people with cramplog person add NAME.")
        return
    names = [_name(e["person"]) for e in persons]
    width = max(len("person"), *(len(n) for n in names)) + 2
    click.echo("")
    click.echo(
        f"{'person':<{width}}{'logged':>8}{'cramps':>8}{'per week':>10}{'before':>9}"
        f"{'severity':>10}{'woken':>9}"
    )
    for e, name in zip(persons, names, strict=True):
        prev = e["previous"]
        woken = present.DASH
        if e["woke_nights"] is not None:
            woken = f"{e['woke_nights']}/{e['woke_known_nights']}"
        click.echo(
            f"{name:<{width}}{present.fraction(e['completeness']):>8}{_cramps(e):>8}"
            f"{_rate(e):>10}{_rate(prev):>9}{present.number(e['mean_severity'], 1):>10}"
            f"{woken:>9}"
        )
    click.echo("")
    click.echo("logged: share of the period's nights logged; per week: cramps per 7 logged")
    click.echo(
        f"nights ({present.DASH}: fewer than {persons[0]['min_rate_nights']} nights logged); "
        "before: the same length just before;"
    )
    click.echo("severity: mean 0-10 of the rated cramps; woken: nights woken of those known.")
    click.echo("")
    enough = pool["persons_with_enough_data"]
    click.echo(
        f"Pooled: {enough} of {present.plural(pool['persons'], 'person', 'people')} with "
        "enough nights logged for a rate."
    )
    if enough:
        click.echo(
            f"  cramps per week: median {present.number(pool['cramps_per_week_median'], 1)}, "
            f"quartiles {present.number(pool['cramps_per_week_q1'], 1)} to "
            f"{present.number(pool['cramps_per_week_q3'], 1)} (among those with enough data)"
        )
    click.echo(
        f"  completeness: {present.fraction(pool['completeness'])} of all person-nights logged "
        f"(median per person {present.fraction(pool['completeness_median'])})"
    )
    click.echo("Nights not logged are left out, never counted as cramp-free. The figures are")
    click.echo("each person's own cramplog stats.")


COMMANDS: list[click.Command] = [cohort]
