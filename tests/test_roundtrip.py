"""Episodes written through the diary and read back as `list --json` shows them are unchanged."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from cramplog import diary
from cramplog.cli.entries import episode_dict
from cramplog.db import open_engine, session_scope
from cramplog.models import SIDES, SIGNS, SITES
from cramplog.timeutil import night_of

ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Adelaide", "UTC"]
START = datetime(2020, 1, 1, tzinfo=ZoneInfo("UTC"))

episodes = st.fixed_dictionaries(
    {
        "minutes_after_start": st.integers(0, 60 * 24 * 365 * 6),
        "tz": st.sampled_from(ZONES),
        "severity": st.none() | st.integers(0, 10),
        "site": st.none() | st.sampled_from(SITES),
        "side": st.none() | st.sampled_from(SIDES),
        "minutes": st.none() | st.floats(0, 240).map(lambda m: round(m, 2)),
        "woke": st.none() | st.booleans(),
        "signs": st.lists(st.sampled_from(SIGNS), unique=True, max_size=3),
        "note": st.none() | st.text(max_size=40),
    }
)

_DB = Path(tempfile.mkdtemp(prefix="cramplog-roundtrip-")) / "diary.db"


@settings(max_examples=60, deadline=None)
@given(spec=episodes)
def test_episode_round_trip(spec: dict) -> None:
    engine = open_engine(f"sqlite:///{_DB}")
    zone = ZoneInfo(spec["tz"])
    at = (START + timedelta(minutes=spec["minutes_after_start"])).astimezone(zone)
    fields = {k: spec[k] for k in ("severity", "site", "side", "minutes", "woke", "signs", "note")}
    with session_scope(engine, write=True) as session:
        new_id = diary.add_episode(session, at=at, tz=spec["tz"], **fields).episode.id
    with session_scope(engine) as session:
        back = episode_dict(diary.episode(session, new_id))
    assert datetime.fromisoformat(back["at"]) == at.replace(second=0, microsecond=0)
    assert back["night"] == night_of(at).isoformat()
    assert back["tz"] == spec["tz"]
    for key in ("severity", "site", "side", "minutes", "woke", "signs", "note"):
        assert back[key] == fields[key], key
    engine.dispose()
