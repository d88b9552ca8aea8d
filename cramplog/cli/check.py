"""`cramplog check`: the provider-visit flags, most pressing first, each with its source.

pandas, the nightly frame and the rules are imported inside the command, so that `--help`
and `log` never pay for them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from cramplog.cli import Diary

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from cramplog.flags import Check, Flag

FOOTER = (
    "cramplog keeps a diary; it cannot tell what causes cramps. These suggestions rest only on "
    "what you logged. Every rule, its threshold and its source: docs/clinical-rules.md in "
    "cramplog's source."
)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--exit-code", is_flag=True, help="Exit with status 1 when any flag trips (for scripts)."
)
@click.pass_context
def check(ctx: click.Context, as_json: bool, exit_code: bool) -> None:
    """Whether anything in the diary is worth raising with a healthcare provider.

    Lists every rule that trips, most pressing first (urgent, soon, routine, talk to your
    prescriber), with the numbers behind it, since when, what to consider doing, and the
    source. Thresholds are settings: cramplog config show.
    """
    from cramplog import flags

    diary = ctx.find_object(Diary)
    assert diary is not None
    with diary.reading() as session:
        result, extra = _evaluate(session, flags)
    if as_json:
        payload = {
            "flags": [f.to_dict() for f in result.flags],
            "checked": result.checked,
            **extra,
        }
        click.echo(json.dumps(payload, indent=2))
    else:
        _print(result, extra)
    if exit_code and result.flags:
        ctx.exit(1)


def _evaluate(session: Session, flags: Any) -> tuple[Check, dict[str, Any]]:
    """Build the frame over the whole diary and evaluate the rules; plus what to show beside."""
    from cramplog import diary as ops
    from cramplog import frame, knowledge, timeutil
    from cramplog.cli.entries import clock

    current, _ = clock(session)
    last = timeutil.last_night(current, ops.boundary(session))
    # A cramp already logged for tonight must be inside the frame, too.
    end = max(last, frame.last_logged_night(session) or last)
    nightly = frame.build(session, None, end)
    who = ops.person(session, create=False)
    profile = [c.condition for c in who.conditions] if who else []
    aliases = ops.medication_aliases(session)
    result = flags.evaluate(
        nightly, profile_conditions=profile, aliases=aliases, today=current.date()
    )
    table = knowledge.conditions()
    conditions = [
        {"id": cid, "name": table[cid].name, "source": knowledge.cite(table[cid].source)}
        for cid in result.conditions
    ]
    medicines = []
    for med in nightly.medications:
        found = knowledge.match_medication(str(med["name"]), aliases)
        stopped = med.get("stopped")
        if found is None or (stopped is not None and stopped < result.last_night):
            continue
        medicines.append(
            {
                "name": med["name"],
                "class": found.name,
                "association": found.association,
                "source": knowledge.cite(found.source),
            }
        )
    extra = {
        "last_night": result.last_night.isoformat(),
        "last_logged": result.last_logged.isoformat() if result.last_logged else None,
        "recent_nights": result.recent_nights,
        "recent_logged_nights": result.recent_logged,
        "conditions": conditions,
        "medicines": medicines,
    }
    return result, extra


def _friendly(iso: str | None) -> str:
    from cramplog import present

    return present.day(iso) if iso else "never"


def _print(result: Check, extra: dict[str, Any]) -> None:
    from cramplog import present

    click.echo(f"Provider-visit check for the nights to {present.day(result.last_night)}")
    click.echo(_coverage(result))
    click.echo("")
    if result.flags:
        click.echo(
            f"{present.plural(len(result.flags), 'thing')} worth raising with a healthcare "
            "provider, most pressing first:"
        )
        for number, flag in enumerate(result.flags, 1):
            click.echo("")
            for line in flag_lines(flag, number):
                click.echo(line)
    else:
        click.echo(
            "Nothing tripped: none of the rules for suggesting a visit to a healthcare provider "
            "applies to this diary."
        )
    _print_checked(result)
    _print_profile(extra)
    click.echo("")
    click.echo(FOOTER)


def flag_lines(flag: Flag, number: int) -> list[str]:
    """One flag as printed: level and title, the numbers, since when, advice, source."""
    from cramplog import knowledge, present

    lines = [
        f"{number}. {knowledge.level_label(flag.level).upper()}: {flag.title}",
        f"   {flag.message}",
    ]
    if flag.since:
        lines.append(f"   Since: {present.day(flag.since)}")
    lines.append(f"   Suggestion: {flag.advice}")
    lines.append(f"   Source: {flag.source}")
    return lines


def _coverage(result: Check) -> str:
    if result.last_logged is None:
        return (
            "No nights are logged yet, so there is nothing to check. Log last night with "
            "`cramplog log` (a cramp) or `cramplog none` (no cramps)."
        )
    logged = (
        f"{result.recent_logged} of the last {result.recent_nights} nights logged; "
        f"last logged night {_friendly(result.last_logged.isoformat())}."
    )
    if result.recent_logged == 0:
        return (
            f"{logged} Rules about recent weeks look only at logged nights, so log nights to "
            "keep this check useful."
        )
    if result.recent_logged < result.recent_nights:
        return f"{logged} Nights not logged count as unknown, never as cramp-free."
    return logged


def _print_checked(result: Check) -> None:
    from cramplog import knowledge

    rules = knowledge.rules()
    click.echo("")
    click.echo(f"Checked {len(result.checked)} rules:")
    tripped = {f.rule for f in result.flags}
    for rule_id in result.checked:
        mark = "tripped" if rule_id in tripped else "ok"
        click.echo(f"  {mark:<8} {rule_id:<17} {rules[rule_id].title}")


def _print_profile(extra: dict[str, Any]) -> None:
    from cramplog import knowledge

    if extra["conditions"]:
        click.echo("")
        click.echo("Conditions in your profile that are linked with night cramps:")
        for cond in extra["conditions"]:
            click.echo(f"  {cond['name']} (source: {cond['source']})")
        click.echo(
            "  While a condition is listed, the no_obvious_cause rule does not apply: the "
            "condition is itself a recorded risk factor."
        )
    if extra["medicines"]:
        click.echo("")
        click.echo("Medicines on your list that have been reported with night cramps:")
        for med in extra["medicines"]:
            click.echo(f"  {med['name']} ({med['class']}: {med['association']})")
            click.echo(f"    source: {med['source']}")
        click.echo(f"  {knowledge.MEDICATION_ADVICE}")


COMMANDS: list[click.Command] = [check]
