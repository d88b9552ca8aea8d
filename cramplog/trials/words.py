"""A trial's results and plans in sentences a person reads, for the terminal and the packet.

They respect the uncertainty: a difference that could be chance is called that, nothing is
ever said to be proved, and the smallest randomisation p a short trial can reach is said.
Numbers go through cramplog.present like every other value.
"""

from __future__ import annotations

from typing import Any

from cramplog import present
from cramplog.trials.analysis import smallest_randomization_p
from cramplog.trials.power import ALPHA, TARGET, Power
from cramplog.trials.schedule import MAX_PAIRS, Schedule

# Cramps per cramp night above which the rate test's p is said to be too small (its null
# false-positive rate is about 4% at 1.4 and 10% at 2.0: tests/test_trial_planted.py).
CLUSTERED = 1.25


def habit(name: str) -> str:
    """How the factor reads in a sentence: "stretching before bed", "leg elevated"."""
    return "stretching before bed" if name == "stretched" else f'"{name}"'


def pairs_needed_for_randomization(alpha: float = ALPHA) -> int:
    k = 1
    while smallest_randomization_p(k) >= alpha:
        k += 1
    return k


def plan_lines(name: str, s: Schedule, seed: int) -> list[str]:
    counted = s.period_days - s.washout_days
    lines = [
        f"{present.plural(s.pairs, 'pair')} of {present.plural(s.period_days, 'night')} on and "
        f"{present.plural(s.period_days, 'night')} off ({present.plural(s.nights, 'night')}), "
        f"{present.day(s.start)} to {present.day(s.end)}.",
    ]
    if s.washout_days:
        first = (
            "The first night of each period is a washout night: keep to the plan, but it is"
            if s.washout_days == 1
            else f"The first {s.washout_days} nights of each period are washout nights: keep to "
            "the plan, but they are"
        )
        lines.append(
            f"{first} not counted (an effect of the period before may linger), so "
            f"{counted} of each period's {s.period_days} nights count."
        )
    order = "; ".join(f"pair {i + 1} {a} then {b}" for i, (a, b) in enumerate(s.arms))
    lines.append(f"Order drawn by chance (seed {seed}): {order}.")
    return lines


def power_lines(p: Power, pairs: int) -> list[str]:
    if p.rate_from_diary:
        basis = (
            f"this diary's own base rate: cramps on {present.fraction(p.base_rate)} of "
            f"{present.plural(p.observed_nights, 'logged night')} in the 90 nights before it "
            f"starts, {present.number(p.cramps_per_cramp_night, 1)} cramps per cramp night, each "
            "cramp night counted once"
        )
    else:
        basis = (
            f"an assumed base rate of cramps on {present.fraction(p.base_rate)} of nights "
            f"(the diary has {present.plural(p.observed_nights, 'logged night')} in the 90 "
            f"before it starts, too few to know its own)"
        )
    lines = [
        f"Chance of detecting a halving of cramp nights: about {present.fraction(p.power)} "
        f"({p.simulations:,} simulated trials, seed {p.seed}, with {basis}, every night "
        f"logged; detected means the exact rate test gives p < {ALPHA:g})."
    ]
    if p.power < TARGET:
        if p.suggested_pairs is not None:
            lines.append(
                f"That is under {present.fraction(TARGET)}: "
                f"{present.plural(p.suggested_pairs, 'pair')} would give about "
                f"{present.fraction(p.suggested_power)}."
            )
        else:
            lines.append(
                f"That is under {present.fraction(TARGET)}, and even {MAX_PAIRS} pairs (the most "
                f"allowed) would give only about {present.fraction(p.max_pairs_power)}. "
                "A shorter trial can still show which way things lean."
            )
            if p.longer is not None:
                k, days, value = p.longer
                lines.append(
                    f"Longer periods help: {present.plural(k, 'pair')} of {days}-night periods "
                    f"({k * 2 * days} nights) would give about {present.fraction(value)}."
                )
    floor = smallest_randomization_p(pairs)
    if floor >= ALPHA:
        lines.append(
            f"With {present.plural(pairs, 'pair')}, the randomisation test can never give p "
            f"below {floor:.3g}, so never below {ALPHA:g}: that needs at least "
            f"{pairs_needed_for_randomization()} pairs."
        )
    return lines


def _p(p: float | None) -> str:
    return present.DASH if p is None else present.p_value(p)


def _rate(value: Any) -> str:
    return present.number(value, 2)


