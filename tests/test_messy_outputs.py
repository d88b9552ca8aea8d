"""Every reading command, every chart and both reports over many messy diaries (tests/messy.py).

Each output must: exit 0 without a traceback; carry no `nan`, `None`, `NaT`, `<NA>` or `null`
in its text (JSON null is fine) or its PDF's text; never show a value that was not recorded as
"no" or "0"; and print the counts (nights logged, cramp nights, cramps, completeness) that
`list --all --json` gives when counted by hand.

The default run is quick (about 30 diaries of up to 120 nights, spread over the commands, and
a small hypothesis run). A deeper run, for before a release or after touching the outputs:

    CRAMPLOG_MESSY=deep pytest -q tests/test_messy_outputs.py

runs 100 diaries of any length (1 night to 3 years), every command on every diary, and 200
hypothesis examples (half an hour or more on a 2-core machine); add CRAMPLOG_MESSY_WRITE=ops to
write every row through cramplog.diary's operations instead of messy.fill_direct (slower).

Cases that fail today because of an item of issue 9 another helper is fixing are marked
xfail(strict=True) with that item: once fixed they pass, strict turns them red, and the mark
is removed at merge.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from messy import LAST_NIGHT, MessyDiary, make_messy_diary, messy_plans

DEEP = os.environ.get("CRAMPLOG_MESSY") == "deep"
SEEDS = list(range(100 if DEEP else 24))
MAX_NIGHTS = None if DEEP else 90
# Rows go straight from the plan (messy.fill_direct: the same rows as the diary operations
# write, shown by tests/test_messy_generator.py), unless CRAMPLOG_MESSY_WRITE=ops.
DIRECT = os.environ.get("CRAMPLOG_MESSY_WRITE") != "ops"
# Named diaries with a planted truth, beside the seeded ones.
PLANTED: dict[str, dict[str, Any]] = {
    # Waking and stretching never asked (the only yes/no columns of the tables), cramps often.
    "no-woke": {
        "seed": 1001,
        "nights": 60,
        "gap_weeks": 0,
        "never": frozenset({"woke", "stretched"}),
    },
    # Side never given.
    "no-side": {"seed": 1002, "nights": 60, "gap_weeks": 0, "never": frozenset({"side"})},
    # A year and a half, ending six weeks ago.
    "long": {"seed": 1003, "nights": 550, "gap_weeks": 6},
    # One night.
    "one-night": {"seed": 1004, "nights": 1, "gap_weeks": 0},
}

CHART_NAMES = ("trend", "calendar", "time_of_night", "severity", "sites", "forest", "week")
# Words that are a program's missing value, not a person's: Python's None (but "None of the
# rules"), pandas' NaN/NaT/<NA>, JSON's null leaking into text.
BAD = re.compile(r"\bnan\b|\bNaN\b|\bNone\b(?! of\b)|\bNaT\b|<NA>|\bnull\b")


def _spread(names: tuple[str, ...] | list[str], every: int) -> list[tuple[str, str | int]]:
    """Pairs (name, diary): each name over every `every`-th seed, offset so all seeds are used."""
    if DEEP:
        every = 1
    return [
        (name, seed) for i, name in enumerate(names) for seed in SEEDS if seed % every == i % every
    ]


# --- the diaries -------------------------------------------------------------------------


@dataclass
class Built:
    path: Path
    diary: MessyDiary
    _truth: Truth | None = None

    @property
    def truth(self) -> Truth:
        if self._truth is None:
            self._truth = Truth.of(self.path)
        return self._truth


@pytest.fixture(scope="module")
def diaries(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str | int], Built]:
    """Each diary built once, on first use (the plan is pure: no clock needed to build it)."""
    base = tmp_path_factory.mktemp("messy")
    cache: dict[str | int, Built] = {}

    def get(key: str | int) -> Built:
        if key not in cache:
            path = base / f"{key}.db"
            if isinstance(key, str):
                spec = dict(PLANTED[key])
                diary = make_messy_diary(path, spec.pop("seed"), direct=DIRECT, **spec)
            else:
                diary = make_messy_diary(path, key, direct=DIRECT, max_nights=MAX_NIGHTS)
            cache[key] = Built(path, diary)
        return cache[key]

    return get


def run(path: Path, *args: str) -> Result:
    """`cramplog --db PATH ARGS`, in-process, catching what escapes so a test can report it."""
    from cramplog.cli import main

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = CliRunner().invoke(main, ["--db", str(path), *args], catch_exceptions=True)
    result.caught_warnings = [str(w.message) for w in caught]  # type: ignore[attr-defined]
    return result


def assert_clean(result: Result, what: str) -> None:
    """Exit 0, no exception escaped, one line on stderr at most."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(
            f"{what}: {type(result.exception).__name__}: {result.exception}"
        ) from (result.exception)
    assert result.exit_code == 0, f"{what}: exit {result.exit_code}: {result.output[-500:]}"
    assert "Traceback" not in result.output


