"""Self-trials: trial plan / show / result."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from cramplog.cli import Diary, pass_diary
from cramplog.cli.shared import clock

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from cramplog.models import Trial

NO_TRIAL = (
    "No self-trial planned. Plan one: cramplog trial plan stretched --pairs 4 --period-days 7 "
    "--washout-days 1"
)


@click.group()
def trial() -> None:
    """Randomised on/off self-trials of one habit (N-of-1 trials)."""


def _nights(session: Session) -> tuple[Any, Any]:
    """Tonight (the night beginning this evening) and last night."""
    from cramplog import diary as ops
    from cramplog import timeutil

    current, _ = clock(session)
    return current.date(), timeutil.last_night(current, ops.boundary(session))


@trial.command("plan")
@click.argument("factor", metavar="FACTOR")
@click.option("--pairs", type=int, default=4, show_default=True, help="Pairs of on/off periods.")
@click.option(
    "--period-days", type=int, default=7, show_default=True, help="Nights in each period."
)
@click.option(
    "--washout-days",
    type=int,
    default=1,
    show_default=True,
    help="Nights at the start of each period left out of the analysis.",
)
@click.option("--start", metavar="DATE", help="The first night (default: tonight; may be past).")
@click.option("--seed", type=int, help="The random draw's seed (default: a fresh one; stored).")
@click.option(
    "--change",
    metavar="REASON",
    help="Change the running trial's schedule; the change and its reason are recorded.",
)
@pass_diary
def plan(
    diary: Diary,
    factor: str,
    pairs: int,
    period_days: int,
    washout_days: int,
    start: str | None,
    seed: int | None,
    change: str | None,
) -> None:
    """Plan a trial of FACTOR: stretched, or one of your own yes/no factors.

    Each pair is a period on and a period off, in an order drawn by chance.
    """
    from cramplog import journal, timeutil
    from cramplog.cli.entries import date_rules
    from cramplog.trials import power, store, tonight, words
    from cramplog.trials.schedule import MAX_PAIRS

    store.check_plan(pairs, period_days, washout_days)
    with diary.writing(f"planned a trial of {factor}") as session:
        current, _ = clock(session)
        first = (
            timeutil.parse_date(start, current.date(), "--start", date_rules(session), ahead=366)
            if start is not None
            else current.date()
        )
        t = store.plan(
            session,
            name=factor,
            pairs=pairs,
            period_days=period_days,
            washout_days=washout_days,
            start=first,
            seed=seed,
            tonight=current.date(),
            now=current,
            change=change,
        )
        name = store.factor_name(t)
        s = store.schedule_of(t)
        changed = store.changes_of(t)
        what = "changed the trial" if change else "planned a trial"
        journal.describe(session, f"{what} of {name}, {s.start} to {s.end}")
        base = store.base_rate(session, s.start)
        line = tonight.arm_line(t, current.date())
        lines = words.plan_lines(name, s, t.seed)
        seed_used = t.seed
    head = "Changed the self-trial" if change else "Planned a self-trial"
    click.echo(f"{head} of {words.habit(name)}.")
    for text in lines:
        click.echo(present_terminal(text))
    if changed and change:
        click.echo(f"Recorded change: {changed[-1]['at']}: {present_terminal(changed[-1]['what'])}")
    p = power.plan_power(
        s.pairs,
        s.period_days,
        s.washout_days,
        observed_nights=base[0],
        cramp_nights=base[1],
        episodes=base[2],
        max_pairs=MAX_PAIRS,
        seed=seed_used,
    )
    for text in words.power_lines(p, s.pairs):
        click.echo(text)
    if line:
        click.echo(line)
    click.echo(
        f"Record each day whether you did it ({_record_hint(name)}), so adherence can be "
        f"checked. Undo with: {diary.undo_command}"
    )


def present_terminal(text: str) -> str:
    from cramplog import present

    return present.terminal(text)


def _record_hint(name: str) -> str:
    if name == "stretched":
        return "cramplog day --stretched, or --no-stretched"
    return f'cramplog day --factor "{name}", or --factor "{name}=no"'


def show_dict(t: Trial, tonight_night: Any) -> dict[str, Any]:
    from cramplog.trials import store

    s = store.schedule_of(t)
    period = s.period_of(tonight_night)
    return {
        "factor": store.factor_name(t),
        "builtin": t.factor_id is None,
        "start": s.start.isoformat(),
        "end": s.end.isoformat(),
        "pairs": s.pairs,
        "period_days": s.period_days,
        "washout_days": s.washout_days,
        "seed": t.seed,
        "periods": [
            {"pair": p.pair, "start": p.start.isoformat(), "end": p.end.isoformat(), "arm": p.arm}
            for p in s.periods()
        ],
        "changes": store.changes_of(t),
        "ended": t.ended_at is not None,
        "tonight": None
        if period is None or t.ended_at is not None
        else {
            "night": tonight_night.isoformat(),
            "arm": period.arm,
            "pair": period.pair,
            "washout": tonight_night < period.counted_from,
        },
    }


@trial.command("show")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_diary
def show(diary: Diary, as_json: bool) -> None:
    """The schedule, and what tonight asks."""
    from cramplog import present
    from cramplog.trials import store, tonight, words

    with diary.reading() as session:
        t = store.latest_trial(session)
        if t is None:
            data = None
        else:
            night, _ = _nights(session)
            data = show_dict(t, night)
            line = tonight.arm_line(t, night)
            s = store.schedule_of(t)
            name = store.factor_name(t)
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    if data is None:
        click.echo(NO_TRIAL)
        return
    click.echo(f"Self-trial of {words.habit(name)}:")
    for text in words.plan_lines(name, s, data["seed"]):
        click.echo(present.terminal(text))
    click.echo(f"{'pair':>4}  {'arm':<4} nights")
    for p in s.periods():
        mark = (
            "  <- tonight"
            if data["tonight"]
            and data["tonight"]["pair"] == p.pair
            and (data["tonight"]["arm"] == p.arm)
            else ""
        )
        click.echo(f"{p.pair:>4}  {p.arm:<4} {present.span(p.start, p.end)}{mark}")
    for c in data["changes"]:
        click.echo(present.terminal(f"Recorded after it began, {c['at']}: {c['what']}"))
    if line:
        click.echo(line)
    elif data["ended"]:
        click.echo("The trial was ended.")


@trial.command("result")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_diary
def result(diary: Diary, as_json: bool) -> None:
    """The trial's answer so far, with its uncertainty."""
    from cramplog import present
    from cramplog.trials import analysis, store, words

    with diary.reading() as session:
        t = store.latest_trial(session)
        if t is None:
            if as_json:
                click.echo("null")
            else:
                click.echo(NO_TRIAL)
            return
        _, last = _nights(session)
        s = store.schedule_of(t)
        nights = store.trial_nights(session, t, last)
        name = store.factor_name(t)
        changes = store.changes_of(t)
        seed = t.seed
        ended = t.ended_at is not None
    res = analysis.result(s, nights)
    finished = last >= s.end
    if as_json:
        data = result_dict(name, s, seed, res, changes, finished)
        data["ended"] = ended
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(
        f"Self-trial of {words.habit(name)}, {present.day(s.start)} to {present.day(s.end)}."
    )
    for text in words.result_lines(name, res, s, finished, ended):
        click.echo(text)
    for c in changes:
        click.echo(present.terminal(f"Recorded after it began, {c['at']}: {c['what']}"))


@trial.command("end")
@click.option("--reason", metavar="TEXT", help="Why it ends early (recorded with the result).")
@pass_diary
def end(diary: Diary, reason: str | None) -> None:
    """End the running trial early; its nights so far stay and can still be analysed."""
    from cramplog import journal
    from cramplog.trials import store

    with diary.writing("ended the trial") as session:
        current, _ = clock(session)
        t = store.end(session, tonight=current.date(), now=current, reason=reason)
        name = store.factor_name(t)
        journal.describe(session, f"ended the trial of {name}")
    click.echo(
        f"Ended the self-trial of {name}. See: cramplog trial result. Undo with: cramplog undo"
    )


def result_dict(
    name: str, s: Any, seed: int, res: dict[str, Any], changes: list[Any], finished: bool
) -> dict[str, Any]:
    out = {k: v for k, v in res.items() if k != "periods"}
    out["factor"] = name
    out["seed"] = seed
    out["finished"] = finished
    out["changes"] = changes
    out["periods"] = [
        {
            **{k: v for k, v in p.items() if k not in ("start", "end", "counted_from")},
            "start": p["start"].isoformat(),
            "end": p["end"].isoformat(),
        }
        for p in res["periods"]
    ]
    return out


COMMANDS = [trial]