def result_lines(
    name: str, res: dict[str, Any], s: Schedule, finished: bool, ended: bool = False
) -> list[str]:
    on, off = res["arms"]["on"], res["arms"]["off"]
    what = habit(name)
    lines = []
    planned = on["nights_planned"] + off["nights_planned"]
    logged = on["nights_observed"] + off["nights_observed"]
    if ended and not finished:
        lines.append("The trial was ended early: these are the nights it ran.")
    elif not finished:
        lines.append(
            f"The trial is not finished (its last night is {present.day(s.end)}): these "
            "figures will change."
        )
    if planned == 0:
        lines.append("No counted night of the trial has passed yet.")
        return lines
    lines.append(
        f"Counted{'' if finished else ' so far'}: {present.plural(planned, 'night')} "
        "(washout nights left out), "
        f"{logged} logged ({on['nights_observed']} on, {off['nights_observed']} off), "
        f"{planned - logged} not logged."
    )
    lines.append(f"On nights ({what}): {_arm_text(on)}. Off nights: {_arm_text(off)}.")
    lines.extend(_verdict(res, what))
    cramp_nights = on["cramp_nights"] + off["cramp_nights"]
    episodes = on["episodes"] + off["episodes"]
    if cramp_nights and episodes / cramp_nights > CLUSTERED:
        lines.append(
            f"Cramps came {present.number(episodes / cramp_nights, 1)} to a cramp night on "
            "average: cramps that come together make the rate test's p smaller than it should "
            "be, so the cramp-night comparison and the randomisation test are the safer guide."
        )
    floor = res["randomization_p_min"]
    rp = res["randomization_p"]
    if rp is not None:
        text = (
            f"Randomisation test: {_p(rp)} (the share of all "
            f"{2**s.pairs:,} orders the draw could have made that give a difference at least "
            "this large)."
        )
        if floor >= ALPHA:
            text += (
                f" With {present.plural(s.pairs, 'pair')} it can never be below {floor:.3g}, "
                f"so it can never reach p < {ALPHA:g} (that needs "
                f"{pairs_needed_for_randomization()} pairs or more)."
            )
        lines.append(text)
    lines.append(_adherence(on, off))
    done = res["as_done"]
    d_on, d_off = done["arms"]["on"], done["arms"]["off"]
    if done["rate_ratio"] is not None:
        lines.append(
            f"By what was recorded each day instead (not randomised, so weaker evidence): "
            f"{_rate(d_on['rate'])} cramps per logged night with {what} "
            f"({d_on['nights_observed']} nights) against {_rate(d_off['rate'])} without "
            f"({d_off['nights_observed']}), {present.ratio(done['rate_ratio'])} times the rate "
            f"({_ci(done)}; {_p(done['p_value'])})."
        )
    return lines


def _arm_text(arm: dict[str, Any]) -> str:
    if not arm["nights_observed"]:
        return "none logged yet"
    return (
        f"{present.plural(arm['episodes'], 'cramp')}, cramps on "
        f"{present.share(arm['cramp_nights'], arm['nights_observed'], 'logged night')}, "
        f"{_rate(arm['rate'])} per logged night"
    )


def _ci(res: dict[str, Any]) -> str:
    high = "no upper limit" if res["ci_high"] is None else present.ratio(res["ci_high"])
    return f"95% CI {present.ratio(res['ci_low'])} to {high}"


def _verdict(res: dict[str, Any], what: str) -> list[str]:
    if res["p_value"] is None:
        return ["Each arm needs a logged night before the two can be compared."]
    if res["rate_ratio"] is None:
        head = "No cramps on off nights yet, so the ratio has no upper bound"
    else:
        head = (
            f"Cramps per logged night, on over off: {present.ratio(res['rate_ratio'])} times "
            f"the rate ({_ci(res)}; {_p(res['p_value'])}, exact rate test)"
        )
    includes_one = (
        res["ci_low"] is not None
        and res["ci_low"] <= 1.0
        and (res["ci_high"] is None or res["ci_high"] >= 1.0)
    )
    if res["p_value"] < ALPHA and includes_one:
        tail = (
            f"Borderline: p is below {ALPHA:g} but the 95% CI still includes 1 (no difference), "
            "so this could still be chance."
        )
    elif res["p_value"] < ALPHA:
        lower = res["rate_ratio"] is not None and res["rate_ratio"] < 1
        direction = "fewer" if lower else "more"
        tail = (
            f"A difference this large would seldom come by chance alone: in this trial, "
            f"{what} went with {direction} cramps. One trial is one piece of evidence, "
            "not proof; a repeat would make it firmer."
        )
    else:
        tail = (
            "This could be chance: the 95% CI includes 1 (no difference), so the trial cannot "
            "tell whether the habit changes your cramps."
        )
    rr = res["risk_ratio"]
    risk = ""
    if rr is not None:
        risk = (
            f" Cramp nights, on over off: {present.ratio(rr)} times as often (95% CI "
            f"{present.ratio(res['risk_ci_low'])} to {present.ratio(res['risk_ci_high'])}; "
            f"Fisher {_p(res['fisher_p'])})."
        )
    return [head + "." + risk, tail]


def _adherence(on: dict[str, Any], off: dict[str, Any]) -> str:
    parts = []
    for label, arm in (("on", on), ("off", off)):
        if arm["adherence"] is None:
            parts.append(f"{label} nights: not recorded")
        else:
            parts.append(
                f"{present.fraction(arm['adherence'])} of {label} nights where it was "
                f"recorded ({arm['factor_recorded_nights']})"
            )
    missing = on["factor_unrecorded_nights"] + off["factor_unrecorded_nights"]
    return (
        f"Kept to the plan: {'; '.join(parts)}. The habit was not recorded on "
        f"{present.plural(missing, 'counted night')}."
    )