def assert_no_missing_words(text: str, what: str) -> None:
    found = BAD.search(text)
    if found:
        around = text[max(0, found.start() - 80) : found.end() + 40]
        raise AssertionError(f"{what} prints {found.group()!r}: ...{around}...")


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


# --- counting by hand, from list --all --json ----------------------------------------------


@dataclass
class Truth:
    episodes: list[dict[str, Any]]  # live ones
    free: set[date]

    @classmethod
    def of(cls, path: Path) -> Truth:
        result = run(path, "list", "--all", "--json")
        assert_clean(result, "list --all --json")
        data = json.loads(result.output)
        return cls(
            [e for e in data["episodes"] if not e["deleted"]],
            {date.fromisoformat(n) for n in data["cramp_free_nights"]},
        )

    def period(self, start: date, end: date) -> dict[str, Any]:
        eps = [e for e in self.episodes if start <= date.fromisoformat(e["night"]) <= end]
        cramp = {date.fromisoformat(e["night"]) for e in eps}
        observed = cramp | {n for n in self.free if start <= n <= end}
        # docs/definitions.md: a cramp night's waking is known when one of its cramps woke
        # the person, or when "woke" was answered for every one of its cramps.
        woke = {date.fromisoformat(e["night"]) for e in eps if e["woke"]}
        unanswered = {date.fromisoformat(e["night"]) for e in eps if e["woke"] is None}
        woke_known = woke | (cramp - unanswered)
        nights = (end - start).days + 1
        return {
            "nights_in_period": nights,
            "nights_observed": len(observed),
            "cramp_nights": len(cramp),
            "cramp_free_nights": len(observed - cramp),
            "episodes": len(eps),
            "completeness": len(observed) / nights if nights else None,
            "woke_known": len(woke_known),
            "woke_nights": len(woke) if woke_known else None,
        }

    def first_logged(self) -> date | None:
        nights = {date.fromisoformat(e["night"]) for e in self.episodes} | self.free
        return min(nights) if nights else None

    def last_logged(self) -> date | None:
        nights = {date.fromisoformat(e["night"]) for e in self.episodes} | self.free
        return max(nights) if nights else None


# --- known failures ---------------------------------------------------------------------------

# (test, case id) -> an open issue's item that makes a case fail: such a case is marked
# xfail(strict=True), so that it turns red once fixed. Empty: every case passes.
KNOWN: dict[tuple[str, str], str] = {}


def case(test: str, name: str, key: str | int) -> Any:
    reason = None if DEEP else KNOWN.get((test, f"{name}-{key}"))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(name, key, id=f"{name}-{key}", marks=marks)


# --- reading commands ----------------------------------------------------------------------

