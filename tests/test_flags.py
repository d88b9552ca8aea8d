"""Provider-visit flags (cramplog.flags) on diaries built with cramplog.diary in temp SQLite.

Every rule is tested at its threshold: one cramp or night below does not trip it, at it does.
Missing nights must never count as cramp-free nights or as cramp nights. The last night is
22 Nov 2026 (the morning of 23 Nov, as the conftest pins "now").
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from cramplog import diary as ops
from cramplog import flags, frame, knowledge
from cramplog.db import open_engine

TODAY = date(2026, 11, 23)
LAST = date(2026, 11, 22)  # the night that ended on the morning of TODAY


def ago(days: int) -> date:
    """The night `days` nights before the last night (ago(0) is the last night)."""
    return LAST - timedelta(days=days)


class Builder:
    """A diary written through cramplog.diary, then checked with flags.evaluate."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def cramp(
        self,
        night: date,
        severity: int | None = 5,
        *,
        minutes: float | None = None,
        woke: bool | None = None,
        signs: tuple[str, ...] = (),
        hour: int = 3,
    ) -> None:
        # Day boundary 12:00: an hour before noon is the next morning, from noon the evening.
        on = night + timedelta(days=1) if hour < 12 else night
        at = datetime.combine(on, time(hour), tzinfo=UTC)
        ops.add_episode(
            self.session,
            at=at,
            tz="UTC",
            severity=severity,
            minutes=minutes,
            woke=woke,
            signs=signs,
        )

    def free(self, *nights: date) -> None:
        for night in nights:
            ops.mark_cramp_free(self.session, night)

    def frees(self, first_ago: int, last_ago: int) -> None:
        """Cramp-free marks on every night from ago(first_ago) to ago(last_ago), skipping
        nights that already have a cramp."""
        for back in range(first_ago, last_ago - 1, -1):
            if not ops.live_episodes_on(self.session, ago(back)):
                ops.mark_cramp_free(self.session, ago(back))

    def day(self, on: date, **factors: object) -> None:
        ops.update_day(self.session, on, **factors)  # type: ignore[arg-type]

    def med(self, name: str, since: date, stopped: date | None = None) -> None:
        ops.add_medication(self.session, name, since=since)
        if stopped is not None:
            ops.stop_medication(self.session, name, stopped)

    def set(self, key: str, value: str) -> None:
        ops.set_setting(self.session, key, value)

    def condition(self, text: str) -> None:
        ops.update_profile(self.session, add_conditions=[text], today=TODAY)

    def check(self) -> flags.Check:
        self.session.flush()
        end = max(LAST, frame.last_logged_night(self.session) or LAST)
        nightly = frame.build(self.session, None, end)
        who = ops.person(self.session, create=False)
        return flags.evaluate(
            nightly,
            profile_conditions=[c.condition for c in who.conditions] if who else [],
            aliases=ops.medication_aliases(self.session),
            today=TODAY,
        )

    def rules(self) -> set[str]:
        return {f.rule for f in self.check().flags}

    def flag(self, rule: str) -> flags.Flag:
        found = [f for f in self.check().flags if f.rule == rule]
        assert len(found) == 1, found
        return found[0]


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty diary at the schema head, migrated once and copied for each test."""
    path = tmp_path_factory.mktemp("template") / "diary.db"
    engine = open_engine(f"sqlite:///{path}")
    engine.dispose()
    return path


@pytest.fixture
def d(template: Path, tmp_path: Path) -> Iterator[Builder]:
    path = tmp_path / "diary.db"
    shutil.copyfile(template, path)
    engine = open_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        yield Builder(session)
    engine.dispose()


# ---------------------------------------------------------------------------------------------
# The whole set of rules


def test_every_rule_in_the_knowledge_files_is_evaluated(d: Builder) -> None:
    result = d.check()
    assert result.checked == list(knowledge.rules())
    assert len(result.checked) == 11


def test_an_empty_diary_trips_nothing(d: Builder) -> None:
    result = d.check()
    assert result.flags == []
    assert result.last_night == LAST
    assert result.last_logged is None
    assert result.recent_logged == 0


# ---------------------------------------------------------------------------------------------
# long_cramp: any episode lasting more than 10 minutes (strictly more)


def test_long_cramp_at_and_below_the_threshold(d: Builder) -> None:
    d.cramp(ago(3), minutes=10)
    assert "long_cramp" not in d.rules()
    d.cramp(ago(2), minutes=10.5)
    flag = d.flag("long_cramp")
    assert flag.level == "urgent"
    assert flag.since == ago(2)
    assert flag.evidence["longest_minutes"] == 10.5
    assert "10.5 minutes" in flag.message and "20 Nov" in flag.message


def test_long_cramp_threshold_is_a_setting(d: Builder) -> None:
    d.cramp(ago(1), minutes=6)
    assert "long_cramp" not in d.rules()
    d.set("long_cramp_minutes", "5")
    assert d.flag("long_cramp").evidence["threshold_minutes"] == 5


def test_long_cramp_is_looked_for_in_the_recent_window_only(d: Builder) -> None:
    d.cramp(ago(flags.RECENT_DAYS), minutes=15)
    assert "long_cramp" not in d.rules()
    d.cramp(ago(flags.RECENT_DAYS - 1), minutes=15)
    assert d.flag("long_cramp").evidence["episodes"] == 1


def test_several_long_cramps_are_counted(d: Builder) -> None:
    d.cramp(ago(5), minutes=12)
    d.cramp(ago(1), minutes=20)
    flag = d.flag("long_cramp")
    assert flag.evidence["episodes"] == 2
    assert flag.since == ago(5)
    assert "longest lasted 20 minutes" in flag.message


# ---------------------------------------------------------------------------------------------
# warning_signs, numbness, weakness: a sign logged with a cramp


SIGN_RULES = [
    ("warning_signs", "swelling"),
    ("warning_signs", "redness"),
    ("warning_signs", "skin-change"),
    ("numbness", "numbness"),
    ("weakness", "weakness"),
]


@pytest.mark.parametrize(("rule", "sign"), SIGN_RULES)
def test_sign_rules_at_the_threshold(d: Builder, rule: str, sign: str) -> None:
    d.cramp(ago(4))
    assert rule not in d.rules()
    d.cramp(ago(2), signs=(sign,))
    flag = d.flag(rule)
    assert flag.level == "soon"
    assert flag.since == ago(2)
    assert flag.evidence["signs"] == {sign: 1}
    # A sign trips only its own rule.
    others = {r for r, s in SIGN_RULES if s == sign}
    assert d.rules() & {r for r, _ in SIGN_RULES} == others


def test_sign_outside_the_recent_window_does_not_trip(d: Builder) -> None:
    d.cramp(ago(flags.RECENT_DAYS), signs=("numbness",))
    assert "numbness" not in d.rules()


def test_warning_signs_lists_every_sign(d: Builder) -> None:
    d.cramp(ago(3), signs=("swelling", "redness"))
    d.cramp(ago(1), signs=("skin-change",))
    flag = d.flag("warning_signs")
    assert flag.message.startswith("Swelling, redness and skin change logged with cramps on 2")


# ---------------------------------------------------------------------------------------------
# frequent: 4 cramps in 14 days, or 1+ cramp night a week for 4 weeks running


def test_frequent_four_cramps_in_fourteen_nights(d: Builder) -> None:
    d.cramp(ago(14))  # the night before the window does not count
    for back in (13, 9, 2):
        d.cramp(ago(back))
    assert "frequent" not in d.rules()
    d.cramp(ago(0))
    flag = d.flag("frequent")
    assert flag.evidence["cramps_in_window"] == 4
    assert flag.since == ago(13)
    assert flag.message.startswith("4 cramps in the 14 nights to 22 Nov")


def test_frequent_counts_cramps_not_nights(d: Builder) -> None:
    d.cramp(ago(5), hour=2)
    d.cramp(ago(5), hour=4)
    d.cramp(ago(1), hour=2)
    assert "frequent" not in d.rules()
    d.cramp(ago(1), hour=4)
    assert d.flag("frequent").evidence["cramps_in_window"] == 4


def test_frequent_cramps_threshold_is_a_setting(d: Builder) -> None:
    for back in (10, 7, 4, 1):
        d.cramp(ago(back))
    d.set("frequent_cramps", "5")
    assert "frequent" not in d.rules()


def _weekly_cramps(d: Builder, weeks_with_cramp: list[int]) -> None:
    """All 28 nights logged; one cramp in each listed week (0 = the newest week)."""
    for week in weeks_with_cramp:
        d.cramp(ago(7 * week + 3))
    d.frees(27, 0)


def test_frequent_one_night_a_week_for_four_weeks(d: Builder) -> None:
    _weekly_cramps(d, [0, 1, 2, 3])
    flag = d.flag("frequent")
    assert flag.evidence["weekly_cramp_nights"] == [1, 1, 1, 1]
    assert flag.evidence["cramps_in_window"] == 2  # only the weekly run tripped it
    assert flag.since == ago(24)
    assert "in each of the last 4 weeks" in flag.message


def test_frequent_three_weeks_of_four_do_not_trip(d: Builder) -> None:
    _weekly_cramps(d, [0, 1, 2])
    assert "frequent" not in d.rules()


def test_frequent_a_week_with_no_logged_night_breaks_the_run(d: Builder) -> None:
    for week in (0, 1, 3):
        d.cramp(ago(7 * week + 3))
    d.frees(6, 0)
    d.frees(13, 7)
    d.frees(27, 21)  # week 2 (nights ago 14-20) not logged at all
    assert "frequent" not in d.rules()


def test_frequent_missing_nights_are_not_cramp_nights(d: Builder) -> None:
    # Three cramps and 11 nights not logged: still 3 cramps in 14 nights, not 14.
    for back in (10, 5, 1):
        d.cramp(ago(back))
    assert "frequent" not in d.rules()


# ---------------------------------------------------------------------------------------------
# sleep_disruption: woken on 2+ nights a week for 2 weeks running


def test_sleep_disruption_at_and_below_the_threshold(d: Builder) -> None:
    d.cramp(ago(10), woke=True)
    d.cramp(ago(8), woke=True)
    d.cramp(ago(5), woke=True)
    d.cramp(ago(2), woke=False)
    assert "sleep_disruption" not in d.rules()
    d.cramp(ago(1), woke=True)
    flag = d.flag("sleep_disruption")
    assert flag.level == "routine"
    assert flag.evidence["weekly_woke_nights"] == [2, 2]
    assert flag.since == ago(10)


def test_sleep_disruption_unknown_woke_is_not_woken(d: Builder) -> None:
    for back in (10, 8, 5):
        d.cramp(ago(back), woke=True)
    d.cramp(ago(1))  # woke not recorded
    assert "sleep_disruption" not in d.rules()


# ---------------------------------------------------------------------------------------------
# severe: severity 7+ on 2+ nights in 14 days


def test_severe_at_and_below_the_threshold(d: Builder) -> None:
    d.cramp(ago(14), severity=9)  # outside the window
    d.cramp(ago(6), severity=7)
    d.cramp(ago(3), severity=6)
    assert "severe" not in d.rules()
    d.cramp(ago(1), severity=7)
    flag = d.flag("severe")
    assert flag.evidence["severe_nights"] == 2
    assert flag.evidence["worst_severity"] == 7
    assert flag.since == ago(6)


def test_severe_counts_nights_not_cramps(d: Builder) -> None:
    d.cramp(ago(3), severity=8, hour=2)
    d.cramp(ago(3), severity=9, hour=4)
    assert "severe" not in d.rules()


# ---------------------------------------------------------------------------------------------
# not_improving: 6 weeks of self-care, no fall in cramp nights against the 2 weeks before


def _self_care_diary(
    d: Builder,
    period_cramps: int,
    *,
    care_weeks: int = 6,
    baseline_cramps: int = 4,
    logged_period_nights: int = 42,
) -> None:
    """Baseline: nights ago 42-55, all logged. Period: nights ago 0-41, the newest
    `logged_period_nights` logged; self-care (stretching) on every night of the newest
    `care_weeks` weeks."""
    for i in range(baseline_cramps):
        d.cramp(ago(55 - 3 * i))
    d.frees(55, 42)
    step = logged_period_nights // period_cramps if period_cramps else 1
    for i in range(period_cramps):
        d.cramp(ago(i * step))
    d.frees(logged_period_nights - 1, 0)
    for back in range(7 * care_weeks):
        d.day(ago(back), stretched=True)


def test_not_improving_when_cramp_nights_do_not_fall(d: Builder) -> None:
    _self_care_diary(d, 12)  # 12 of 42 nights = 2 a week, as in the baseline (4 of 14)
    flag = d.flag("not_improving")
    assert flag.evidence["cramp_nights_per_week"] == 2.0
    assert flag.evidence["baseline_cramp_nights_per_week"] == 2.0
    assert flag.since == ago(41)


def test_not_improving_one_cramp_night_fewer_does_not_trip(d: Builder) -> None:
    _self_care_diary(d, 11)
    assert "not_improving" not in d.rules()


def test_not_improving_needs_self_care_in_every_week(d: Builder) -> None:
    _self_care_diary(d, 12, care_weeks=5)
    assert "not_improving" not in d.rules()


def test_not_improving_compares_per_logged_night(d: Builder) -> None:
    # Half the period not logged: 6 cramp nights in 21 logged nights is still 2 a week.
    # Counting the 21 missing nights as cramp-free would make it 1 a week: a fall.
    _self_care_diary(d, 6, logged_period_nights=21)
    assert d.flag("not_improving").evidence["observed_nights"] == 21


def test_not_improving_water_at_the_limit_is_self_care(d: Builder) -> None:
    _self_care_diary(d, 12, care_weeks=0)
    for week in range(6):
        d.day(ago(7 * week + 2), water_ml=1499)
    assert "not_improving" not in d.rules()
    d.day(ago(7 * 5 + 2), water_ml=1500)
    assert "not_improving" not in d.rules()  # still 5 weeks only
    for week in range(5):
        d.day(ago(7 * week + 2), water_ml=1500)
    assert "not_improving" in d.rules()


# ---------------------------------------------------------------------------------------------
# rising: cramp nights in the last 4 weeks significantly more than in the 4 before


def _rising_diary(d: Builder, recent: int, before: int, *, before_logged: int = 28) -> None:
    for i in range(before):
        d.cramp(ago(55 - i))
    d.frees(55, 56 - before_logged)
    for i in range(recent):
        d.cramp(ago(i))
    d.frees(27, 0)


def test_rising_at_and_below_significance(d: Builder) -> None:
    # With 2 cramp nights in 28 before, 10 in 28 is the fewest with p < 0.05 (p = 0.039),
    # 9 is not (p = 0.065): R's poisson.test(c(10, 2), c(28, 28)).
    _rising_diary(d, 9, 2)
    assert "rising" not in d.rules()
    d.cramp(ago(20))
    flag = d.flag("rising")
    assert flag.evidence["cramp_nights"] == 10
    assert flag.evidence["previous_cramp_nights"] == 2
    assert flag.evidence["p_value"] == pytest.approx(0.0385742, abs=1e-6)
    assert flag.evidence["rate_ratio"] == pytest.approx(5.0)


def test_rising_alpha_is_a_setting(d: Builder) -> None:
    _rising_diary(d, 10, 2)
    d.set("rising_alpha", "0.01")
    assert "rising" not in d.rules()


def test_rising_missing_nights_are_not_cramp_free(d: Builder) -> None:
    # Before: 7 nights logged, all with cramps; now: 28 of 28. The same rate per logged night;
    # counting the 21 missing nights as cramp-free would make it 4 times as often (p < 0.001).
    _rising_diary(d, 28, 7, before_logged=7)
    assert "rising" not in d.rules()


def test_fewer_cramps_never_trip_rising(d: Builder) -> None:
    _rising_diary(d, 0, 20)
    assert "rising" not in d.rules()


# ---------------------------------------------------------------------------------------------
# new_medicine: cramps began or rose within 12 months after starting a listed medicine


def _began_diary(d: Builder, logged_before: int, cramps_after: int, name: str = "atorvastatin"):
    started = ago(20)
    d.med(name, since=started)
    for back in range(21, 21 + logged_before):
        d.free(ago(back))
    for i in range(cramps_after):
        d.cramp(ago(2 + i))
    d.frees(20, 0)


def test_new_medicine_cramps_began_after_a_listed_medicine(d: Builder) -> None:
    _began_diary(d, flags.BASELINE_NIGHTS, 1)
    flag = d.flag("new_medicine")
    assert flag.level == "prescriber"
    assert flag.evidence["pattern"] == "began"
    assert flag.evidence["medicine"] == "atorvastatin"
    assert flag.since == ago(2)
    assert "GAR2012" in flag.source_keys and "MSD" in flag.source_keys
    assert knowledge.MEDICATION_ADVICE in flag.advice


def test_new_medicine_no_cramps_in_fewer_logged_nights_before_is_enough(d: Builder) -> None:
    # 13 nights logged before the start, all cramp-free: the diary saw no cramps before it.
    _began_diary(d, flags.BASELINE_NIGHTS - 1, 1)
    flag = d.flag("new_medicine")
    assert "no_cramps_before" in flag.evidence["onsets"]
    assert "no cramps on the 13 nights logged in the diary before the start" in flag.message


def test_new_medicine_needs_a_cramp_after(d: Builder) -> None:
    _began_diary(d, flags.BASELINE_NIGHTS, 0)
    assert "new_medicine" not in d.rules()


def test_new_medicine_ignores_unlisted_medicines(d: Builder) -> None:
    _began_diary(d, flags.BASELINE_NIGHTS, 3, name="paracetamol")
    assert "new_medicine" not in d.rules()


def test_new_medicine_matches_a_brand_name_alias(d: Builder) -> None:
    # Sortis (atorvastatin in Germany) is not among the shipped brand names: a person's alias.
    # cramplog now refuses an alias equal to a recorded medicine's name (it would hide that
    # record), but a diary made before that rule may hold one, and flags still read it.
    from cramplog.models import MedicationAlias

    _began_diary(d, flags.BASELINE_NIGHTS, 1, name="sortis")
    assert "new_medicine" not in d.rules()
    who = ops.person(d.session)
    d.session.add(MedicationAlias(person_id=who.id, alias="sortis", generic="atorvastatin"))
    d.session.flush()
    assert d.flag("new_medicine").evidence["class"] == "statins"


def test_new_medicine_ignores_a_stopped_medicine(d: Builder) -> None:
    d.med("furosemide", since=ago(20), stopped=ago(5))
    for back in range(21, 40):
        d.free(ago(back))
    d.cramp(ago(10))
    assert "new_medicine" not in d.rules()


def test_new_medicine_window_is_twelve_months(d: Builder) -> None:
    d.med("atorvastatin", since=date(2025, 11, 21))  # 12 months and a day before 22 Nov 2026
    for back in range(367, 400):
        d.free(ago(back))
    d.cramp(ago(1))
    assert "new_medicine" not in d.rules()


def test_new_medicine_cramps_rose_significantly(d: Builder) -> None:
    d.med("salmeterol", since=ago(27))
    for i in range(2):
        d.cramp(ago(55 - i))
    d.frees(55, 28)
    # Cramps from the second night after the start: no cramp-free run, cramps before it, so
    # they did not "begin" after it; 9 of 28 against 2 of 28 is not yet significantly more.
    for back in (26, 24, 22, 18, 16, 14, 12, 10, 8):
        d.cramp(ago(back))
    d.frees(27, 0)
    assert "new_medicine" not in d.rules()
    d.cramp(ago(6))
    flag = d.flag("new_medicine")
    assert flag.evidence["pattern"] == "rose"
    assert flag.evidence["cramp_nights_before"] == 2


def test_new_medicine_the_common_case_hctz_45_days_ago(d: Builder) -> None:
    """The case of issue 9: hydrochlorothiazide started 45 days ago, the diary begun after it,
    14 cramp-free nights logged, then cramps on 7 nights. It must flag, saying why."""
    d.med("hydrochlorothiazide", since=TODAY - timedelta(days=45))  # 9 Oct 2026
    for back in range(27, 13, -1):  # nights 26 Oct - 8 Nov: 14 cramp-free nights
        d.free(ago(back))
    for back in (13, 12, 10, 8, 6, 4, 2):  # 7 cramp nights from 9 Nov
        d.cramp(ago(back))
    d.frees(13, 0)
    flag = d.flag("new_medicine")
    assert flag.evidence["pattern"] == "began"
    assert flag.evidence["onsets"] == ["cramp_free_run", "no_cramps_before"]
    assert flag.evidence["onset"] == "cramp_free_run"
    assert flag.evidence["cramp_free_nights_after"] == 14
    assert flag.evidence["first_cramp_after"] == "2026-11-09"
    assert flag.evidence["cramp_nights_since"] == 7 and flag.evidence["observed_nights_since"] == 28
    assert flag.since == date(2026, 11, 9)
    assert flag.message.startswith(
        "Cramps began after hydrochlorothiazide was started on 9 Oct: 14 cramp-free nights "
        "were logged after the start before the first cramp, on the night of 9 Nov; the diary "
        "has no nights logged before the start, so it saw no cramps before it"
    )
    assert "Cramps on 7 of 28 nights logged since the start." in flag.message
    assert "stop" not in flag.message.casefold()
    assert "GAR2012" in flag.source_keys
    assert "Garrison SR" in flag.source


def _cramps_before_then(d: Builder, free_after: int) -> None:
    """Atorvastatin started 40 nights ago; cramps on 3 nights in the 2 weeks before it; then
    `free_after` cramp-free nights logged and cramps on the next 3 nights."""
    started = ago(40)
    d.med("atorvastatin", since=started)
    for back in (45, 48, 52):
        d.cramp(ago(back))
    d.frees(54, 41)
    for back in range(40, 40 - free_after, -1):
        d.free(ago(back))
    for i in range(3):
        d.cramp(ago(40 - free_after - i))
    d.frees(40 - free_after - 3, 0)


def test_new_medicine_a_cramp_free_run_after_the_start(d: Builder) -> None:
    # Cramps before the start, so not "none before"; but 14 cramp-free nights after it.
    _cramps_before_then(d, 14)
    flag = d.flag("new_medicine")
    assert flag.evidence["onsets"] == ["cramp_free_run"]
    assert flag.evidence["cramp_nights_before"] == 3
    assert "14 cramp-free nights were logged after the start before the first cramp" in (
        flag.message
    )
    assert "no cramps" not in flag.message


def test_new_medicine_thirteen_cramp_free_nights_are_not_a_run(d: Builder) -> None:
    # The no-onset case: cramps before the start and only 13 cramp-free nights after it.
    _cramps_before_then(d, 13)
    assert "new_medicine" not in d.rules()


def test_new_medicine_free_nights_is_a_setting(d: Builder) -> None:
    _cramps_before_then(d, 10)
    assert "new_medicine" not in d.rules()
    d.set("new_medicine_free_nights", "10")
    assert d.flag("new_medicine").evidence["onsets"] == ["cramp_free_run"]


def test_new_medicine_profile_cramps_since_after_the_start(d: Builder) -> None:
    # Cramps from the very first night logged after the start; the profile dates the onset.
    d.med("formoterol", since=date(2026, 9, 20))
    ops.set_cramps_since(d.session, "Oct 2026", today=TODAY)
    for back in range(10):
        d.cramp(ago(back))
    flag = d.flag("new_medicine")
    assert flag.evidence["onsets"] == ["cramps_since", "no_cramps_before"]
    assert flag.evidence["cramps_since"] == "2026-10-01"
    assert flag.message.startswith(
        "Cramps began after formoterol was started on 20 Sep: your profile says cramps began "
        "in October 2026; the diary has no nights logged before the start"
    )


def test_new_medicine_profile_says_cramps_began_before_the_start(d: Builder) -> None:
    # The diary began after the start and saw cramps at once, but the person says the cramps
    # began months before the medicine: no onset after it, so no flag.
    d.med("formoterol", since=date(2026, 9, 20))
    ops.set_cramps_since(d.session, "2026-06", today=TODAY)
    for back in range(10):
        d.cramp(ago(back))
    assert "new_medicine" not in d.rules()
    ops.set_cramps_since(d.session, "none", today=TODAY)
    assert d.flag("new_medicine").evidence["onsets"] == ["no_cramps_before"]


def test_new_medicine_profile_onset_more_than_twelve_months_after(d: Builder) -> None:
    d.med("chlorthalidone", since=date(2025, 9, 15))
    d.free(*(date(2025, 9, 1) + timedelta(days=i) for i in range(14)))  # none before
    ops.set_cramps_since(d.session, "2026-10", today=TODAY)
    d.frees(30, 0)
    d.cramp(ago(3))
    found = d.check().flags
    # The profile's October 2026 is 13 months after the start; the first cramp logged after
    # the start (19 Nov 2026) is more than 12 months after it too.
    assert "new_medicine" not in {f.rule for f in found}


def test_cramps_since_is_refused_in_the_future_and_before_birth(d: Builder) -> None:
    from cramplog.errors import InputError

    ops.update_profile(d.session, birth_year=1950, today=TODAY)
    for bad in ("2026-12", "1949-12", "Smarch 2026", "2026-13"):
        with pytest.raises(InputError) as caught:
            ops.set_cramps_since(d.session, bad, today=TODAY)
        assert caught.value.field == "--cramps-since"
    for text in ("2026-10", "2026-10-15", "Oct 2026", "october 2026", "1950-01"):
        who = ops.set_cramps_since(d.session, text, today=TODAY)
        assert who.cramps_since.day == 1
    assert ops.set_cramps_since(d.session, "2026-10-15", today=TODAY).cramps_since == date(
        2026, 10, 1
    )


# ---------------------------------------------------------------------------------------------
# no_obvious_cause: 4+ cramp nights in 28 days with none of the logged risk factors


def _no_cause_diary(d: Builder, nights: int) -> None:
    for back in range(nights):
        night = ago(3 * back + 1)
        d.cramp(night)
        d.day(night, water_ml=2000, alcohol=0, exercise_minutes=30)


def test_no_obvious_cause_at_and_below_the_threshold(d: Builder) -> None:
    _no_cause_diary(d, 3)
    assert "no_obvious_cause" not in d.rules()
    d.cramp(ago(20))
    d.day(ago(20), caffeine=0)
    flag = d.flag("no_obvious_cause")
    assert flag.evidence["cramp_nights_without_factor"] == 4
    assert flag.since == ago(20)


def test_no_obvious_cause_unknown_factors_are_not_absent(d: Builder) -> None:
    _no_cause_diary(d, 3)
    d.cramp(ago(20))  # no day record that day: nothing is known about its factors
    assert "no_obvious_cause" not in d.rules()


def test_no_obvious_cause_a_risk_factor_rules_a_night_out(d: Builder) -> None:
    _no_cause_diary(d, 4)
    d.day(ago(1), water_ml=1000)
    assert "no_obvious_cause" not in d.rules()


def test_no_obvious_cause_a_listed_medicine_rules_nights_out(d: Builder) -> None:
    _no_cause_diary(d, 4)
    d.med("hydrochlorothiazide", since=ago(60))
    assert "no_obvious_cause" not in d.rules()


def test_no_obvious_cause_does_not_apply_with_a_listed_condition(d: Builder) -> None:
    _no_cause_diary(d, 4)
    assert "no_obvious_cause" in d.rules()
    d.condition("diabetes")
    result = d.check()
    assert "no_obvious_cause" not in {f.rule for f in result.flags}
    assert result.conditions == ["diabetes"]


# ---------------------------------------------------------------------------------------------
# Order, windows and the JSON shape


def test_flags_are_sorted_most_pressing_first(d: Builder) -> None:
    _began_diary(d, flags.BASELINE_NIGHTS, 4)
    d.cramp(ago(1), severity=8, minutes=12, signs=("numbness",))
    d.cramp(ago(0), severity=8)
    levels = [f.level for f in d.check().flags]
    assert levels == sorted(levels, key=knowledge.level_rank)
    assert levels[0] == "urgent" and levels[-1] == "prescriber"


def test_windows_end_at_last_night_not_at_the_last_logged_night(d: Builder) -> None:
    # Four cramps in the fortnight to 1 Nov: three weeks ago, so not "the last 14 days".
    for back in (24, 23, 22, 21):
        d.cramp(ago(back))
    result = d.check()
    assert "frequent" not in {f.rule for f in result.flags}
    assert result.last_night == LAST
    assert result.last_logged == ago(21)


def test_a_cramp_logged_for_tonight_extends_the_window(d: Builder) -> None:
    tonight = TODAY
    d.cramp(tonight, minutes=15, hour=22)  # 22:00 on 23 Nov: the night of 23 Nov
    result = d.check()
    assert result.last_night == tonight
    assert "long_cramp" in {f.rule for f in result.flags}


def test_to_dict_has_the_json_keys(d: Builder) -> None:
    d.cramp(ago(1), minutes=12)
    data = d.flag("long_cramp").to_dict()
    assert {"rule", "level", "message", "since", "evidence", "source"} <= set(data)
    assert data["since"] == ago(1).isoformat()
    assert data["source"] == knowledge.cite(["NHS"])


# ---------------------------------------------------------------------------------------------
# Wording review: every message the code can produce, and every rule's advice

FORBIDDEN = [
    "you have",
    "you've got",
    "diagnos",
    "stop taking",
    "start taking",
    "increase",
    "reduce your dose",
    "lower your dose",
    "change your dose",
    "will cure",
    "cure",
    "guarantee",
    "is caused by",
    "definitely",
    "you must",
]


def _kitchen_sink(d: Builder) -> None:
    """Trips every rule but no_obvious_cause (a listed medicine is active)."""
    _began_diary(d, flags.BASELINE_NIGHTS, 0, name="atorvastatin")
    for back in range(56, 80):
        d.free(ago(back))
    for back in range(0, 20):
        d.cramp(
            ago(back),
            severity=8,
            minutes=12 if back % 5 == 0 else 3,
            woke=True,
            signs=("swelling", "redness", "skin-change", "numbness", "weakness")
            if back in (1, 4)
            else (),
        )
        d.day(ago(back), stretched=True)
    for back in range(20, 42):
        d.day(ago(back), stretched=True)
    for back in (44, 50):
        d.cramp(ago(back))
    d.frees(79, 0)


SCENARIOS: dict[str, Callable[[Builder], None]] = {
    "kitchen sink": _kitchen_sink,
    "one long cramp and one sign": lambda d: d.cramp(ago(1), minutes=11, signs=("redness",)),
    "frequent by count": lambda d: [d.cramp(ago(b)) for b in (1, 2, 3, 4)],
    "frequent by weeks": lambda d: _weekly_cramps(d, [0, 1, 2, 3]),
    "not improving": lambda d: _self_care_diary(d, 12),
    "rising": lambda d: _rising_diary(d, 10, 2),
    "medicine began": lambda d: _began_diary(d, flags.BASELINE_NIGHTS, 1),
    "medicine rose": lambda d: (d.med("spironolactone", since=ago(27)), _rising_diary(d, 10, 2)),
    "no obvious cause": lambda d: _no_cause_diary(d, 5),
    "old diary": lambda d: _no_cause_diary(d, 0) or d.cramp(date(2025, 3, 1), minutes=30),
}


def _texts(found: list[flags.Flag]) -> list[str]:
    return [text for f in found for text in (f.title, f.message, f.advice)]


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_wording_of_every_flag(d: Builder, name: str) -> None:
    SCENARIOS[name](d)
    found = d.check().flags
    for text in _texts(found):
        lowered = text.casefold()
        assert not [p for p in FORBIDDEN if p in lowered], text
    for flag in found:
        advice = flag.advice.casefold()
        assert "consider" in advice or "ask" in advice, flag.advice
        assert flag.source and flag.source_keys
        assert flag.source == knowledge.cite(flag.source_keys)
        assert all(knowledge.sources()[k].reference in flag.source for k in flag.source_keys)
        assert flag.message.endswith(".")


def test_the_scenarios_cover_every_rule(d: Builder, template: Path, tmp_path: Path) -> None:
    tripped: set[str] = set()
    for i, build in enumerate(SCENARIOS.values()):
        path = tmp_path / f"s{i}.db"
        shutil.copyfile(template, path)
        engine = open_engine(f"sqlite:///{path}")
        with Session(engine) as session:
            builder = Builder(session)
            build(builder)
            tripped |= builder.rules()
        engine.dispose()
    assert tripped == set(knowledge.rules())


def test_the_kitchen_sink_trips_all_but_no_obvious_cause(d: Builder) -> None:
    _kitchen_sink(d)
    assert d.rules() == set(knowledge.rules()) - {"no_obvious_cause"}


def test_wording_of_every_rules_advice() -> None:
    for rule in knowledge.rules().values():
        lowered = rule.advice.casefold()
        assert "consider" in lowered or "ask" in lowered, rule.id
        assert not [p for p in FORBIDDEN if p in lowered], rule.id
        assert knowledge.cite(rule.source)
    medicine = knowledge.rules()["new_medicine"].advice
    assert "ask your prescriber or pharmacist; do not stop a medicine on your own" in (
        medicine.casefold()
    )


def test_a_window_that_ends_before_it_starts_is_empty() -> None:
    # A medicine started the night before the first cramp asks for the nights between: none.
    import pandas as pd

    from cramplog.flags import _window

    frame = pd.DataFrame(
        {"observed": [True, False]}, index=pd.date_range("2026-11-01", periods=2, name="night")
    )
    assert _window(frame, date(2026, 11, 2), date(2026, 11, 1)).empty
    inside = _window(frame, date(2026, 11, 1), date(2026, 11, 2))
    assert inside["observed"].tolist() == [True, False]
    outside = _window(frame, date(2026, 10, 31), date(2026, 11, 1))
    assert outside["observed"].tolist() == [False, True]  # a night outside: not observed