READING: dict[str, tuple[str, ...]] = {
    "list": ("list",),
    "list-all": ("list", "--all"),
    "list-json": ("list", "--all", "--json", "--deleted"),
    "stats": ("stats",),
    "stats-json": ("stats", "--json"),
    "stats-all": ("stats", "--since", "2023-01-01"),
    "insights": ("insights",),
    "insights-json": ("insights", "--json"),
    "check": ("check",),
    "check-json": ("check", "--json"),
    "export": ("export",),
    "factor-list": ("factor", "list", "--removed"),
    "factor-list-json": ("factor", "list", "--removed", "--json"),
    "cohort": ("cohort",),
    "cohort-json": ("cohort", "--json"),
    "cohort-csv": ("cohort", "--csv"),
}
CHEAP = ("list", "list-all", "list-json", "export", "factor-list", "factor-list-json")
CHEAP += ("cohort", "cohort-json", "cohort-csv")


def _reading_cases() -> Iterator[Any]:
    for name, key in _spread(CHEAP, 3) + _spread([n for n in READING if n not in CHEAP], 6):
        yield case("reading", name, key)
    for key in PLANTED:
        for name in READING if DEEP else ("list", "stats", "insights", "check"):
            yield case("reading", name, key)


@pytest.mark.parametrize(("name", "key"), list(_reading_cases()))
def test_reading_command(name: str, key: str | int, diaries: Callable[[str | int], Built]) -> None:
    built = diaries(key)
    args = READING[name]
    result = run(built.path, *args)
    assert_clean(result, " ".join(args))
    if "--json" in args or name == "export":
        json.loads(result.output)  # well-formed; its nulls are JSON's own
    else:
        assert_no_missing_words(result.output, " ".join(args))


def _show_cases() -> Iterator[Any]:
    for _, key in _spread(["show"], 3):
        yield case("show", "show", key)
    for key in PLANTED:
        yield case("show", "show", key)


@pytest.mark.parametrize(("name", "key"), list(_show_cases()))
def test_show_every_kind_of_cramp(
    name: str, key: str | int, diaries: Callable[[str | int], Built]
) -> None:
    """`show` on a live and on a deleted cramp: what was not recorded is left out, never "no"."""
    built = diaries(key)
    ids = list(built.diary.episode_ids.items())
    picks = [ids[0], ids[-1], *[(i, e) for i, e in ids if e.deleted][:1]] if ids else []
    for episode_id, planned in picks:
        result = run(built.path, "show", str(episode_id))
        assert_clean(result, f"show {episode_id}")
        assert_no_missing_words(result.output, f"show {episode_id}")
        if "woke" not in planned.fields:
            assert "woke" not in result.output.lower(), result.output
        if "severity" not in planned.fields:
            assert "severity 0" not in result.output, result.output
        shown = json.loads(run(built.path, "show", str(episode_id), "--json").output)
        for field in ("severity", "site", "side", "minutes", "woke", "relief", "note"):
            assert shown[field] == planned.fields.get(field), field
        assert shown["deleted"] == planned.deleted


# --- counts --------------------------------------------------------------------------------


def _stats_cases() -> Iterator[Any]:
    for _, key in _spread(["stats"], 3):
        yield case("stats-counts", "stats", key)
    for key in PLANTED:
        yield case("stats-counts", "stats", key)


@pytest.mark.parametrize(("name", "key"), list(_stats_cases()))
def test_stats_counts_equal_the_diary(
    name: str, key: str | int, diaries: Callable[[str | int], Built]
) -> None:
    built = diaries(key)
    truth = built.truth
    result = run(built.path, "stats", "--json")
    assert_clean(result, "stats --json")
    summary = json.loads(result.output)
    for period in (summary, summary["previous"]):
        start = date.fromisoformat(period["period_start"])
        end = date.fromisoformat(period["period_end"])
        want = truth.period(start, end)
        for field in (
            "nights_in_period",
            "nights_observed",
            "cramp_nights",
            "cramp_free_nights",
            "episodes",
        ):
            assert period[field] == want[field], (field, start, end)
        assert period["completeness"] == pytest.approx(want["completeness"])
        # Unknown is not "no": nights woken is null when no night's waking is known.
        assert period["woke_nights"] == want["woke_nights"], ("woke_nights", start, end)
        assert period["woke_known_nights"] == want["woke_known"], ("woke_known", start, end)
        # No rate from almost nothing: fewer than min_rate_nights (7) logged, no rate.
        if want["nights_observed"] < 7:
            assert period.get("enough_data") is False, ("enough_data", start, end)
            assert period["cramps_per_week"] is None, ("cramps_per_week", start, end)
    text = run(built.path, "stats").output
    now = truth.period(
        date.fromisoformat(summary["period_start"]), date.fromisoformat(summary["period_end"])
    )
    logged = re.search(r"nights logged\s+(\d+) of (\d+)", text)
    assert logged and (int(logged[1]), int(logged[2])) == (
        now["nights_observed"],
        now["nights_in_period"],
    )
    # With no night logged there is nothing to count: a dash, never 0.
    nights = f"{now['cramp_nights']}\\b" if now["nights_observed"] else "\u2013"
    cramps = f"{now['episodes']}\\b" if now["nights_observed"] else "\u2013"
    assert re.search(rf"cramp nights\s+{nights}", text), text
    assert re.search(rf"\ncramps\s+{cramps}", text), text
    woken = re.search(r"nights woken\s+(\S+)", text)
    if woken and now["woke_nights"] is None:
        assert woken[1] != "0", f"woke never recorded, but stats says nights woken 0:\n{text}"


def _cohort_cases() -> Iterator[Any]:
    for _, key in _spread(["cohort"], 2):
        yield case("cohort-stats", "cohort", key)
    for key in PLANTED:
        yield case("cohort-stats", "cohort", key)


@pytest.mark.parametrize(("name", "key"), list(_cohort_cases()))
@pytest.mark.parametrize("weeks", ["4", "52"])
def test_cohort_is_the_persons_own_stats(
    name: str, key: str | int, weeks: str, diaries: Callable[[str | int], Built]
) -> None:
    """cohort's grouped SQL gives the one person of a messy diary exactly what stats gives
    (mean minutes to float rounding: the database adds the minutes in another order)."""
    built = diaries(key)
    own = json.loads(run(built.path, "stats", "--json", "--weeks", weeks).output)
    result = run(built.path, "cohort", "--json", "--weeks", weeks)
    assert_clean(result, "cohort --json")
    summary = json.loads(result.output)
    (entry,) = summary["persons"]
    entry.pop("person")
    for mine, theirs in ((entry, own), (entry["previous"], own["previous"])):
        a, b = mine.pop("mean_minutes"), theirs.pop("mean_minutes")
        assert (a is None) == (b is None) and (a is None or a == pytest.approx(b, rel=1e-12))
    assert entry == own


def _list_count_cases() -> Iterator[Any]:
    for key in [*SEEDS, *PLANTED]:
        yield case("list-counts", "list", key)


@pytest.mark.parametrize(("name", "key"), list(_list_count_cases()))
def test_list_counts_equal_the_diary(
    name: str, key: str | int, diaries: Callable[[str | int], Built]
) -> None:
    built = diaries(key)
    truth = built.truth
    text = run(built.path, "list").output
    want = truth.period(LAST_NIGHT - timedelta(days=13), LAST_NIGHT)
    assert f"{want['nights_observed']} of 14 nights logged." in text, text
    # every night of the 14 is a line: logged with its cramps, "no cramps", or "(not logged)"
    assert text.count("(not logged)") == 14 - want["nights_observed"]


def _remind_cases() -> Iterator[Any]:
    for key in [*SEEDS, *PLANTED]:
        yield case("remind", "remind-check", key)


@pytest.mark.parametrize(("name", "key"), list(_remind_cases()))
def test_remind_check_knows_whether_last_night_is_logged(
    name: str, key: str | int, diaries: Callable[[str | int], Built]
) -> None:
    built = diaries(key)
    logged = LAST_NIGHT in built.diary.plan.observed()  # a live cramp, or marked cramp-free
    files = {p.name: p.read_bytes() for p in built.path.parent.iterdir()}
    result = run(built.path, "remind", "check")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if logged:
        assert (result.exit_code, result.output) == (0, "")
    else:
        assert result.exit_code == 1
        assert result.stdout.startswith("Last night (Sun 22 Nov) is not logged yet: cramplog --db")
        assert len(result.output.splitlines()) == 1
    assert {p.name: p.read_bytes() for p in built.path.parent.iterdir()} == files  # read only


# --- charts --------------------------------------------------------------------------------


def _chart_cases() -> Iterator[Any]:
    for name, key in _spread(CHART_NAMES, 24):
        yield case("chart", name, key)
    for key in PLANTED if DEEP else ("one-night",):
        for name in CHART_NAMES:
            yield case("chart", name, key)


@pytest.mark.parametrize(("name", "key"), list(_chart_cases()))
def test_chart(
    name: str, key: str | int, diaries: Callable[[str | int], Built], tmp_path: Path
) -> None:
    built = diaries(key)
    out = tmp_path / f"{name}.png"
    result = run(built.path, "chart", name, "-o", str(out))
    assert_clean(result, f"chart {name}")
    assert out.stat().st_size > 1000
    missing = [w for w in result.caught_warnings if "missing from font" in w]  # type: ignore[attr-defined]
    assert not missing, missing


# --- reports -------------------------------------------------------------------------------


def _report_cases() -> Iterator[Any]:
    for name, key in _spread(("weekly", "weekly-end", "appointment"), 12):
        yield case("report", name, key)
    planted = [
        ("weekly-end", "no-woke"),
        ("appointment", "no-woke"),
        ("weekly-end", "no-side"),
        ("appointment", "no-side"),
        ("appointment", "long"),
        ("weekly-end", "one-night"),
        ("appointment", "one-night"),
    ]
    for name, key in planted:
        yield case("report", name, key)


def _iso_week(night: date) -> str:
    iso = night.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


@pytest.mark.parametrize(("name", "key"), list(_report_cases()))
def test_report(
    name: str, key: str | int, diaries: Callable[[str | int], Built], tmp_path: Path
) -> None:
    """Both PDFs: made, no missing-value words, and the counts they print are the diary's."""
    built = diaries(key)
    truth = built.truth
    out = tmp_path / "report.pdf"
    if name == "appointment":
        result = run(built.path, "report", "appointment", "-o", str(out))
        end = max(LAST_NIGHT, truth.last_logged() or LAST_NIGHT)
        # A diary younger than 12 weeks: the packet's period starts with its first night.
        start = max(end - timedelta(days=7 * 12 - 1), truth.first_logged() or end)
    else:
        # "weekly": the default, last complete week; "weekly-end": the week of the diary's end.
        end = LAST_NIGHT if name == "weekly" else built.diary.plan.end
        start = end - timedelta(days=end.weekday())
        end = start + timedelta(days=6)
        args = [] if name == "weekly" else ["--week", _iso_week(start)]
        result = run(built.path, "report", "weekly", *args, "-o", str(out))
    assert_clean(result, f"report {name}")
    text = pdf_text(out)
    assert_no_missing_words(text, f"report {name}")
    if truth.first_logged() is None:
        assert "nothing" in text.lower() or "0 of" in text, text[:500]
        return
    want = truth.period(start, min(end, LAST_NIGHT) if name != "appointment" else end)
    logged = re.search(r"(\d+) of (\d+) nights logged", text)
    assert logged, text[:500]
    assert (int(logged[1]), int(logged[2])) == (want["nights_observed"], (end - start).days + 1)
    if name == "appointment":
        assert re.search(rf"\nCramps {want['episodes']}\b", text), (want, text[:3000])
        assert re.search(rf"Cramp nights \(share of logged\) {want['cramp_nights']}\b", text)
    else:
        assert re.search(rf"Nights with cramps {want['cramp_nights']}\b", text), (want, text[:2000])
        assert re.search(rf"\nCramps {want['episodes']}\b", text), (want, text[:2000])
    woken = re.search(r"Nights woken by cramps (\S+)", text)
    if woken and want["woke_nights"] is None and want["cramp_nights"]:
        assert woken[1] != "0", "woke never recorded, but the report says 0 nights woken"
    if key == "no-woke" and name != "appointment":
        # waking and stretching were never asked: no night's row may say "no" for them (the
        # own factors' table below it may: those were recorded).
        table = text.split("Your own factors, night by night")[0]
        rows = [
            ln
            for ln in table.splitlines()
            if re.match(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d+ \w{3} ", ln)
        ]
        said_no = [ln for ln in rows if re.search(r"\bno\b(?! cramps)", ln)]
        assert rows and not said_no, said_no


# --- hypothesis ----------------------------------------------------------------------------


@settings(
    max_examples=200 if DEEP else 6,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(plan=messy_plans(max_nights=None if DEEP else 30))
def test_any_messy_diary_reads_back_and_counts(plan: Any) -> None:
    """Any messy diary: list, list --json and stats run clean and count what was written."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.db"
        make_messy_diary(path, plan)
        truth = Truth.of(path)
        assert len(truth.episodes) == sum(
            1 for eps in plan.episodes.values() for e in eps if not e.deleted
        )
        assert truth.free == set(plan.cramp_free)
        for args in (("list",), ("list", "--all"), ("stats",)):
            result = run(path, *args)
            assert_clean(result, " ".join(args))
            assert_no_missing_words(result.output, " ".join(args))
        summary = json.loads(run(path, "stats", "--json").output)
        start = date.fromisoformat(summary["period_start"])
        want = truth.period(start, date.fromisoformat(summary["period_end"]))
        assert summary["nights_observed"] == want["nights_observed"]
        assert summary["cramp_nights"] == want["cramp_nights"]
        assert summary["episodes"] == want["episodes"]


def test_list_never_says_no_for_waking_never_recorded(
    diaries: Callable[[str | int], Built],
) -> None:
    """`list --all` on a diary where "did it wake you?" was never answered: no row says "no"."""
    built = diaries("no-woke")
    assert built.truth.episodes and all(e["woke"] is None for e in built.truth.episodes)
    text = run(built.path, "list", "--all").output
    rows = [ln for ln in text.splitlines() if re.search(r"\d{2}:\d{2}", ln)]
    assert len(rows) == len(built.truth.episodes)
    assert not [ln for ln in rows if re.search(r"\bno\b", ln)], text


# --- own factors ---------------------------------------------------------------------------


def _own_factor_cases() -> Iterator[Any]:
    for _, key in _spread(["own-factors"], 2):
        yield case("own-factors", "own-factors", key)
    for key in PLANTED:
        yield case("own-factors", "own-factors", key)


@pytest.mark.parametrize(("name", "key"), list(_own_factor_cases()))
def test_own_factors_read_back_and_unknown_is_never_no(
    name: str, key: str | int, diaries: Callable[[str | int], Built]
) -> None:
    """Own factors (emoji names, partly recorded, some removed): `list --json` gives each
    day's value or null, `list` never prints a value for a day without one, and insights
    compare a factor over exactly the logged nights whose day has a value."""
    built = diaries(key)
    plan = built.diary.plan
    active = [f[0] for f in plan.factors if f[0] not in plan.removed_factors]
    listed = json.loads(run(built.path, "list", "--all", "--json").output)
    for day in listed["days"]:
        on = date.fromisoformat(day["date"])
        given = plan.factor_values.get(on, {})
        want = {}
        for n in active:
            value = given.get(n)
            yes_no = next(f for f in plan.factors if f[0] == n)[1:] == (None, None, None)
            want[n] = None if value is None else (value == 1.0 if yes_no else value)
        assert day["factors"] == want, (on, day["factors"], want)
    text = run(built.path, "list", "--all").output
    assert_no_missing_words(text, "list --all")
    if not active:
        assert "your factors:" not in text
    # insights: a factor is known on a logged night only when its day has a value
    truth = built.truth
    observed = {date.fromisoformat(e["night"]) for e in truth.episodes} | truth.free
    cramp = {date.fromisoformat(e["night"]) for e in truth.episodes}
    rows = json.loads(run(built.path, "insights", "--json").output)["factors"]
    for n in active:
        column = f"factor:{n}"
        row = next(
            (
                r
                for r in rows
                if r["lag"] == 0 and (r["factor"] == column or column in r["same_as"])
            ),
            None,
        )
        known = {d for d in observed if n in plan.factor_values.get(d, {})}
        if not known:
            assert row is None or row["exposed_nights"] + row["unexposed_nights"] == 0
            continue
        assert row is not None, (n, [r["factor"] for r in rows])
        assert row["exposed_nights"] + row["unexposed_nights"] == len(known), n
        spec = next(f for f in plan.factors if f[0] == n)
        below, above = spec[2], spec[3]

        def exposed(v: float, below: float | None = below, above: float | None = above) -> bool:
            if below is None and above is None:
                return v == 1.0
            return v < below if below is not None else v > above  # type: ignore[operator]

        hit = {d for d in known if exposed(plan.factor_values[d][n])}
        if row["factor"] == column:  # merged rows are counted on their first column
            assert row["exposed_nights"] == len(hit), n
            assert row["exposed_cramp_nights"] == len(hit & cramp), n
    for removed in plan.removed_factors:
        assert not any(
            r["factor"] == f"factor:{removed}" or f"factor:{removed}" in r["same_as"] for r in rows
        )


# --- self-trials -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", [*SEEDS[::6], "no-woke", "one-night"])
def test_trial_over_a_messy_diary_counts_what_the_diary_holds(
    key: str | int, diaries: Callable[[str | int], Built], tmp_path: Path
) -> None:
    """A trial planned over the diary's last 6 weeks (kept on paper): show and result exit
    clean, print no missing-value words, and count per arm what `list --json` holds."""
    import shutil

    built = diaries(key)
    path = tmp_path / "copy.db"  # the module's diaries are shared: plan on a copy
    shutil.copy(built.path, path)
    start = LAST_NIGHT - timedelta(days=41)
    planned = run(
        path,
        "trial",
        "plan",
        "stretched",
        "--pairs",
        "3",
        "--period-days",
        "7",
        "--washout-days",
        "1",
        "--start",
        start.isoformat(),
        "--seed",
        "5",
    )
    assert_clean(planned, "trial plan")
    assert_no_missing_words(planned.output, "trial plan")
    for args in (("trial", "show"), ("trial", "result")):
        result = run(path, *args)
        assert_clean(result, " ".join(args))
        assert_no_missing_words(result.output, " ".join(args))
    shown = json.loads(run(path, "trial", "show", "--json").output)
    res = json.loads(run(path, "trial", "result", "--json").output)
    truth = Truth.of(path)
    for arm in ("on", "off"):
        nights = set()
        for p in shown["periods"]:
            if p["arm"] == arm:
                lo = date.fromisoformat(p["start"]) + timedelta(days=1)  # after the washout
                nights |= {lo + timedelta(days=i) for i in range(6)}
        expected = {"nights_observed": 0, "cramp_nights": 0, "episodes": 0}
        for night in nights:
            counts = truth.period(night, night)
            for k in expected:
                expected[k] += counts[k]
        got = {k: res["arms"][arm][k] for k in expected}
        assert got == expected, (arm, got, expected)
    if key == "no-woke":  # the packet's trial page over a messy diary, once
        packet = tmp_path / "packet.pdf"
        assert_clean(run(path, "report", "appointment", "-o", str(packet)), "report appointment")
        text = pdf_text(packet)
        assert "Self-trial (N-of-1)" in text
        assert_no_missing_words(text, "the packet's trial page")
